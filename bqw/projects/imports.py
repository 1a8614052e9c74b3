"""Excel/CSV import and export of projects and of monthly investment, through the one pipeline in core.imports.

All or nothing: every row is validated first (units by name or code within the importing region, responsible
units matched to organizations like the task import — exactly, or with the region's name prefixed, never in
another region's subtree — a similar name is reported for the user to correct, not guessed); any bad row rejects
the file with its row and column, and nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from django.db import transaction

from bqw.accounts.audit import audit_record
from bqw.accounts.models import User
from bqw.accounts.scope import require_capture
from bqw.core.imports import Column, Preview, check_duplicates, parse_decimal, parse_table, read_table
from bqw.core.periods import Period, PeriodError
from bqw.core.status import Light
from bqw.plans.imports import MATCH, SIMILAR, UnitMatcher
from bqw.regions.models import Region
from bqw.regions.selectors import RegionResolver

from . import aggregates
from .models import Category, Leader, Project, Source, Stage
from .services import STAGE_ORDER, ProjectSpec, _check_spec, investment_record, project_create

MAX_YUAN = Decimal("1e15")
MAX_FILE_BYTES = 5 * 1024 * 1024


def _text(cell) -> str:
    s = str(cell).strip()
    if not s:
        raise ValueError("不能为空")
    if len(s) > 200:
        raise ValueError("内容过长（不超过200字）")
    return s


def _choice(choices) -> callable:
    by_label = {label: value for value, label in choices}

    def parse(cell) -> str:
        s = str(cell).strip()
        if s in by_label:
            return by_label[s]
        if s in by_label.values():
            return s
        raise ValueError(f"“{s}”不是可选值（{'、'.join(by_label)}）")

    return parse


def parse_date(cell) -> date:
    """Dates as offices write them: Excel dates, 2023-03-01, 2023/3/1, 2023.3.1, 2023年3月1日 (day 1 if absent)."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?|\s*月)?", str(cell).strip())
    if not m:
        raise ValueError(f"“{cell}”不是日期（如 2023-03-01 或 2023年3月1日）")
    try:
        return date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        raise ValueError(f"“{cell}”不是有效日期") from None


def _amount(cell) -> Decimal:
    d = parse_decimal(cell)
    if d < 0:
        raise ValueError("不能为负数")
    return d


def _scale(preview: Preview, key: str) -> Decimal:
    """Amount columns are in 万元 unless the header says 亿元 or 元: 计划总投资（亿元）."""
    header = preview.mapping.get(key, "")
    if "亿" in header:
        return Decimal(100_000_000)
    if "万" in header or "元" not in header:
        return Decimal(10_000)
    return Decimal(1)


def project_columns() -> list[Column]:
    return [
        Column("name", "项目名称", ("项目",), parse=_text),
        Column("region", "所在地区", ("建设地点", "所属镇街", "所在镇街", "地区", "区划代码"), parse=_text),
        Column("category", "项目类别", ("类别",), required=False, parse=_choice(Category.choices)),
        Column("source", "项目来源", ("来源",), required=False, parse=_choice(Source.choices)),
        Column("industry", "所属行业", ("行业", "产业"), required=False, parse=_text),
        Column("investor", "投资主体", ("投资方", "建设单位", "业主单位"), required=False, parse=_text),
        Column("planned", "计划总投资（万元）", ("计划总投资", "总投资", "计划投资"), parse=_amount),
        Column("responsible", "责任单位", ("牵头单位", "责任部门"), parse=_text),
        Column("leader", "联系领导", ("挂钩领导", "挂点领导"), required=False, parse=_text),
        Column("stage", "项目阶段", ("阶段", "进展阶段"), required=False, parse=_choice(Stage.choices)),
        Column("intro_on", "入库日期", ("引进日期", "签约日期", "入库时间"), parse=parse_date),
        Column("planned_start_on", "计划开工日期", ("计划开工",), required=False, parse=parse_date),
        Column("planned_end_on", "计划竣工日期", ("计划竣工",), required=False, parse=parse_date),
        Column("started_on", "开工日期", ("实际开工日期", "实际开工"), required=False, parse=parse_date),
        Column("producing_on", "投产日期", ("实际投产日期",), required=False, parse=parse_date),
    ]


@dataclass
class ImportResult:
    preview: Preview
    specs: list[ProjectSpec]
    applied: bool = False

    def as_dict(self) -> dict:
        return {"mapping": self.preview.mapping, "unmapped": self.preview.unmapped, "rows": len(self.specs),
                "applied": self.applied,
                "planned_yi": round(float(sum((s.planned_investment for s in self.specs), Decimal(0)) / 10**8), 2)}


def project_preview(*, actor: User, region: Region, data: bytes, filename: str) -> ImportResult:
    """Validate every row of a project list for `region`; raise ImportRejected listing every bad cell."""
    preview = parse_table(read_table(data, filename), project_columns())
    check_duplicates(preview, ("name", "region"))
    scale = _scale(preview, "planned")
    resolver = RegionResolver(user=actor, within=region)
    matcher = UnitMatcher(SimpleNamespace(region=region))
    leaders = {}
    for ld in Leader.objects.filter(region__in=Region.objects.within(region)):
        leaders.setdefault(ld.name, ld)
        leaders.setdefault(f"{ld.post}{ld.name}", ld)
    specs: list[ProjectSpec] = []
    for row in preview.rows:
        v, n = row.values, row.number
        where = None
        if v.get("region"):
            try:
                where = resolver.resolve(v["region"])
            except ValueError as exc:
                preview.error(n, "region", str(exc))
            else:
                if not actor.can_capture(where):
                    preview.error(n, "region", f"您没有{where.name}的填报权限")
                    where = None
        org = None
        if v.get("responsible"):
            u = matcher.match(v["responsible"])
            if u.action == MATCH:
                org = u.organization
            elif u.action == SIMILAR:
                preview.error(n, "responsible", f"未找到单位“{v['responsible']}”，是否指“{u.organization.name}”？")
            else:
                preview.error(n, "responsible", f"{region.name}范围内没有单位“{v['responsible']}”")
        leader = None
        if v.get("leader"):
            leader = leaders.get(v["leader"])
            if leader is None:
                preview.error(n, "leader", f"{region.name}范围内没有领导“{v['leader']}”")
        planned = (v["planned"] * scale) if v.get("planned") is not None else None
        if planned is not None and planned > MAX_YUAN:
            preview.error(n, "planned", "数额过大，请检查单位")
            planned = None
        if where is None or org is None or planned is None or v.get("intro_on") is None \
                or (v.get("leader") and leader is None) or not v.get("name"):
            continue
        if Project.objects.filter(region=where, name=v["name"]).exists():
            preview.error(n, "name", f"{where.name}已有项目“{v['name']}”")
            continue
        spec = ProjectSpec(name=v["name"], region=where, planned_investment=planned, responsible=org,
                           intro_on=v["intro_on"], category=v.get("category") or Category.INDUSTRY,
                           source=v.get("source") or Source.INVESTMENT_PROMOTION, industry=v.get("industry") or "",
                           investor=v.get("investor") or "", leader=leader, stage=v.get("stage") or Stage.IDEA,
                           planned_start_on=v.get("planned_start_on"), planned_end_on=v.get("planned_end_on"),
                           started_on=v.get("started_on"), producing_on=v.get("producing_on"))
        try:
            _check_spec(spec)
        except Exception as exc:  # ApplicationError: a business rule on the row
            preview.error(n, "stage", getattr(exc, "message", str(exc)))
            continue
        specs.append(spec)
    preview.raise_if_errors()
    return ImportResult(preview, specs)


@transaction.atomic
def project_import(*, actor: User, region: Region, data: bytes, filename: str, confirm: bool = True
                   ) -> ImportResult:
    """Preview (confirm=False) or write (confirm=True) a project list, all or nothing."""
    require_capture(actor, region)
    result = project_preview(actor=actor, region=region, data=data, filename=filename)
    if not confirm:
        return result
    with aggregates.batch(actor=actor):
        for spec in result.specs:
            project_create(actor=actor, spec=spec, reason="批量导入")
    result.applied = True
    audit_record(actor=actor, action="project.import", object_type="projects.Project", object_repr=filename[:200],
                 region=region, after=result.as_dict())
    return result


def investment_columns() -> list[Column]:
    return [
        Column("name", "项目名称", ("项目",), parse=_text),
        Column("region", "所在地区", ("建设地点", "所属镇街", "地区"), required=False, parse=_text),
        Column("period", "月份", ("期间", "统计月份", "报告期"), parse=lambda c: str(c).removesuffix(".0")),
        Column("amount", "完成投资（万元）", ("完成投资", "当月完成投资"), parse=_amount),
    ]


@transaction.atomic
def investment_import(*, actor: User, region: Region, data: bytes, filename: str) -> int:
    """Monthly investment completed per project (all or nothing); projects are found by name within `region`."""
    require_capture(actor, region)
    preview = parse_table(read_table(data, filename), investment_columns())
    scale = _scale(preview, "amount")
    resolver = RegionResolver(user=actor, within=region)
    rows = []
    for row in preview.rows:
        v, n = row.values, row.number
        project = _find_project(preview, n, region, resolver, v["name"], v.get("region")) if v.get("name") else None
        if project is None:
            continue
        try:
            p = Period.parse(v["period"]) if v.get("period") else None
            if p is not None and p.kind != "M":
                raise PeriodError("完成投资按月填报，请填写月份（如 202309）")
        except PeriodError as exc:
            preview.error(n, "period", str(exc))
            continue
        if p and v.get("amount") is not None:
            if not actor.can_capture(project.region):
                preview.error(n, "name", f"您没有{project.region.name}的填报权限")
                continue
            amount = v["amount"] * scale
            if amount > MAX_YUAN:
                preview.error(n, "amount", "数额过大，请检查单位")
                continue
            rows.append((project, p, amount))
    check_duplicates(preview, ("name", "region", "period"))
    preview.raise_if_errors()
    with aggregates.batch(actor=actor):
        for project, p, amount in rows:
            investment_record(actor=actor, project=project, period=p, amount=amount)
    audit_record(actor=actor, action="project.investment.import", object_type="projects.Investment",
                 object_repr=filename[:200], region=region, after={"rows": len(rows)})
    return len(rows)


def _find_project(preview: Preview, n: int, region: Region, resolver: RegionResolver, name, where, key: str = "name"
                  ) -> Project | None:
    """A project by name within `region` (and its 所在地区 when given): exactly one, or a row error."""
    from bqw.accounts.scope import scope_q

    qs = Project.objects.filter(scope_q(region, "region"), name=name, archived=False)
    if where:
        try:
            qs = qs.filter(region=resolver.resolve(where))
        except ValueError as exc:
            preview.error(n, "region", str(exc))
            return None
    found = list(qs[:2])
    if len(found) != 1:
        preview.error(n, key, f"{region.name}范围内没有项目“{name}”" if not found
                      else f"有多个项目名为“{name}”，请填写所在地区")
        return None
    return found[0]


def milestone_columns() -> list[Column]:
    return [
        Column("name", "项目名称", ("项目",), parse=_text),
        Column("region", "所在地区", ("建设地点", "所属镇街", "地区"), required=False, parse=_text),
        Column("milestone", "节点", ("节点名称", "里程碑"), parse=_text),
        Column("planned_on", "计划日期", ("计划完成日期", "计划时间"), parse=parse_date),
        Column("actual_on", "实际日期", ("实际完成日期", "完成日期"), required=False, parse=parse_date),
    ]


@transaction.atomic
def milestone_import(*, actor: User, region: Region, data: bytes, filename: str) -> int:
    """Milestones (签约, 供地, 开工, 投产 …) with planned and actual dates; all or nothing."""
    from .services import milestone_set

    require_capture(actor, region)
    preview = parse_table(read_table(data, filename), milestone_columns())
    check_duplicates(preview, ("name", "region", "milestone"))
    resolver = RegionResolver(user=actor, within=region)
    rows = []
    for row in preview.rows:
        v, n = row.values, row.number
        if not (v.get("name") and v.get("milestone") and v.get("planned_on")):
            continue
        p = _find_project(preview, n, region, resolver, v["name"], v.get("region"))
        if p is not None and not actor.can_capture(p.region):
            preview.error(n, "name", f"您没有{p.region.name}的填报权限")
        elif p is not None:
            rows.append((p, v))
    preview.raise_if_errors()
    for p, v in rows:
        milestone_set(actor=actor, project=p, name=v["milestone"], planned_on=v["planned_on"],
                      actual_on=v.get("actual_on"))
    return len(rows)


def assignment_columns() -> list[Column]:
    from .models import Assignment

    return [
        Column("leader", "领导", ("联系领导", "挂钩领导", "姓名"), parse=_text),
        Column("kind", "联系方式", ("方式",), required=False, parse=_choice(Assignment.Kind.choices)),
        Column("region", "联系地区", ("挂钩地区", "联系镇街", "联系村"), required=False, parse=_text),
        Column("enterprise", "联系企业", ("挂钩企业",), required=False, parse=_text),
        Column("project", "联系项目", ("挂钩项目",), required=False, parse=_text),
        Column("year", "年度", (), required=False, parse=lambda c: int(parse_decimal(c))),
    ]


@transaction.atomic
def assignment_import(*, actor: User, region: Region, data: bytes, filename: str) -> int:
    """Leaders' contact assignments: each row names a leader of `region` (or below) and exactly one region,
    enterprise or project; all or nothing."""
    from bqw.accounts.scope import require_admin
    from bqw.orgs.models import Organization

    from .services import assignment_ensure

    require_admin(actor, region)
    preview = parse_table(read_table(data, filename), assignment_columns())
    resolver = RegionResolver(user=actor, within=region)
    leaders: dict[str, list[Leader]] = {}
    for ld in Leader.objects.filter(region__in=Region.objects.within(region)):
        for key in {ld.name, str(ld)}:
            leaders.setdefault(key, []).append(ld)
    matcher = UnitMatcher(SimpleNamespace(region=region))
    rows = []
    for row in preview.rows:
        v, n = row.values, row.number
        hits = leaders.get(v.get("leader") or "", [])
        if v.get("leader") and len(hits) != 1:
            preview.error(n, "leader", f"{region.name}范围内没有领导“{v['leader']}”" if not hits
                          else f"有多位领导名为“{v['leader']}”，请写明职务")
        targets = [k for k in ("region", "enterprise", "project") if v.get(k)]
        if len(targets) != 1:
            preview.error(n, "region", "联系地区、联系企业、联系项目须且只能填写一项")
            continue
        obj: dict = {}
        if v.get("region"):
            try:
                obj["region"] = resolver.resolve(v["region"])
            except ValueError as exc:
                preview.error(n, "region", str(exc))
        elif v.get("enterprise"):
            u = matcher.match(v["enterprise"])
            if u.action != MATCH or u.organization.kind not in (Organization.Kind.ENTERPRISE, Organization.Kind.SOE):
                preview.error(n, "enterprise", f"{region.name}范围内没有企业“{v['enterprise']}”")
            else:
                obj["enterprise"] = u.organization
        else:
            p = _find_project(preview, n, region, resolver, v["project"], None, key="project")
            if p is not None:
                obj["project"] = p
        if obj and len(hits) == 1:
            rows.append((hits[0], v, obj))
    preview.raise_if_errors()
    for leader, v, obj in rows:
        assignment_ensure(actor=actor, leader=leader, kind=v.get("kind") or "contact", year=v.get("year"), **obj)
    return len(rows)


def export_workbook(rows) -> bytes:
    """The library as an .xlsx in the import's own columns (amounts in 万元) plus light and reason; user text
    starting with = + - @ is written as text, never as a formula."""
    from bqw.core.spreadsheet import new_workbook, workbook_bytes, write_row

    wb, ws = new_workbook("项目库")
    write_row(ws, ["项目名称", "所在地区", "项目类别", "项目来源", "所属行业", "投资主体", "计划总投资（万元）",
               "累计完成投资（万元）", "责任单位", "联系领导", "项目阶段", "入库日期", "开工日期", "投产日期",
               "灯色", "情况说明", "模拟数据"])

    for r in rows:
        p = r.project
        write_row(ws, [p.name, p.region.full_name or p.region.name, p.get_category_display(),
                   p.get_source_display(), p.industry, p.investor, round(float(p.planned_investment / 10_000), 2),
                   round(float(p.completed_investment / 10_000), 2), p.responsible.name, str(p.leader or ""),
                   p.get_stage_display(), p.intro_on, p.started_on, p.producing_on,
                   f"{Light(r.status.light).label}（{r.status.label}）",
                   r.status.reason, "是" if p.simulated else ""])
    return workbook_bytes(wb)


__all__ = ["STAGE_ORDER", "assignment_import", "export_workbook", "investment_import", "milestone_import",
           "project_import", "project_preview"]
