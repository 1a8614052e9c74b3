"""Requesting, generating and revoking briefings. Numbers are issued once per region and year."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from bqw.accounts.audit import audit_record, snapshot
from bqw.accounts.models import User
from bqw.accounts.scope import require_admin
from bqw.core.errors import ApplicationError, ConflictError
from bqw.core.periods import Period, PeriodError
from bqw.regions.models import Region

from .content import collect
from .models import Briefing
from .writer import title_of, write_docx, write_xlsx

log = logging.getLogger(__name__)
AUDITED = ["region_id", "period", "year", "number", "title", "state", "revoked_reason"]


def issuer_of(region: Region) -> str:
    return f"{region.name}百千万工程指挥部办公室"


def parse_briefing_period(text: str) -> Period:
    """A briefing covers a month or a quarter that has begun."""
    try:
        period = Period.parse(str(text).strip())
    except (PeriodError, ValueError) as exc:
        raise ApplicationError(f"期间格式不正确：{exc}（应为 202406 或 2024Q2）", extra={"field": "period"})
    if period.kind not in ("M", "Q"):
        raise ApplicationError("通报按月或按季度编制，请填写月份（202406）或季度（2024Q2）", extra={"field": "period"})
    if period.start > timezone.localdate():
        raise ApplicationError(f"{period.label}尚未开始，不能编制通报", extra={"field": "period"})
    return period


@transaction.atomic
def briefing_request(*, actor: User, region: Region, period: str, number: int | None = None,
                     background: bool = True) -> Briefing:
    """Reserve the briefing's number (第N期) and queue its generation after commit (`background=False`: the
    caller, e.g. the command line, generates it itself with briefing_generate)."""
    require_admin(actor, region)
    p = parse_briefing_period(period)
    year = p.year
    taken = Briefing.objects.select_for_update().filter(region=region, year=year).exclude(
        state=Briefing.State.REVOKED)
    if number is None:
        number = (taken.aggregate(n=Max("number"))["n"] or 0) + 1
    elif number < 1:
        raise ApplicationError("期号应为正整数", extra={"field": "number"})
    elif taken.filter(number=number).exists():
        raise ConflictError(f"{region.name}{year}年第{number}期通报已印发；如需重发，请先撤销原通报",
                            extra={"field": "number"})
    try:
        with transaction.atomic():
            b = Briefing.objects.create(region=region, period=p.id, year=year, number=number,
                                        title=f"{region.full_name or region.name}百千万工程{p.label}工作推进情况通报",
                                        issuer=issuer_of(region), requested_by=actor)
    except IntegrityError:
        raise ConflictError(f"第{number}期已被他人同时占用，请重试")
    audit_record(actor=actor, action="briefing.request", obj=b, region=region, before=None,
                 after=snapshot(b, AUDITED))

    def enqueue() -> None:
        from .tasks import generate_briefing

        generate_briefing.enqueue(b.id)

    if background:
        transaction.on_commit(enqueue)
    return b


def _progress(b: Briefing, percent: int, step: str) -> None:
    Briefing.objects.filter(pk=b.pk).update(progress=percent, step=step)


def briefing_generate(*, actor: User, briefing_id: int) -> Briefing:
    """Collect the data as `actor` (the requesting admin, for the background job) sees it, write Word and Excel,
    record progress; a failure is recorded on the briefing (shown on its page) and raised again so the task
    framework marks the job failed."""
    b = Briefing.objects.select_related("region").get(pk=briefing_id)
    require_admin(actor, b.region)
    if b.state not in (Briefing.State.QUEUED, Briefing.State.FAILED):
        return b
    Briefing.objects.filter(pk=b.pk).update(state=Briefing.State.RUNNING, progress=5, step="读取目标与任务数据",
                                            error="")
    try:
        period = Period.parse(b.period)
        snap = collect(actor, b.region, period)
        _progress(b, 50, "生成 Word 公文")
        today = timezone.localdate()
        docx = write_docx(snap, number=b.number, year=b.year, issuer=b.issuer, issued_on=today)
        _progress(b, 80, "生成 Excel 表格")
        xlsx = write_xlsx(snap, number=b.number, year=b.year, issuer=b.issuer, issued_on=today)
    except Exception as exc:
        log.exception("briefing %s failed", b.pk)
        message = exc.message if isinstance(exc, ApplicationError) else f"{type(exc).__name__}: {exc}"
        Briefing.objects.filter(pk=b.pk).update(state=Briefing.State.FAILED, step="生成失败",
                                                error=f"通报生成失败：{message}"[:2000], finished_at=timezone.now())
        raise
    with transaction.atomic():
        b.refresh_from_db()
        before = snapshot(b, AUDITED)
        b.snapshot, b.docx, b.xlsx = snap, docx, xlsx
        b.title = title_of(snap)
        b.state, b.progress, b.step, b.finished_at = Briefing.State.DONE, 100, "已生成", timezone.now()
        b.save()
        audit_record(actor=actor, action="briefing.generate", obj=b, region=b.region, before=before,
                     after=snapshot(b, AUDITED))
    return b


@transaction.atomic
def briefing_revoke(*, actor: User, briefing: Briefing, reason: str) -> Briefing:
    """Withdraw an issued briefing; its number may then be issued again."""
    require_admin(actor, briefing.region)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请填写撤销原因", extra={"field": "reason"})
    if briefing.state == Briefing.State.REVOKED:
        raise ConflictError("该通报已撤销")
    before = snapshot(briefing, AUDITED)
    briefing.state, briefing.revoked_reason = Briefing.State.REVOKED, reason[:200]
    briefing.save(update_fields=["state", "revoked_reason"])
    audit_record(actor=actor, action="briefing.revoke", obj=briefing, region=briefing.region, before=before,
                 after=snapshot(briefing, AUDITED))
    return briefing
