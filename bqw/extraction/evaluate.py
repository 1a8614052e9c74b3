"""Scoring the extractor against a gold file (seeds_targets_gold.json format).

A statement counts as found when a predicted item has the same value (relative
tolerance 1e-6), unit and comparator.  Pairs whose quotes overlap are taken
first, then the nearest by position, one-to-one: this rewards finding the
right sentence without punishing a differently cut quote.  Deadline and kind
are then scored only among matched pairs, since they mean nothing otherwise;
so are subject (the unit, "鹤山市(址山镇)" accepting either name) and the indicator
name (mean character similarity, 0..1), which the review page shows for editing.
"""

from __future__ import annotations

import math
import re
from difflib import SequenceMatcher
from typing import Any

from .extractor import Item


def _same_value(a: float, b: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)


def _norm_deadline(d: Any) -> str | None:
    return None if d is None else str(d)


def subject_ok(gold: str | None, pred: str | None) -> bool:
    """Same unit: "鹤山市(址山镇)" accepts 鹤山市 or 址山镇."""
    if not gold:
        return True
    names = {gold, *re.split(r"[()（）]", gold)} - {""}
    return pred in names


def indicator_similarity(gold: str | None, pred: str | None) -> float:
    """Character overlap of two indicator names (0..1), ignoring spaces and quotes."""
    a, b = (re.sub(r"[\s“”\"]", "", x or "") for x in (gold, pred))
    if not a:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def _gold_span(g: dict, text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    i = text.find(g["quote"])
    return None if i < 0 else (i, i + len(g["quote"]))


def match_seed(gold: list[dict], predicted: list[Item], text: str | None = None) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index) on (value, unit, comparator)."""
    pairs = []
    for gi, g in enumerate(gold):
        gspan = _gold_span(g, text)
        for pi, p in enumerate(predicted):
            if p.unit != g["unit"] or p.comparator != g["comparator"] or not _same_value(p.value, g["value"]):
                continue
            if gspan is not None:
                overlap = p.start < gspan[1] and gspan[0] < p.end
                dist = 0 if overlap else min(abs(p.start - gspan[1]), abs(gspan[0] - p.end))
            else:
                overlap = g["quote"] in p.quote or p.quote in g["quote"]
                dist = 0 if overlap else 10**6
            pairs.append((0 if overlap else 1, dist, gi, pi))
    pairs.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, _, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi))
    return out


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def evaluate(gold: list[dict], predicted_by_seed: dict[str, list[Item]], texts: dict[str, str] | None = None) -> dict:
    """Precision, recall, F1 per seed and overall, plus deadline and kind accuracy among matches."""
    seeds = sorted({g["seed"] for g in gold} | set(predicted_by_seed))
    rows = []
    tot = {"gold": 0, "pred": 0, "matched": 0, "deadline_ok": 0, "kind_ok": 0, "subject_ok": 0, "indicator_sim": 0.0}
    misses: list[dict] = []
    extras: list[dict] = []
    wrong: list[dict] = []
    for seed in seeds:
        g = [x for x in gold if x["seed"] == seed]
        p = predicted_by_seed.get(seed, [])
        pairs = match_seed(g, p, (texts or {}).get(seed))
        d_ok = sum(_norm_deadline(g[gi]["deadline"]) == _norm_deadline(p[pi].deadline) for gi, pi in pairs)
        k_ok = sum(g[gi]["kind"] == p[pi].kind for gi, pi in pairs)
        s_ok = sum(subject_ok(g[gi].get("subject"), p[pi].subject) for gi, pi in pairs)
        i_sim = sum(indicator_similarity(g[gi].get("indicator"), p[pi].indicator) for gi, pi in pairs)
        mg = {gi for gi, _ in pairs}
        mp = {pi for _, pi in pairs}
        misses += [g[i] for i in range(len(g)) if i not in mg]
        extras += [dict(p[i].as_dict(), seed=seed) for i in range(len(p)) if i not in mp]
        for gi, pi in pairs:
            if _norm_deadline(g[gi]["deadline"]) != _norm_deadline(p[pi].deadline) or g[gi]["kind"] != p[pi].kind:
                wrong.append({"gold": g[gi], "pred": p[pi].as_dict()})
        row = {
            "seed": seed,
            "gold": len(g),
            "pred": len(p),
            "matched": len(pairs),
            "deadline_ok": d_ok,
            "kind_ok": k_ok,
            "subject_ok": s_ok,
            "indicator_sim": i_sim,
        }
        for k in tot:
            tot[k] += row[k]
        rows.append(_scores(row))
    return {
        "seeds": rows,
        "total": _scores(dict(tot, seed="ALL")),
        "misses": misses,
        "extras": extras,
        "wrong": wrong,
    }


def _scores(row: dict) -> dict:
    p = _ratio(row["matched"], row["pred"])
    r = _ratio(row["matched"], row["gold"])
    row["precision"] = round(p, 4)
    row["recall"] = round(r, 4)
    row["f1"] = round(_ratio(int(2 * p * r * 10**6), int((p + r) * 10**6)), 4) if p + r else 0.0
    row["deadline_acc"] = round(_ratio(row["deadline_ok"], row["matched"]), 4)
    row["kind_acc"] = round(_ratio(row["kind_ok"], row["matched"]), 4)
    row["subject_acc"] = round(_ratio(row["subject_ok"], row["matched"]), 4)
    row["indicator_sim"] = round(row["indicator_sim"], 4)
    row["indicator_acc"] = round(row["indicator_sim"] / row["matched"], 4) if row["matched"] else 0.0
    return row


def format_table(result: dict) -> str:
    """Markdown table, bilingual headers, one row per seed and a total row."""
    head = (
        "| 文件 seed | 标准 gold | 预测 pred | 匹配 matched | 精确率 P | 召回率 R | F1 "
        "| 期限 deadline | 类型 kind | 主体 subject | 指标 indicator |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [head]
    for r in result["seeds"] + [result["total"]]:
        lines.append(
            f"| {r['seed']} | {r['gold']} | {r['pred']} | {r['matched']} | {r['precision']:.3f} | "
            f"{r['recall']:.3f} | {r['f1']:.3f} | {r['deadline_acc']:.3f} | {r['kind_acc']:.3f} | "
            f"{r['subject_acc']:.3f} | {r['indicator_acc']:.3f} |"
        )
    return "\n".join(lines)
