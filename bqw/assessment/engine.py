"""The scoring engine: normalise, aggregate, adjust, rank within class, and test how firm each rank is.

Pure numpy, no database: `compute(inputs)` takes the frozen `Inputs` (units with their class, the value
matrix read in one query, item specs, per-unit targets, bonus/penalty points) and returns a plain dict, so
a publication stores the inputs and reproduces the identical result later. Conventions (OECD/JRC Handbook):

- every normalisation maps an item to a 0–100 scale where higher is better, computed *within the class*
  (units only compete with their own class): min-max; z-score as a T-score 50 + 10·z (population sd);
  distance to target min(x ÷ target, 1) × 100 (target ÷ x when lower is better); goalposts
  (x − lo) ÷ (hi − lo) × 100 clipped to 0–100; rank (share of the other units the unit beats, ties
  counting half) × 100. A class where an item has a single distinct value gives everyone 100 (min-max)
  or 50 (z-score): nobody is behind on it;
- aggregation: weighted arithmetic mean, or weighted geometric mean (scores floored at 1 so one zero does
  not wipe out a unit); weights are re-normalised over the items a unit has;
- missing data: `exclude` (the item does not count for that unit) or `impute` (the class mean of the raw
  value, before normalising); either way the unit's missing items are listed in its result;
- score = composite + bonus/penalty points; ranks are competition ranks ("1224") within the class;
- sensitivity: `runs` Monte Carlo draws, each multiplying every weight by U(1 − p, 1 + p) and using one of
  the normalisation variants (as configured, or all items min-max / z-score / rank); each unit gets its
  median rank and 5th–95th percentile interval; units whose intervals overlap are not clearly separated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

NORMALISATIONS = {"minmax": "最小-最大标准化", "zscore": "标准分（T分）", "target": "目标距离",
                  "goalpost": "固定上下限", "rank": "位次得分"}
AGGREGATIONS = {"arith": "加权算术平均", "geo": "加权几何平均"}
MISSING = {"exclude": "缺失不计（权重在其余指标间重新分配）", "impute": "按同类单位均值补齐"}
ALTERNATIVES = ("minmax", "zscore", "rank")  # the normalisation variants the sensitivity analysis tries
GEO_FLOOR = 1.0
TIE_DECIMALS = 9


@dataclass
class Item:
    """One scored item: an indicator with its weight, direction (+1 higher is better, −1 lower) and method."""

    code: str
    name: str
    unit: str = ""
    weight: float = 1.0
    direction: int = 1
    norm: str = "minmax"
    lo: float | None = None  # goalposts
    hi: float | None = None
    target: float | None = None  # distance to target, when a unit has no target of its own

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "unit": self.unit, "weight": self.weight,
                "direction": self.direction, "norm": self.norm, "lo": self.lo, "hi": self.hi, "target": self.target}


@dataclass
class Inputs:
    """Everything a result depends on, frozen: what a publication stores."""

    units: list[dict]  # {"code", "name", "group"}
    items: list[Item]
    values: np.ndarray  # units × items, NaN = missing
    targets: np.ndarray | None = None  # units × items per-unit targets, NaN = none (item.target applies)
    adjustments: list[dict] = field(default_factory=list)  # {"code", "kind", "label", "points", "reason"}
    aggregation: str = "arith"
    missing: str = "exclude"
    perturb: float = 0.2
    runs: int = 1000
    seed: int = 20230101
    alternatives: bool = True

    def __post_init__(self) -> None:
        self.values = np.asarray(self.values, dtype=float).reshape(len(self.units), len(self.items))
        if self.targets is None:
            self.targets = np.full(self.values.shape, np.nan)
        self.targets = np.asarray(self.targets, dtype=float).reshape(self.values.shape)

    def to_json(self) -> dict:
        def cells(a: np.ndarray) -> list[list[float | None]]:
            return [[None if math.isnan(x) else float(x) for x in row] for row in a.tolist()]
        return {"units": self.units, "items": [i.as_dict() for i in self.items], "values": cells(self.values),
                "targets": cells(self.targets), "adjustments": self.adjustments, "aggregation": self.aggregation,
                "missing": self.missing, "perturb": self.perturb, "runs": self.runs, "seed": self.seed,
                "alternatives": self.alternatives}

    @classmethod
    def from_json(cls, d: dict) -> Inputs:
        def arr(rows: list) -> np.ndarray:
            return np.array([[np.nan if x is None else x for x in row] for row in rows], dtype=float)
        n, m = len(d["units"]), len(d["items"])
        return cls(units=d["units"], items=[Item(**i) for i in d["items"]],
                   values=arr(d["values"]).reshape(n, m), targets=arr(d["targets"]).reshape(n, m),
                   adjustments=d["adjustments"], aggregation=d["aggregation"], missing=d["missing"],
                   perturb=d["perturb"], runs=d["runs"], seed=d["seed"], alternatives=d["alternatives"])


# ------------------------------------------------------------------ normalisation (one column, one class)


def normalise(x: np.ndarray, norm: str, direction: int = 1, *, lo: float | None = None, hi: float | None = None,
              target: np.ndarray | float | None = None) -> np.ndarray:
    """0–100 scores of one item for the units of one class (NaN stays NaN)."""
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape, np.nan)
    ok = ~np.isnan(x)
    if not ok.any():
        return out
    v = x[ok]
    if norm == "minmax":
        a, b = v.min(), v.max()
        out[ok] = 100.0 if b == a else ((v - a) / (b - a) if direction > 0 else (b - v) / (b - a)) * 100
    elif norm == "zscore":
        sd = v.std()
        out[ok] = 50.0 if sd == 0 else 50 + 10 * direction * (v - v.mean()) / sd
    elif norm == "goalpost":
        if lo is None or hi is None or hi == lo:
            raise ValueError("固定上下限标准化须指定不同的下限和上限")
        s = (v - lo) / (hi - lo) if direction > 0 else (hi - v) / (hi - lo)
        out[ok] = np.clip(s, 0, 1) * 100
    elif norm == "target":
        t = np.broadcast_to(np.asarray(np.nan if target is None else target, dtype=float), x.shape)[ok]
        with np.errstate(divide="ignore", invalid="ignore"):
            s = v / t if direction > 0 else np.where(v > 0, t / v, 1.0)
        s = np.where((t > 0) & ~np.isnan(t), np.clip(s, 0, 1), np.nan)
        out[ok] = s * 100
    elif norm == "rank":
        n = len(v)
        if n == 1:
            out[ok] = 100.0
        else:
            s = np.sort(v)
            below = np.searchsorted(s, v, "left")
            upto = np.searchsorted(s, v, "right")
            beaten = below if direction > 0 else n - upto
            out[ok] = (beaten + 0.5 * (upto - below - 1)) / (n - 1) * 100
    else:
        raise ValueError(f"未知的标准化方法：{norm}")
    return out


def impute_class_mean(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Missing raw values replaced by their class's mean of that item; returns (values, imputed mask)."""
    x = values.copy()
    imputed = np.zeros(x.shape, dtype=bool)
    for g in np.unique(groups):
        rows = groups == g
        block = x[rows]
        miss = np.isnan(block)
        if not miss.any():
            continue
        with np.errstate(invalid="ignore"), _quiet():
            means = np.nanmean(block, axis=0)
        fill = miss & ~np.isnan(means)
        block[fill] = np.broadcast_to(means, block.shape)[fill]
        x[rows] = block
        sub = imputed[rows]
        sub[fill] = True
        imputed[rows] = sub
    return x, imputed


class _quiet:
    """Silence numpy's 'mean of empty slice' warning (an all-missing class item stays missing)."""

    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        self._w.__exit__(*exc)


def normalise_matrix(values: np.ndarray, targets: np.ndarray, groups: np.ndarray, items: list[Item],
                     override: str | None = None) -> np.ndarray:
    """Every item normalised within every class (override: one method for all items, for sensitivity)."""
    out = np.full(values.shape, np.nan)
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        for j, it in enumerate(items):
            out[rows, j] = normalise(values[rows, j], override or it.norm, it.direction, lo=it.lo, hi=it.hi,
                                     target=np.where(np.isnan(targets[rows, j]),
                                                     np.nan if it.target is None else it.target,
                                                     targets[rows, j]))
    return out


# ------------------------------------------------------------------ aggregation and ranking


def aggregate(scores: np.ndarray, weights: np.ndarray, how: str = "arith") -> np.ndarray:
    """Composite per unit (rows) for one weight vector (m,) or many (R × m → units × R); NaN items excluded
    with the weights re-normalised over the rest; a unit with no item at all gets NaN."""
    w = np.asarray(weights, dtype=float)
    wt = w.T if w.ndim == 2 else w
    mask = ~np.isnan(scores)
    den = mask.astype(float) @ wt
    if how == "arith":
        num = np.where(mask, scores, 0.0) @ wt
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / den, np.nan)
    if how == "geo":
        logs = np.where(mask, np.log(np.maximum(np.where(mask, scores, GEO_FLOOR), GEO_FLOOR)), 0.0) @ wt
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, np.exp(logs / np.where(den > 0, den, 1)), np.nan)
    raise ValueError(f"未知的汇总方法：{how}")


def competition_ranks(scores: np.ndarray, groups: np.ndarray, include: np.ndarray | None = None) -> np.ndarray:
    """Ranks within each class, best = 1, ties share the best rank ("1224"); units not included (default:
    NaN score) get 0 = unranked. `scores` may be units × runs: every column is ranked on its own, all at
    once (one sort per class); an included unit with NaN in some run ranks last in that run."""
    s = np.round(np.asarray(scores, dtype=float), TIE_DECIMALS)
    two = s.ndim == 2
    s2 = s if two else s[:, None]
    if include is None:
        include = ~np.isnan(s2).all(axis=1)
    ranks = np.zeros(s2.shape, dtype=np.int32)
    for g in np.unique(groups):
        rows = np.flatnonzero((groups == g) & include)
        if not len(rows):
            continue
        block = s2[rows]
        if np.isnan(block).any():
            floor = np.nanmin(block, axis=0) if not np.isnan(block).all() else np.zeros(block.shape[1])
            block = np.where(np.isnan(block), np.nan_to_num(floor, nan=0.0) - 1, block)
        n, runs = block.shape
        # sort each column once (best first); a unit's rank is 1 + the position where its run of ties starts
        order = np.argsort(-block, axis=0, kind="stable")
        ordered = np.take_along_axis(block, order, axis=0)
        pos = np.arange(n)[:, None]
        starts = np.where(np.vstack([np.ones((1, runs), bool), ordered[1:] != ordered[:-1]]), pos, 0)
        first = np.maximum.accumulate(starts, axis=0)
        out = np.empty((n, runs), dtype=np.int32)
        np.put_along_axis(out, order, first + 1, axis=0)
        ranks[rows] = out
    return ranks if two else ranks[:, 0]


# ------------------------------------------------------------------ the whole computation


def _group_index(units: list[dict]) -> tuple[np.ndarray, list[str]]:
    names: list[str] = []
    for u in units:
        if u["group"] not in names:
            names.append(u["group"])
    return np.array([names.index(u["group"]) for u in units], dtype=np.int32), names


def _quantile(a: np.ndarray, q: float) -> np.ndarray:
    return np.quantile(a, q, axis=1, method="inverted_cdf")


def sensitivity(values: np.ndarray, targets: np.ndarray, groups: np.ndarray, items: list[Item], *,
                aggregation: str, adjust: np.ndarray, runs: int, perturb: float, seed: int,
                alternatives: bool, include: np.ndarray) -> dict:
    """Monte Carlo ranks: units × runs, plus which variant and weights each run used."""
    rng = np.random.default_rng(seed)
    w = np.array([it.weight for it in items], dtype=float)
    variants: list[str | None] = [None, *(ALTERNATIVES if alternatives else ())]
    pick = rng.integers(len(variants), size=runs)
    weights = w * rng.uniform(1 - perturb, 1 + perturb, size=(runs, len(items)))
    scores = np.full((len(values), runs), np.nan)
    for k, v in enumerate(variants):
        cols = np.flatnonzero(pick == k)
        if len(cols):
            s = normalise_matrix(values, targets, groups, items, override=v)
            scores[:, cols] = aggregate(s, weights[cols], aggregation) + adjust[:, None]
    ranks = competition_ranks(scores, groups, include)
    return {"ranks": ranks, "variants": [v or "as_set" for v in variants],
            "variant_counts": np.bincount(pick, minlength=len(variants)).tolist()}


def compute(inputs: Inputs, *, runs: int | None = None) -> dict:
    """The result of a scheme on frozen inputs (see the module docstring): per class, every unit's score,
    rank, breakdown by item, adjustments, and (runs > 0) median rank and 5th–95th percentile interval."""
    items, units = inputs.items, inputs.units
    runs = inputs.runs if runs is None else runs
    groups, group_names = _group_index(units)
    raw = inputs.values
    missing = np.isnan(raw)
    if inputs.missing == "impute":
        values, imputed = impute_class_mean(raw, groups)
    else:
        values, imputed = raw, np.zeros(raw.shape, dtype=bool)
    w = np.array([it.weight for it in items], dtype=float)
    normed = normalise_matrix(values, inputs.targets, groups, items)
    composite = aggregate(normed, w, inputs.aggregation)
    adjust = np.zeros(len(units))
    by_unit: dict[str, list[dict]] = {}
    index = {u["code"]: k for k, u in enumerate(units)}
    for a in inputs.adjustments:
        if a["code"] in index:
            adjust[index[a["code"]]] += a["points"]
            by_unit.setdefault(a["code"], []).append(a)
    score = composite + adjust
    rank = competition_ranks(score, groups)
    sens = None
    if runs and len(units):
        sens = sensitivity(values, inputs.targets, groups, items, aggregation=inputs.aggregation, adjust=adjust,
                           runs=runs, perturb=inputs.perturb, seed=inputs.seed, alternatives=inputs.alternatives,
                           include=rank > 0)
        mc = sens["ranks"].astype(float)
        median, lo5, hi95 = np.median(mc, axis=1), _quantile(mc, 0.05), _quantile(mc, 0.95)

    # class means of normalised scores: how much each item puts a unit above or below its class
    class_mean = np.full(normed.shape, np.nan)
    for g in range(len(group_names)):
        rows = groups == g
        with _quiet():
            class_mean[rows] = np.nanmean(normed[rows], axis=0)
    # every breakdown figure as a matrix first, then plain lists (NaN → None): no numpy scalars in the loop
    have = ~np.isnan(normed)
    wsum = have.astype(float) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(have, w[None, :] / np.where(wsum > 0, wsum, 1)[:, None], 0.0)
    if inputs.aggregation == "arith":
        contrib = np.where(have, share * normed, np.nan)
    else:
        contrib = np.where(have, np.maximum(np.where(have, normed, GEO_FLOOR), GEO_FLOOR) ** share, np.nan)
    vs_class = np.where(have, share * (normed - class_mean), np.nan)
    L = {k: _cells(a) for k, a in (("raw", raw), ("used", values), ("target", inputs.targets), ("norm", normed),
                                   ("share", share), ("contrib", contrib), ("vs", vs_class))}
    miss_l, imp_l = missing.tolist(), imputed.tolist()
    comp_l, score_l, rank_l = _cells(composite[:, None]), _cells(score[:, None]), rank.tolist()
    if sens is not None:
        med_l, lo_l, hi_l = median.tolist(), lo5.astype(int).tolist(), hi95.astype(int).tolist()
    out_groups = []
    for g, gname in enumerate(group_names):
        rows = np.flatnonzero(groups == g).tolist()
        ranked = sum(1 for r in rows if rank_l[r] > 0)
        cards = []
        for r in rows:
            u = units[r]
            breakdown = [{
                "code": it.code, "name": it.name, "unit": it.unit, "value": L["raw"][r][j], "used": L["used"][r][j],
                "imputed": imp_l[r][j], "missing": miss_l[r][j], "target": L["target"][r][j],
                "normalised": L["norm"][r][j], "weight": it.weight, "weight_share": L["share"][r][j],
                "contribution": L["contrib"][r][j], "vs_class": L["vs"][r][j],
            } for j, it in enumerate(items)]
            card = {
                "code": u["code"], "name": u["name"], "group": gname, "composite": comp_l[r][0],
                "adjustment": float(adjust[r]), "adjustments": by_unit.get(u["code"], []), "score": score_l[r][0],
                "rank": rank_l[r] or None, "of": ranked,
                "missing": [it.name for j, it in enumerate(items) if miss_l[r][j]],
                "imputed": [it.name for j, it in enumerate(items) if imp_l[r][j]],
                "no_target": [it.name for j, it in enumerate(items)
                              if it.norm == "target" and L["norm"][r][j] is None and L["used"][r][j] is not None],
                "items": breakdown,
            }
            if sens is not None and rank_l[r]:
                card |= {"median_rank": med_l[r], "interval": [lo_l[r], hi_l[r]]}
            cards.append(card)
        cards.sort(key=lambda c: (c["rank"] is None, c["rank"] or 0, c["code"]))
        if sens is not None:
            _flag_overlaps(cards)
        out_groups.append({"name": gname, "units": cards, "ranked": ranked})
    return {"items": [i.as_dict() for i in items], "aggregation": inputs.aggregation, "missing": inputs.missing,
            "runs": runs, "perturb": inputs.perturb, "seed": inputs.seed,
            "variants": sens["variants"] if sens else [], "variant_counts": sens["variant_counts"] if sens else [],
            "groups": out_groups}


def _cells(a: np.ndarray) -> list[list[float | None]]:
    """A float matrix as lists of Python floats, NaN as None."""
    return [[None if x != x else x for x in row] for row in a.tolist()]


def _flag_overlaps(cards: list[dict]) -> None:
    """Within a class: which units' rank intervals overlap (not clearly separated), nearest ranks first."""
    ranked = [c for c in cards if c.get("interval")]
    if not ranked:
        return
    lo = np.array([c["interval"][0] for c in ranked])
    hi = np.array([c["interval"][1] for c in ranked])
    overlap = (lo[:, None] <= hi[None, :]) & (lo[None, :] <= hi[:, None])
    np.fill_diagonal(overlap, False)
    counts = overlap.sum(axis=1)
    for k, c in enumerate(ranked):
        others = np.flatnonzero(overlap[k])
        near = np.sort(others[np.argsort(np.abs(others - k), kind="stable")[:5]])
        c["overlaps"] = int(counts[k])
        c["not_separated_from"] = [ranked[j]["name"] for j in near.tolist()]
        c["separated"] = not counts[k]
