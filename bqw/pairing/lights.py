"""The delivery light of a commitment and of a pairing: delivered so far against what the time elapsed expects.

One rule for pages, API, CLI and export (like plans.lights for tasks):
- grey 未开始: the commitment's period has not begun;
- green 已完成: everything promised has arrived (on time or how late);
- red 逾期未完成: past due and not all arrived;
- red 严重滞后 / yellow 滞后: delivered share behind the time-elapsed share by more than SEVERE / BEHIND points;
- blue 临近期限: due within BLUE_DAYS and not complete; otherwise green 正常推进.
A pairing takes the worst light of its commitments (grey when it has none).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils import timezone

from bqw.core.periods import Period
from bqw.core.status import Light, Status
from bqw.indicators.status import fmt

from .models import Commitment, Delivery, Pairing

BEHIND = 10  # percentage points behind the time-elapsed share before yellow
SEVERE = 30  # … before red
BLUE_DAYS = 30
ORDER = [Light.RED, Light.YELLOW, Light.BLUE, Light.GREEN, Light.GREY]


def delivered_by(deliveries: Iterable[Delivery], on: date) -> Decimal:
    """What arrived in periods that had begun by `on`."""
    return sum((d.amount for d in deliveries if Period.parse(d.period).start <= on), Decimal(0))


def _pct(x: float) -> str:
    return f"{x:.0f}%"


def commitment_light(c: Commitment, on: date | None = None, *, deliveries: list[Delivery] | None = None) -> Status:
    on = on or timezone.localdate()
    rows = deliveries if deliveries is not None else list(c.deliveries.all())
    got = delivered_by(rows, on)
    unit = c.unit
    promised = f"承诺{c.get_kind_display()} {fmt(c.amount, unit)}"
    if got >= c.amount:
        last = max((Period.parse(d.period).end for d in rows), default=on)
        late = (last - c.due_on).days
        when = "按期完成" if late <= 0 else f"逾期 {late} 天完成"
        return Status(Light.GREEN, "已完成", f"{promised}，已到位 {fmt(got, unit)}，{when}")
    if on < c.start_on:
        return Status(Light.GREY, "未开始", f"{promised}，{c.start_on:%Y年%m月%d日}起算")
    share = float(got / c.amount * 100)
    if on > c.due_on:
        return Status(Light.RED, "逾期未完成",
                      f"{promised}，期限 {c.due_on:%Y年%m月%d日} 已过，仅到位 {fmt(got, unit)}（{_pct(share)}）")
    total = (c.due_on - c.start_on).days or 1
    expected = min(max((on - c.start_on).days / total, 0), 1) * 100
    gap = expected - share
    head = f"{promised}，按时间进度应到位 {_pct(expected)}，实际到位 {fmt(got, unit)}（{_pct(share)}）"
    if gap > SEVERE:
        return Status(Light.RED, "严重滞后", f"{head}，落后 {gap:.0f} 个百分点")
    if gap > BEHIND:
        return Status(Light.YELLOW, "滞后", f"{head}，落后 {gap:.0f} 个百分点")
    if (c.due_on - on).days <= BLUE_DAYS:
        return Status(Light.BLUE, "临近期限", f"{head}，距期限 {(c.due_on - on).days} 天")
    return Status(Light.GREEN, "正常推进", head)


def pairing_light(p: Pairing, on: date | None = None) -> Status:
    """The worst light of the pairing's commitments, with that commitment's reason."""
    on = on or timezone.localdate()
    statuses = [commitment_light(c, on, deliveries=list(c.deliveries.all())) for c in p.commitments.all()]
    if not statuses:
        return Status(Light.GREY, "无承诺", "尚未登记帮扶承诺")
    worst = min(statuses, key=lambda s: ORDER.index(Light(s.light)))
    if len(statuses) > 1 and worst.light != Light.GREEN:
        return Status(worst.light, worst.label, f"{len(statuses)} 项承诺中：{worst.reason}")
    if len(statuses) > 1:
        return Status(Light.GREEN, worst.label, f"{len(statuses)} 项承诺均正常：{worst.reason}")
    return worst
