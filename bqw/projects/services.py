"""Writes on projects, 招商, leaders, command structure and 责任书: each one transaction, scope-checked, audited.

Project writes need the capture scope of the project's region (require_capture: 404 outside the view scope,
403 inside it); configuration (leaders, teams, assignments, posts, letters) needs an admin of the region.
Every change to a project's counted facts re-computes its aggregates in the same transaction (aggregates.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from bqw.accounts.audit import audit_record, snapshot
from bqw.accounts.models import User
from bqw.accounts.scope import require_admin, require_capture, require_view
from bqw.core.errors import ApplicationError, ConflictError
from bqw.core.evidence import evidence_attach, evidence_checked
from bqw.core.hooks import app_modules
from bqw.core.periods import Period, PeriodError
from bqw.orgs.models import Organization
from bqw.regions.models import Region

from . import aggregates
from .models import (
    LEAD_ORDER,
    STAGE_ORDER,
    Assignment,
    CommandPost,
    Investment,
    InvestmentLead,
    InvestmentTeam,
    Leader,
    LeadStage,
    Letter,
    Project,
    ProjectEvidence,
    ProjectMilestone,
    ProjectReport,
    Source,
    Stage,
    StageChange,
    WorkTeam,
)

PROJECT_FIELDS = ["name", "region_id", "category", "source", "industry", "investor", "planned_investment",
                  "completed_investment", "responsible_id", "leader_id", "stage", "intro_on", "planned_start_on",
                  "planned_end_on", "started_on", "completed_on", "producing_on", "archived", "simulated"]
EDITABLE = ["name", "category", "source", "industry", "investor", "planned_investment", "responsible", "leader",
            "intro_on", "planned_start_on", "planned_end_on", "note"]

# Allowed moves: forward only; 签约 is skipped by projects that are not 招商 (政府投资 goes 谋划 → 储备).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.IDEA: (Stage.SIGNED, Stage.RESERVE),
    Stage.SIGNED: (Stage.RESERVE, Stage.PREP),
    Stage.RESERVE: (Stage.PREP,),
    Stage.PREP: (Stage.BUILDING,),
    Stage.BUILDING: (Stage.COMPLETED,),
    Stage.COMPLETED: (Stage.PRODUCING,),
    Stage.PRODUCING: (),
}
# the milestone a stage reaches (its actual date is set by the transition)
STAGE_MILESTONE = {Stage.SIGNED: "签约", Stage.BUILDING: "开工", Stage.COMPLETED: "竣工", Stage.PRODUCING: "投产"}
STAGE_DATE = {Stage.BUILDING: "started_on", Stage.COMPLETED: "completed_on", Stage.PRODUCING: "producing_on"}


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _label(stage: str) -> str:
    return Stage(stage).label


def _changed(actor: User, project: Project) -> None:
    """Tell the apps above that keep figures on library projects (pairing's co-built projects) that one changed,
    in this transaction: each installed app's `project_hooks.project_changed(actor=…, project=…)`."""
    for module in app_modules("project_hooks"):
        module.project_changed(actor=actor, project=project)


# ---------------------------------------------------------------- projects


@dataclass
class ProjectSpec:
    """What a project is made of before it is written (create, import, demo, 招商 landing)."""

    name: str
    region: Region
    planned_investment: Decimal
    responsible: Organization
    intro_on: date
    category: str = "industry"
    source: str = Source.INVESTMENT_PROMOTION
    industry: str = ""
    investor: str = ""
    leader: Leader | None = None
    stage: str = Stage.IDEA
    planned_start_on: date | None = None
    planned_end_on: date | None = None
    started_on: date | None = None
    completed_on: date | None = None
    producing_on: date | None = None
    milestones: list[tuple[str, date, date | None]] = field(default_factory=list)  # name, planned, actual
    simulated: bool = False
    note: str = ""


def _check_spec(spec: ProjectSpec) -> None:
    if not spec.name.strip():
        raise ApplicationError("项目名称不能为空")
    if spec.region.level < Region.Level.COUNTY:
        raise ApplicationError("项目须落在县（市、区）、镇（街）、村或功能区，不能直接挂在省、市一级")
    if spec.planned_investment is None or Decimal(spec.planned_investment) < 0:
        raise ApplicationError("计划总投资不能为负数")
    if spec.stage not in STAGE_ORDER:
        raise ApplicationError(f"未知阶段：{spec.stage}")
    if STAGE_ORDER.index(spec.stage) >= STAGE_ORDER.index(Stage.BUILDING) and spec.started_on is None:
        raise ApplicationError(f"“{_label(spec.stage)}”阶段的项目须填写开工日期")
    if spec.completed_on is not None and STAGE_ORDER.index(spec.stage) < STAGE_ORDER.index(Stage.COMPLETED):
        raise ApplicationError(f"“{_label(spec.stage)}”阶段的项目不能有竣工日期")
    if spec.completed_on and spec.started_on and spec.completed_on < spec.started_on:
        raise ApplicationError("竣工日期不能早于开工日期")
    if spec.stage == Stage.PRODUCING and spec.producing_on is None:
        raise ApplicationError("“投产”阶段的项目须填写投产日期")
    if spec.planned_start_on and spec.planned_end_on and spec.planned_end_on < spec.planned_start_on:
        raise ApplicationError("计划竣工日期不能早于计划开工日期")


@transaction.atomic
def project_create(*, actor: User, spec: ProjectSpec, reason: str = "入库") -> Project:
    """Enter a project in the library (at any stage, with its milestones); its aggregates are updated."""
    require_capture(actor, spec.region)
    _check_spec(spec)
    if Project.objects.filter(region=spec.region, name=spec.name.strip()).exists():
        raise ConflictError(f"{spec.region.name}已有项目“{spec.name.strip()}”")
    p = Project(name=spec.name.strip(), region=spec.region, category=spec.category, source=spec.source,
                industry=spec.industry, investor=spec.investor, planned_investment=Decimal(spec.planned_investment),
                responsible=spec.responsible, leader=spec.leader, stage=spec.stage, intro_on=spec.intro_on,
                planned_start_on=spec.planned_start_on, planned_end_on=spec.planned_end_on,
                started_on=spec.started_on, completed_on=spec.completed_on, producing_on=spec.producing_on,
                simulated=spec.simulated, note=spec.note)
    p.full_clean(exclude=["region", "responsible", "leader"])
    p.save()
    ProjectMilestone.objects.bulk_create([ProjectMilestone(project=p, name=n, planned_on=d, actual_on=a)
                                          for n, d, a in spec.milestones])
    StageChange.objects.create(project=p, from_stage="", to_stage=p.stage, on=spec.intro_on, reason=reason,
                               actor=actor if actor.pk else None)
    aggregates.refresh(actor=actor, keys=aggregates.project_keys(p))
    audit_record(actor=actor, action="project.create", obj=p, region=p.region, after=snapshot(p, PROJECT_FIELDS))
    return p


@transaction.atomic
def project_update(*, actor: User, project: Project, **changes) -> Project:
    """Change a project's descriptive fields (not its stage: that is project_transition)."""
    require_capture(actor, project.region)
    bad = set(changes) - set(EDITABLE)
    if bad:
        raise ApplicationError(f"不能直接修改：{'、'.join(sorted(bad))}")
    before, keys = snapshot(project, PROJECT_FIELDS), aggregates.project_keys(project)
    for k, v in changes.items():
        setattr(project, k, v)
    if project.planned_investment is None or project.planned_investment < 0:
        raise ApplicationError("计划总投资不能为负数")
    project.full_clean(exclude=["region", "responsible", "leader"])
    project.save()
    aggregates.refresh(actor=actor, keys=keys | aggregates.project_keys(project))
    _changed(actor, project)
    audit_record(actor=actor, action="project.update", obj=project, region=project.region, before=before,
                 after=snapshot(project, PROJECT_FIELDS))
    return project


@transaction.atomic
def project_archive(*, actor: User, project: Project, reason: str) -> Project:
    """Take a project out of the library (kept, no longer counted)."""
    require_capture(actor, project.region)
    if not (reason or "").strip():
        raise ApplicationError("归档须填写理由")
    if project.archived:
        raise ConflictError("项目已归档")
    project.archived = True
    project.save(update_fields=["archived", "updated"])
    aggregates.refresh(actor=actor, keys=aggregates.project_keys(project))
    _changed(actor, project)
    audit_record(actor=actor, action="project.archive", obj=project, region=project.region,
                 after={"archived": True, "reason": reason.strip()})
    return project


@transaction.atomic
def project_transition(*, actor: User, project: Project, to: str, on: date | None = None, reason: str) -> Project:
    """Move a project one step along 谋划 → 签约 → 储备 → 前期 → 在建 → 竣工 → 投产, dated and with a reason;
    anything else (going back, skipping 开工) is refused with the allowed next stages."""
    require_capture(actor, project.region)
    if to not in STAGE_ORDER:
        raise ApplicationError(f"未知阶段：{to}")
    if project.archived:
        raise ConflictError("项目已归档，不能变更阶段")
    if not (reason or "").strip():
        raise ApplicationError("阶段变更须填写理由")
    frm = project.stage
    if to not in TRANSITIONS[frm]:
        allowed = "、".join(f"“{_label(s)}”" for s in TRANSITIONS[frm]) or "无（已是最后阶段）"
        if STAGE_ORDER.index(to) <= STAGE_ORDER.index(frm):
            why = f"不能从“{_label(frm)}”退回或停留在“{_label(to)}”"
        elif STAGE_ORDER.index(to) > STAGE_ORDER.index(Stage.BUILDING) and project.started_on is None:
            why = f"不能从“{_label(frm)}”直接进入“{_label(to)}”：项目尚未开工（无开工日期），须先转入“在建”"
        else:
            why = f"不能从“{_label(frm)}”跳到“{_label(to)}”"
        raise ApplicationError(f"{why}。当前可转入：{allowed}")
    on = _today(on)
    last = project.stage_changes.order_by("-on", "-id").first()
    if last is not None and on < last.on:
        raise ApplicationError(f"变更日期不能早于上一次阶段变更（{last.on}）")
    before, keys = snapshot(project, PROJECT_FIELDS), aggregates.project_keys(project)
    project.stage = to
    if to in STAGE_DATE:
        setattr(project, STAGE_DATE[to], on)
    project.save()
    name = STAGE_MILESTONE.get(to)
    if name:
        ProjectMilestone.objects.filter(project=project, name=name, actual_on__isnull=True).update(actual_on=on)
    StageChange.objects.create(project=project, from_stage=frm, to_stage=to, on=on, reason=reason.strip(),
                               actor=actor if actor.pk else None)
    aggregates.refresh(actor=actor, keys=keys | aggregates.project_keys(project))
    _changed(actor, project)
    audit_record(actor=actor, action="project.transition", obj=project, region=project.region, before=before,
                 after={**snapshot(project, PROJECT_FIELDS), "reason": reason.strip(), "on": on})
    return project


@transaction.atomic
def milestone_set(*, actor: User, project: Project, name: str, planned_on: date,
                  actual_on: date | None = None) -> ProjectMilestone:
    """Create or re-date a milestone (签约, 供地, 开工, 投产 …); setting actual_on marks it reached."""
    require_capture(actor, project.region)
    if not (name or "").strip():
        raise ApplicationError("节点名称不能为空")
    m = ProjectMilestone.objects.filter(project=project, name=name.strip()).first()
    before = snapshot(m, ["name", "planned_on", "actual_on"])
    m = m or ProjectMilestone(project=project, name=name.strip())
    m.planned_on, m.actual_on = planned_on, actual_on
    m.full_clean(exclude=["project"])
    m.save()
    audit_record(actor=actor, action="project.milestone", obj=m, region=project.region, before=before,
                 after=snapshot(m, ["name", "planned_on", "actual_on"]))
    return m


def _month_id(period: str | Period) -> str:
    try:
        p = period if isinstance(period, Period) else Period.parse(str(period))
    except PeriodError as exc:
        raise ApplicationError(str(exc))
    if p.kind != "M":
        raise ApplicationError(f"完成投资按月填报，期间应为月份（如 202309），而不是“{p.label}”")
    return p.id


@transaction.atomic
def investment_record(*, actor: User, project: Project, period: str | Period, amount: Decimal) -> Investment:
    """Investment completed in a month (元); the project's total and the aggregates follow."""
    return investments_record(actor=actor, project=project, amounts={period: amount})[0]


@transaction.atomic
def investments_record(*, actor: User, project: Project, amounts: dict) -> list[Investment]:
    """Several months of completed investment at once ({month: 元}), with one aggregate pass."""
    require_capture(actor, project.region)
    rows, befores = [], []
    for period, amount in amounts.items():
        month = _month_id(period)
        amount = Decimal(str(amount))
        if amount < 0:
            raise ApplicationError("完成投资不能为负数")
        if amount > Decimal("1e15"):
            raise ApplicationError("完成投资数额过大，请检查单位（元）")
        row = Investment.objects.filter(project=project, period=month).first()
        befores.append(snapshot(row, ["period", "amount"]))
        row = row or Investment(project=project, period=month)
        row.amount = amount
        row.save()
        rows.append(row)
    total = project.investments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    Project.objects.filter(pk=project.pk).update(completed_investment=total)
    project.completed_investment = total
    county = aggregates.county_of(project.region).pk
    aggregates.refresh(actor=actor, keys={(county, r.period) for r in rows})
    audit_record(actor=actor, action="project.investment", obj=project, region=project.region,
                 before={"months": befores},
                 after={"months": [snapshot(r, ["period", "amount"]) for r in rows], "total": total})
    return rows


@transaction.atomic
def project_report_submit(*, actor: User, project: Project, text: str, files: Sequence[UploadedFile] = (),
                          on: date | None = None, investment: Decimal | None = None) -> ProjectReport:
    """Progress with evidence (the same evidence rules as tasks); optionally this month's investment."""
    require_capture(actor, project.region)
    if project.archived:
        raise ConflictError("项目已归档，不能再报送进展")
    if not (text or "").strip():
        raise ApplicationError("请填写进展情况")
    checked = evidence_checked(files)
    on = _today(on)
    report = ProjectReport.objects.create(project=project, author=actor if actor.pk else None, reported_on=on,
                                          text=text.strip())
    names = evidence_attach(checked, partial(ProjectEvidence, report=report))
    Project.objects.filter(pk=project.pk).update(last_report_on=on)
    project.last_report_on = on
    if investment is not None:
        investment_record(actor=actor, project=project, period=Period.of_date(on, "M"), amount=investment)
    audit_record(actor=actor, action="project.report", obj=report, region=project.region,
                 after={"project": project.pk, "text": report.text, "reported_on": on,
                        "evidence": names})
    return report


# ---------------------------------------------------------------- leaders, assignments, command


@transaction.atomic
def leader_ensure(*, actor: User, name: str, post: str, organization: Organization, region: Region | None = None,
                  user: User | None = None, rank: int = 0, simulated: bool = False) -> Leader:
    region = region or organization.region
    require_admin(actor, region)
    leader = Leader.objects.filter(region=region, name=name, post=post).first()
    before = snapshot(leader)
    leader = leader or Leader(region=region, name=name, post=post)
    leader.organization, leader.user, leader.rank, leader.simulated = organization, user, rank, simulated
    leader.full_clean(exclude=["organization", "region", "user"])
    leader.save()
    audit_record(actor=actor, action="leader.create" if before is None else "leader.update", obj=leader,
                 region=region, before=before, after=snapshot(leader))
    return leader


@transaction.atomic
def assignment_ensure(*, actor: User, leader: Leader, kind: str = Assignment.Kind.CONTACT,
                      region: Region | None = None, enterprise: Organization | None = None,
                      project: Project | None = None, year: int | None = None, simulated: bool = False
                      ) -> Assignment:
    """Assign a leader to exactly one region, enterprise or project (idempotent)."""
    require_admin(actor, leader.region)
    if sum(x is not None for x in (region, enterprise, project)) != 1:
        raise ApplicationError("挂钩联系须且只能指定一个地区、企业或项目")
    where = region or (enterprise.region if enterprise else project.region)
    require_view(actor, where)
    if enterprise is not None and enterprise.kind not in (Organization.Kind.ENTERPRISE, Organization.Kind.SOE):
        raise ApplicationError(f"“{enterprise.name}”不是企业")
    a, created = Assignment.objects.get_or_create(leader=leader, region=region, enterprise=enterprise,
                                                  project=project,
                                                  defaults={"kind": kind, "year": year, "simulated": simulated})
    if created:
        audit_record(actor=actor, action="leader.assign", obj=a, region=leader.region, after=snapshot(a))
    return a


@transaction.atomic
def command_post_set(*, actor: User, headquarters: Organization, leader: Leader, role: str) -> CommandPost:
    """Seat a leader in a headquarters as 总指挥 / 第一副总指挥 / 副总指挥 / 成员 (one 总指挥 per headquarters)."""
    require_admin(actor, headquarters.region)
    if headquarters.kind != Organization.Kind.HEADQUARTERS:
        raise ApplicationError(f"“{headquarters.name}”不是指挥部")
    if role not in CommandPost.Role.values:
        raise ApplicationError(f"未知职务：{role}")
    if role == CommandPost.Role.COMMANDER and CommandPost.objects.filter(
            headquarters=headquarters, role=role).exclude(leader=leader).exists():
        raise ConflictError(f"{headquarters.name}已有总指挥")
    post, _ = CommandPost.objects.update_or_create(headquarters=headquarters, leader=leader, defaults={"role": role})
    audit_record(actor=actor, action="command.post", obj=post, region=headquarters.region, after=snapshot(post))
    return post


@transaction.atomic
def work_team_ensure(*, actor: User, headquarters: Organization, name: str, head: Leader,
                     members: Sequence[Organization] = (), duty: str = "") -> WorkTeam:
    require_admin(actor, headquarters.region)
    team, _ = WorkTeam.objects.update_or_create(headquarters=headquarters, name=name,
                                                defaults={"head": head, "duty": duty})
    team.members.set(members)
    audit_record(actor=actor, action="command.work_team", obj=team, region=headquarters.region,
                 after={**snapshot(team), "members": [o.pk for o in members]})
    return team


# ---------------------------------------------------------------- 招商


@transaction.atomic
def team_ensure(*, actor: User, name: str, region: Region, head: Leader, members: Sequence[Leader] = (),
                focus: str = "", simulated: bool = False) -> InvestmentTeam:
    require_admin(actor, region)
    team, created = InvestmentTeam.objects.update_or_create(
        region=region, name=name, defaults={"head": head, "focus": focus, "simulated": simulated})
    team.members.set(members)
    audit_record(actor=actor, action="team.create" if created else "team.update", obj=team, region=region,
                 after={**snapshot(team), "members": [m.pk for m in members]})
    return team


@transaction.atomic
def lead_create(*, actor: User, team: InvestmentTeam, name: str, region: Region, planned_investment: Decimal,
                investor: str = "", industry: str = "", on: date | None = None, simulated: bool = False
                ) -> InvestmentLead:
    require_capture(actor, region)
    require_view(actor, team.region)
    if not team.region.contains(region):
        raise ApplicationError(f"拟落地地区须在{team.region.name}范围内")
    if not (name or "").strip():
        raise ApplicationError("项目名称不能为空")
    lead = InvestmentLead(team=team, name=name.strip(), region=region, investor=investor, industry=industry,
                          planned_investment=Decimal(str(planned_investment)), found_on=_today(on),
                          simulated=simulated)
    lead.full_clean(exclude=["team", "region", "project"])
    lead.save()
    audit_record(actor=actor, action="lead.create", obj=lead, region=region, after=snapshot(lead))
    return lead


@transaction.atomic
def lead_advance(*, actor: User, lead: InvestmentLead, to: str, on: date | None = None,
                 responsible: Organization | None = None, reason: str = "") -> InvestmentLead:
    """One step along 线索 → 洽谈 → 签约 → 落地; 落地 enters the project in the library (stage 签约)."""
    require_capture(actor, lead.region)
    if lead.dropped:
        raise ConflictError("该线索已终止")
    if to not in LEAD_ORDER:
        raise ApplicationError(f"未知阶段：{to}")
    frm = lead.stage
    if LEAD_ORDER.index(to) != LEAD_ORDER.index(frm) + 1:
        raise ApplicationError(f"不能从“{LeadStage(frm).label}”直接转入“{LeadStage(to).label}”")
    on = _today(on)
    before = snapshot(lead)
    lead.stage = to
    if to == LeadStage.SIGNED:
        lead.signed_on = on
    if to == LeadStage.LANDED:
        lead.landed_on = on
        org = responsible or Organization.objects.filter(
            region=lead.region, kind__in=[Organization.Kind.TOWN_OFFICE, Organization.Kind.HEADQUARTERS]).first()
        if org is None:
            raise ApplicationError(f"请指定项目的责任单位（{lead.region.name}没有镇街或指挥部机构）")
        lead.project = project_create(actor=actor, spec=ProjectSpec(
            name=lead.name, region=lead.region, planned_investment=lead.planned_investment, responsible=org,
            intro_on=on, investor=lead.investor, industry=lead.industry, leader=lead.team.head,
            stage=Stage.SIGNED, milestones=[("签约", lead.signed_on or on, lead.signed_on or on)],
            simulated=lead.simulated), reason=reason or f"招商落地（{lead.team.name}）")
    lead.save()
    audit_record(actor=actor, action="lead.advance", obj=lead, region=lead.region, before=before,
                 after=snapshot(lead))
    return lead


@transaction.atomic
def lead_drop(*, actor: User, lead: InvestmentLead, reason: str) -> InvestmentLead:
    require_capture(actor, lead.region)
    if not (reason or "").strip():
        raise ApplicationError("终止线索须填写理由")
    if lead.stage == LeadStage.LANDED:
        raise ConflictError("已落地的项目不能终止，请在项目库中归档")
    lead.dropped = True
    lead.save(update_fields=["dropped"])
    audit_record(actor=actor, action="lead.drop", obj=lead, region=lead.region, after={"reason": reason.strip()})
    return lead


# ---------------------------------------------------------------- 责任书


@transaction.atomic
def letter_ensure(*, actor: User, year: int, region: Region, title: str = "", targets: Sequence = (),
                  tasks: Sequence = (), signed_on: date | None = None, signatory: Leader | None = None,
                  issuer_signatory: Leader | None = None, simulated: bool = False) -> Letter:
    """The year's 责任书 of a county (or town) with the level above: its targets and tasks (idempotent)."""
    if region.parent is None or region.level not in (Region.Level.COUNTY, Region.Level.TOWN):
        raise ApplicationError("责任书由县（市、区）或镇（街）与上级签订")
    issuer = region.parent
    require_admin(actor, issuer)
    title = title or f"{year}年{region.name}“百千万工程”目标责任书"
    letter, created = Letter.objects.update_or_create(
        year=year, region=region, defaults={"issuer": issuer, "title": title, "signed_on": signed_on,
                                            "signatory": signatory, "issuer_signatory": issuer_signatory,
                                            "simulated": simulated})
    letter.targets.set(targets)
    letter.tasks.set(tasks)
    audit_record(actor=actor, action="letter.create" if created else "letter.update", obj=letter, region=region,
                 after={**snapshot(letter), "targets": [t.pk for t in targets], "tasks": [t.pk for t in tasks]})
    return letter
