"""Target status at any period: achieved / on track / at risk / off track / no data, with the reason.

Status words (core.status.Status.label) and lights: 已达成 achieved → green, 正常推进 on track → blue,
有风险 at risk → yellow, 滞后 off track → red, 无数据 no data → grey.

- Measured value at a period t (the latest the indicator can have by t): stock indicators read the rollup
  of t (monthly), of the last complete quarter (quarterly) or of the last complete year (yearly); flow
  indicators read the year-to-date rollup and annualise it (× 12 / months elapsed), so a year target such
  as "GDP 1300亿元 in 2025" can be judged in June.
- Level targets: expected(t) moves linearly from the baseline (value, period) to the target value at the
  deadline. Growth targets (value = % per year): expected(t) = baseline × (1 + g)^(years elapsed).
  Relative targets ("增速高于全省平均水平"): the unit's year-on-year growth against the benchmark region's.
- At risk: behind the expected value by no more than `at_risk_band` × the planned change (level),
  × the target growth (growth), × the benchmark's growth (relative). Past the deadline only achieved / off track.
- Each evaluation also gives the annual growth still required to reach the target and the growth achieved
  so far (both % per year).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bqw.accounts.models import User
from bqw.core.comparators import APPROX_TOLERANCE, EPSILON, Comparator, holds, symbol
from bqw.core.numbers import fmt, fmt_gap, negligible, negligible_below  # noqa: F401  (re-exported: status.fmt)
from bqw.core.periods import Period
from bqw.core.status import Light, Status
from bqw.regions.models import Region, code_range

from .models import Indicator, Rollup, Target

ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "achieved", "on_track", "at_risk", "off_track", "no_data"
LABELS = {ACHIEVED: "已达成", ON_TRACK: "正常推进", AT_RISK: "有风险", OFF_TRACK: "滞后", NO_DATA: "无数据"}
LIGHTS = {ACHIEVED: Light.GREEN, ON_TRACK: Light.BLUE, AT_RISK: Light.YELLOW, OFF_TRACK: Light.RED,
          NO_DATA: Light.GREY}
ORDER = [OFF_TRACK, AT_RISK, NO_DATA, ON_TRACK, ACHIEVED]


def status_legend() -> list[tuple[str, str]]:
    """(light, status word) from best to worst, for the legend under a page of target lights."""
    return [(LIGHTS[s].value, LABELS[s]) for s in ORDER[::-1]]


@dataclass
class Evaluation:
    region: Region
    state: str
    reason: str
    actual: float | None = None
    expected: float | None = None
    baseline: float | None = None
    required_growth: float | None = None
    achieved_growth: float | None = None

    @property
    def status(self) -> Status:
        return Status(LIGHTS[self.state], LABELS[self.state], self.reason)

    def as_dict(self) -> dict:
        r = lambda x: None if x is None else round(x, 4)  # noqa: E731
        return {"region": self.region.code, "name": self.region.name, "status": self.state,
                **self.status.as_dict(), "actual": r(self.actual), "expected": r(self.expected),
                "baseline": r(self.baseline),
                "required_growth": r(self.required_growth), "achieved_growth": r(self.achieved_growth)}


@dataclass
class TargetStatus:
    target: Target
    period: Period
    state: str
    reason: str
    units: list[Evaluation] = field(default_factory=list)

    @property
    def status(self) -> Status:
        return Status(LIGHTS[self.state], LABELS[self.state], self.reason)

    def as_dict(self) -> dict:
        t = self.target
        return {"id": t.id, "title": str(t), "indicator": t.indicator.code, "indicator_name": t.indicator.name,
                "unit": t.indicator.unit, "scope": t.scope, "region": t.region.code, "kind": t.kind,
                "comparator": t.comparator, "value": str(t.value), "deadline": t.deadline, "stage": t.stage,
                "stage_label": t.get_stage_display(), "source": t.source_document, "quote": t.source_quote,
                "period": self.period.id, "status": self.state, **self.status.as_dict(),
                "units": [u.as_dict() for u in self.units] if len(self.units) > 1 else [],
                **({k: v for k, v in self.units[0].as_dict().items() if k in
                    ("actual", "expected", "baseline", "required_growth", "achieved_growth")}
                   if len(self.units) == 1 else {})}


# ------------------------------------------------------------------ measuring


@dataclass(frozen=True)
class Measure:
    periods: tuple[str, ...]  # rollup periods read and added up
    full: int  # how many periods a complete year-to-date has (annualisation base), 0 = no annualisation
    label: str  # what was read, e.g. 2024年1—6月累计折年

    @property
    def period(self) -> str:
        return self.periods[-1]

    def value(self, vals: dict[tuple[int, str], float], region_id: int) -> float | None:
        """The measured value: one row, or the year-to-date sum annualised (missing periods scaled over)."""
        got = [vals[(region_id, p)] for p in self.periods if (region_id, p) in vals]
        if not got:
            return None
        if not self.full:
            return got[-1] if (region_id, self.periods[-1]) in vals else None
        return sum(got) * self.full / len(got)


def as_month(p: Period) -> Period:
    return p if p.kind == "M" else Period(p.year, "M", p.last_month)


def measure(ind: Indicator, t: Period) -> Measure:
    t = as_month(t)
    if ind.rule in ("count_where", "share_where") and ind.source_id and \
            ind.source.temporal == Indicator.Temporal.FLOW:
        # units are judged on full-year flows: the latest complete year
        y = t.year if t.index == 12 else t.year - 1
        return Measure((str(y),), 0, f"{y}年")
    if ind.periodicity == "M":
        if ind.temporal == Indicator.Temporal.FLOW:
            if t.index == 12:
                return Measure((str(t.year),), 0, f"{t.year}年")
            return Measure(tuple(Period(t.year, "M", k).id for k in range(1, t.index + 1)), 12,
                           f"{t.year}年1—{t.index}月累计折年")
        return Measure((t.id,), 0, t.label)
    if ind.periodicity == "Q":
        q = t.quarter() if t.index % 3 == 0 else t.quarter().shift(-1)
        if ind.temporal == Indicator.Temporal.FLOW:
            if q.index == 4:
                return Measure((str(q.year),), 0, f"{q.year}年")
            label = f"{q.year}年第1季度折年" if q.index == 1 else f"{q.year}年1—{q.index}季度累计折年"
            return Measure(tuple(Period(q.year, "Q", k).id for k in range(1, q.index + 1)), 4, label)
        return Measure((q.id,), 0, q.label)
    y = t.year if t.index == 12 else t.year - 1
    return Measure((str(y),), 0, f"{y}年")


def _read(ind: Indicator, regions: list[Region], periods: set[str]) -> dict[tuple[int, str], float]:
    rows = Rollup.objects.filter(indicator=ind, region__in=[r.id for r in regions], period__in=periods)
    return {(rid, p): v for rid, p, v in rows.values_list("region_id", "period", "value") if v is not None}


def _cagr(a: float | None, b: float | None, months: float) -> float | None:
    if a is None or b is None or a <= 0 or b <= 0 or months <= 0:
        return None
    return ((a / b) ** (12 / months) - 1) * 100


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}%"


# ------------------------------------------------------------------ scopes


def target_units_qs(target: Target, within: Region | None = None):
    """The units a target applies to as a queryset (only those inside `within` if given): the set-based
    evaluation (cockpit) reads it as a subquery."""
    if target.scope == Target.Scope.REGION:
        qs = Region.objects.filter(pk=target.region_id)
    else:
        qs = Region.objects.within(target.region, include_self=False).administrative()
        if target.scope == Target.Scope.LEVEL:
            qs = qs.filter(level=target.scope_level)
        else:
            qs = qs.filter(classes__scheme=target.class_scheme, classes__value=target.class_value)
            if target.class_year:
                qs = qs.filter(classes__year=target.class_year)
    if within is not None:
        lo, hi = code_range(within.prefix)
        qs = qs.filter(code__gte=lo, code__lte=hi)
    return qs


def target_units(target: Target, within: Region | None = None) -> list[Region]:
    """The units a target applies to (optionally only those inside `within`)."""
    if target.scope == Target.Scope.REGION:
        units = [target.region]
    else:
        units = list(target_units_qs(target, within if within is not None and target.region.contains(within)
                                     else None).order_by("code"))
    if within is not None:
        units = [u for u in units if within.contains(u)]
    return units


def targets_for_region(user: User, region: Region):
    """Targets about a unit or anything inside it, and class/level targets set above it that cover its units."""
    from django.db.models import Q

    from bqw.accounts.scope import require_view

    require_view(user, region)
    lo, hi = code_range(region.prefix)
    above = [region.code[:n].ljust(12, "0") for n in (2, 4, 6, 9) if n < len(region.prefix)]
    return (Target.objects.filter(Q(region__code__gte=lo, region__code__lte=hi)
                                  | Q(region__code__in=above, scope__in=[Target.Scope.CLASS, Target.Scope.LEVEL]))
            .filter(archived=False)  # archived targets keep their history but leave the lists (issue 11)
            .select_related("indicator", "region", "benchmark").order_by("deadline", "indicator__code", "id"))


# ------------------------------------------------------------------ evaluation


def _direction(target: Target, baseline: float | None = None) -> int:
    up = Comparator(target.comparator).upward
    if up is None:
        return 1 if target.indicator.direction == Indicator.Direction.UP else -1
    return 1 if up else -1


def _meets(a: float, comparator: str, v: float, sign: int) -> bool:
    """A target is met when the value holds; "=" on a target means reaching it in the indicator's direction."""
    if comparator == Comparator.EQ:
        comparator = Comparator.GE if sign > 0 else Comparator.LE
    return holds(a, v, comparator)


def _meets_sql(comparator: str, v: float, sign: int) -> tuple[str, list]:
    """`_meets` on the column `a` (the same EPSILON and tolerance as `core.comparators.holds`)."""
    if comparator == Comparator.EQ:
        comparator = Comparator.GE if sign > 0 else Comparator.LE
    if comparator == Comparator.APPROX:
        return "ABS(a - %s) <= %s", [v, APPROX_TOLERANCE * (abs(v) or 1) + EPSILON]
    op, bound = {">=": (">=", v - EPSILON), ">": (">", v + EPSILON), "<=": ("<=", v + EPSILON),
                 "<": ("<", v - EPSILON)}[comparator]
    return f"a {op} %s", [bound]


@dataclass(frozen=True)
class Rule:
    """THE verdict rule of a level or growth target at a period: every constant of the target's path (the
    period judged — the deadline once it has passed —, the measures, the elapsed share, the band, the
    comparator, the negligible gap) computed once, and the state of a unit as a function of its measured
    value `a` and baseline `b` only. `state` decides it in Python (evaluate()), `state_sql` is the same
    decision as a SQL CASE over columns `a` and `b` (the cockpit's set-based evaluation); `judge` adds the
    reason. Relative targets only use `tp` (their units are read together by `_relative`)."""

    target: Target
    asked: Period  # the period asked for
    tp: Period  # the period judged: the deadline once it has passed
    m: Measure | None  # what is read for `a` (None for relative targets)
    mb: Measure | None  # what is read for `b`
    at: Period  # where on the path a measured figure is compared (a past period's figure at its end)
    fixed_baseline: float | None  # the target's own baseline value (single-unit targets)
    v: float
    sign: int
    elapsed: int
    left: int
    frac: float
    band: float
    tiny: float  # gaps smaller than this print as zero (core.numbers.negligible)

    # -------------------------------------------------------------- the decision

    def expected(self, b: float) -> float:
        if self.target.kind == Target.Kind.GROWTH:
            return b * (1 + self.v / 100) ** (max(self.elapsed, 0) / 12)
        return b + (self.v - b) * self.frac

    def done(self, a: float | None, b: float | None) -> float | None:
        """The annual growth achieved from the baseline (% per year)."""
        return _cagr(a, b, self.elapsed)

    def state(self, a: float | None, b: float | None) -> str:
        t = self.target
        if t.kind == Target.Kind.GROWTH:
            if a is None or b is None or b <= 0:
                return NO_DATA
            done = self.done(a, b)
            if self.left <= 0:
                return ACHIEVED if done is not None and done >= self.v else OFF_TRACK
            e = self.expected(b)
            if a >= e or abs(e - a) < self.tiny:
                return ON_TRACK
            return AT_RISK if done is not None and done >= self.v * (1 - self.band) else OFF_TRACK
        if a is None:
            return NO_DATA
        if _meets(a, t.comparator, self.v, self.sign):
            return ACHIEVED
        if self.left <= 0:
            return OFF_TRACK
        if b is None:
            return AT_RISK
        gap = (a - self.expected(b)) * self.sign
        if gap >= 0 or abs(gap) < self.tiny:
            return ON_TRACK
        return AT_RISK if -gap <= self.band * (abs(self.v - b) if self.v != b else abs(self.v)) else OFF_TRACK

    def state_sql(self) -> tuple[str, list]:
        """`state` as a SQL CASE over the columns `a` and `b`, with its parameters (same branches, same order)."""
        if self.target.kind == Target.Kind.GROWTH:
            k = (1 + self.v / 100) ** (max(self.elapsed, 0) / 12)
            done, dp = ("(CASE WHEN a > 0 AND b > 0 AND %s > 0 THEN (POWER(a / b, %s) - 1) * 100 END)",
                        [self.elapsed, 12 / self.elapsed if self.elapsed > 0 else 0])
            head = "CASE WHEN a IS NULL OR b IS NULL OR b <= 0 THEN 'no_data' "
            if self.left <= 0:
                return (head + f"WHEN {done} IS NOT NULL AND {done} >= %s THEN 'achieved' ELSE 'off_track' END",
                        [*dp, *dp, self.v])
            return (head + f"WHEN a >= b * %s OR ABS(b * %s - a) < %s THEN 'on_track' "
                    f"WHEN {done} IS NOT NULL AND {done} >= %s THEN 'at_risk' ELSE 'off_track' END",
                    [k, k, self.tiny, *dp, *dp, self.v * (1 - self.band)])
        meets, mp = _meets_sql(self.target.comparator, self.v, self.sign)
        head = f"CASE WHEN a IS NULL THEN 'no_data' WHEN {meets} THEN 'achieved' "
        if self.left <= 0:
            return head + "ELSE 'off_track' END", mp
        gap = "((a - (b + (%s - b) * %s)) * %s)"
        gp = [self.v, self.frac, self.sign]
        return (head + f"WHEN b IS NULL THEN 'at_risk' WHEN {gap} >= 0 OR ABS({gap}) < %s THEN 'on_track' "
                f"WHEN -{gap} <= %s * (CASE WHEN %s <> b THEN ABS(%s - b) ELSE ABS(%s) END) THEN 'at_risk' "
                f"ELSE 'off_track' END",
                [*mp, *gp, *gp, self.tiny, *gp, self.band, self.v, self.v, self.v])

    # -------------------------------------------------------------- the sentence

    def judge(self, unit: Region, a: float | None, b: float | None) -> Evaluation:
        """The unit's evaluation: `state` and the reason in one line."""
        return (_growth if self.target.kind == Target.Kind.GROWTH else _level)(self, unit, a, b)


def rule_for(target: Target, period: Period | str, *, fixed_baseline: float | None = None) -> Rule:
    """The rule of `target` at `period` (see Rule). `fixed_baseline` defaults to the target's own baseline
    value when it judges one unit."""
    asked = period if isinstance(period, Period) else Period.parse(period)
    # past its deadline a target is judged on its value at the deadline, not on later figures
    deadline = as_month(Period.parse(target.deadline))
    tp = deadline if as_month(asked).start > deadline.start else asked
    if fixed_baseline is None and target.baseline_value is not None and target.scope == Target.Scope.REGION:
        fixed_baseline = float(target.baseline_value)
    m = mb = None
    at = tp
    if target.kind != Target.Kind.RELATIVE:
        m = measure(target.indicator, tp)
        mb = measure(target.indicator, Period.parse(target.baseline_period))
        # compare like with like: a figure of a past period is set against the path at that period's end
        last = Period.parse(m.period)
        at = tp if m.full or last.kind == "M" else min(tp, last, key=lambda p: as_month(p).start)
    base = as_month(Period.parse(target.baseline_period))
    total = base.months_between(deadline)
    elapsed = base.months_between(as_month(at))
    return Rule(target=target, asked=asked, tp=tp, m=m, mb=mb, at=at, fixed_baseline=fixed_baseline,
                v=float(target.value), sign=_direction(target), elapsed=elapsed,
                left=as_month(at).months_between(deadline),
                frac=min(max(elapsed / total, 0), 1) if total > 0 else 1, band=float(target.at_risk_band),
                tiny=negligible_below(target.indicator.unit))


def _level(rule: Rule, unit: Region, a: float | None, b: float | None) -> Evaluation:
    t, m, tp = rule.target, rule.m, rule.at
    ind, unit_s = t.indicator, t.indicator.unit
    v, left = rule.v, rule.left
    deadline = Period.parse(t.deadline)
    cmp_s = symbol(t.comparator)
    goal = f"{cmp_s} {fmt(v, unit_s)}"
    state = rule.state(a, b)
    if a is None:
        return Evaluation(unit, NO_DATA, f"{m.label} 无 {ind.name} 数据", baseline=b)
    achieved_growth = rule.done(a, b)
    required = _cagr(v, a, left) if left > 0 else None
    growth_s = ""
    if unit_s != "%" and rule.sign > 0 and (required is not None or achieved_growth is not None):
        growth_s = f"；剩余期限需年均增长 {_pct(required)}（已实现年均 {_pct(achieved_growth)}）"
    ev = Evaluation(unit, state, "", actual=a, baseline=b, required_growth=required,
                    achieved_growth=achieved_growth)
    if state == ACHIEVED:
        ev.required_growth = None
        if left <= 0:  # judged on its value at the deadline
            over = "" if negligible(a - v, unit_s) else f"，超出 {fmt_gap(a - v, unit_s)}"
            ev.reason = f"期限 {deadline.label} 已到：{m.label} 实际 {fmt(a, unit_s)}，达成目标 {goal}{over}"
        else:
            ev.reason = f"{m.label} 实际 {fmt(a, unit_s)}，已达到目标 {goal}（期限 {deadline.label}）"
        return ev
    if left <= 0:
        ev.reason = (f"期限 {deadline.label} 已到：{m.label} 实际 {fmt(a, unit_s)}，未达成目标 {goal}，"
                     f"差 {fmt_gap(v - a, unit_s)}")
        return ev
    if b is None:
        ev.reason = f"{m.label} 实际 {fmt(a, unit_s)}，尚未达到目标 {goal}（无基期值，无法计算预期进度）{growth_s}"
        return ev
    e = rule.expected(b)
    ev.expected = e
    gap = (a - e) * rule.sign
    head = f"预期 {tp.label} 应达 {fmt(e, unit_s)}，实际 {fmt(a, unit_s)}"
    if state == ON_TRACK:
        ahead = "与预期进度持平" if negligible(gap, unit_s) else f"领先 {fmt_gap(gap, unit_s)}"
        ev.reason = f"{head}，{ahead}（目标 {goal}，{deadline.label}）{growth_s}"
    else:
        ev.reason = f"{head}，落后 {fmt_gap(gap, unit_s)}（目标 {goal}，{deadline.label}）{growth_s}"
    return ev


def _growth(rule: Rule, unit: Region, a: float | None, b: float | None) -> Evaluation:
    t, m, tp = rule.target, rule.m, rule.at
    unit_s = t.indicator.unit
    g, left = rule.v, rule.left
    deadline = Period.parse(t.deadline)
    state = rule.state(a, b)
    if state == NO_DATA:
        return Evaluation(unit, NO_DATA, f"{m.label} 无{'基期' if a is not None else ''} {t.indicator.name} 数据",
                          actual=a, baseline=b)
    end = b * (1 + g / 100) ** (as_month(Period.parse(t.baseline_period)).months_between(as_month(deadline)) / 12)
    e = rule.expected(b)
    done = rule.done(a, b)
    required = _cagr(end, a, left) if left > 0 else None
    ev = Evaluation(unit, state, "", actual=a, expected=e, baseline=b, required_growth=required,
                    achieved_growth=done)
    tail = f"；已实现年均增长 {_pct(done)}，目标年均 {g:.1f}%" + (
        f"，剩余期限需年均增长 {_pct(required)}" if required is not None else "")
    if left <= 0:  # judged on its value at the deadline
        word = "达成" if state == ACHIEVED else "未达成"
        ev.reason = f"期限 {deadline.label} 已到：{m.label} 实际 {fmt(a, unit_s)}，{word}目标{tail}"
        return ev
    head = f"预期 {tp.label} 应达 {fmt(e, unit_s)}（年均增长 {g:.1f}%），实际 {fmt(a, unit_s)}"
    if state == ON_TRACK:
        ev.reason = f"{head}，领先 {fmt_gap(a - e, unit_s)}{tail}"
    else:
        ev.reason = f"{head}，落后 {fmt_gap(e - a, unit_s)}{tail}"
    return ev


def yoy_growth(ind: Indicator, regions: list[Region], tp: Period) -> dict[int, tuple[float | None, str]]:
    """Year-on-year growth (%) of each region at t: same months this year vs last year (flows: Jan..t sums)."""
    t = as_month(tp)
    if ind.periodicity == "M" and ind.temporal == Indicator.Temporal.FLOW:
        now = [Period(t.year, "M", k).id for k in range(1, t.index + 1)]
        before = [Period(t.year - 1, "M", k).id for k in range(1, t.index + 1)]
        label = f"{t.year}年1—{t.index}月"
    else:
        m = measure(ind, t)
        p = Period.parse(m.period)
        now, before, label = [p.id], [p.shift(-1 if p.kind == "Y" else (4 if p.kind == "Q" else 12)).id], m.label
    vals = _read(ind, regions, set(now) | set(before))
    out = {}
    for r in regions:
        a = [vals.get((r.id, p)) for p in now]
        b = [vals.get((r.id, p)) for p in before]
        if None in a or None in b or sum(b) == 0:
            out[r.id] = (None, label)
        else:
            out[r.id] = ((sum(a) / sum(b) - 1) * 100, label)
    return out


def _relative(t: Target, units: list[Region], tp: Period) -> list[Evaluation]:
    bench = t.benchmark
    growth = yoy_growth(t.indicator, [*units, bench], tp)
    gb, label = growth[bench.id]
    margin = float(t.value)
    deadline = Period.parse(t.deadline)
    past = as_month(tp).months_between(as_month(deadline)) <= 0
    out = []
    for u in units:
        gu, _ = growth[u.id]
        if gu is None or gb is None:
            out.append(Evaluation(u, NO_DATA, f"{label} 无{'对标单位' if gu is not None else ''}同比增速数据"))
            continue
        diff = gu - gb - margin
        word = "高出" if gu >= gb else "低于"
        reason = (f"{label} {t.indicator.name}同比增长 {gu:.1f}%，对标{bench.name} {gb:.1f}%，"
                  f"{word} {abs(gu - gb):.1f} 个百分点")
        ok = _meets(gu - gb, t.comparator, margin, 1)
        if ok:
            state = ACHIEVED if past else ON_TRACK
        elif past:
            state = OFF_TRACK
        else:
            state = AT_RISK if -diff <= float(t.at_risk_band) * abs(gb) else OFF_TRACK
        out.append(Evaluation(u, state, reason, actual=gu, expected=gb + margin, achieved_growth=gu))
    return out


def evaluate(target: Target, period: Period | str, *, within: Region | None = None) -> TargetStatus:
    """The status of a target at a period over its units (those inside `within` if given)."""
    rule = rule_for(target, period)
    units = target_units(target, within)
    if target.kind == Target.Kind.RELATIVE:
        evals = _relative(target, units, rule.tp)
    else:
        m, mb = rule.m, rule.mb
        vals = _read(target.indicator, units, {*m.periods, *mb.periods})
        evals = [rule.judge(u, m.value(vals, u.id),
                            rule.fixed_baseline if rule.fixed_baseline is not None else mb.value(vals, u.id))
                 for u in units]
    return summarize(target, rule.asked, evals)


def summary_state(counts: dict[str, int]) -> tuple[str, str]:
    """The state of a multi-unit target from how many of its units are in each state (and the count sentence):
    shared by `summarize` and the cockpit's set-based evaluation, which only has the counts."""
    n = sum(counts.values())
    c = defaultdict(int, counts)
    with_data = n - c[NO_DATA]
    good = c[ACHIEVED] + c[ON_TRACK]
    if with_data == 0:
        state = NO_DATA
    elif c[ACHIEVED] == n:
        state = ACHIEVED
    elif good == n:
        state = ON_TRACK
    elif good >= 0.9 * with_data and c[OFF_TRACK] <= 0.05 * n:
        state = AT_RISK if c[AT_RISK] or c[OFF_TRACK] or c[NO_DATA] else ON_TRACK
    else:
        state = OFF_TRACK if (c[OFF_TRACK] + c[NO_DATA]) > 0.2 * n else AT_RISK
    parts = "，".join(f"{LABELS[s]} {c[s]} 个" for s in ORDER[::-1] if c[s])
    return state, f"{n} 个单位中：{parts}"


def summarize(target: Target, tp: Period, evals: list[Evaluation]) -> TargetStatus:
    if not evals:
        return TargetStatus(target, tp, NO_DATA, "范围内没有单位", [])
    if len(evals) == 1:
        return TargetStatus(target, tp, evals[0].state, evals[0].reason, evals)
    counts: dict[str, int] = defaultdict(int)
    for e in evals:
        counts[e.state] += 1
    state, reason = summary_state(counts)
    worst = next((e for s in ORDER for e in evals if e.state == s), evals[0])
    if worst.state in (OFF_TRACK, AT_RISK):
        reason += f"。如{worst.region.name}：{worst.reason}"
    return TargetStatus(target, tp, state, reason, evals)


def region_statuses(user: User, region: Region, period: Period | str) -> list[TargetStatus]:
    """Every target about `region` (and class/level targets covering its units) evaluated at `period`."""
    return [evaluate(t, period, within=region if t.scope != Target.Scope.REGION else None)
            for t in targets_for_region(user, region)]
