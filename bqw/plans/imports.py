"""Import of task lists as offices write them (序号 / 任务内容 / 牵头单位 / 配合单位 / 完成时限 / 所属行动).

Two steps through the one pipeline in core.imports: `task_import(confirm=False)` validates every row and
returns the preview — header mapping, and for each unit name written in the file whether it matches an
existing organization exactly, resembles one (difflib), or would be created; `confirm=True` applies it in
one transaction. Any bad row rejects the whole file (ImportRejected with row-level reasons), nothing written.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from bqw.accounts.audit import audit_record
from bqw.accounts.models import User
from bqw.core.errors import ForbiddenError
from bqw.core.imports import Column, Preview, Table, check_duplicates, parse_decimal, parse_table, read_table
from bqw.core.periods import parse_deadline
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_ensure
from bqw.regions.models import Region
from bqw.regions.selectors import RegionResolver

from .access import is_admin_of
from .models import Action, Plan
from .services import LeadUnit, TaskSpec, action_ensure, task_create

MATCH, SIMILAR, CREATE = "match", "similar", "create"
UNIT_ACTIONS = {MATCH: "已匹配", SIMILAR: "近似匹配（请确认）", CREATE: "将新建（请确认）"}
SIMILARITY_CUTOFF = 0.6


def _text(cell) -> str:
    s = str(cell).strip()
    if not s:
        raise ValueError("不能为空")
    return s


def _weight(cell) -> Decimal:
    d = parse_decimal(cell)
    if d < 0:
        raise ValueError("权重不能为负数")
    return d


def split_units(cell) -> list[str]:
    """Split "市农业农村局、市财政局；各县（市、区）" on separators outside brackets."""
    out, buf, depth = [], [], 0
    for ch in str(cell or ""):
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、，,；;/\n":
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf))
    return [s.strip() for s in out if s.strip()]


def columns(plan: Plan) -> list[Column]:
    return [
        Column("number", "序号", ("编号", "序列"), required=False, parse=lambda c: str(c).removesuffix(".0")),
        Column("content", "任务内容", ("工作任务", "重点任务", "主要任务", "具体任务", "工作内容", "工作措施",
                                       "任务名称", "工作举措"), parse=_text),
        Column("lead", "牵头单位", ("责任单位", "牵头部门", "主责单位", "牵头责任单位", "责任部门"),
               parse=split_units),
        Column("cooperating", "配合单位", ("协办单位", "参与单位", "配合部门", "协同单位"), required=False,
               parse=split_units),
        Column("deadline", "完成时限", ("时间节点", "完成时间", "时限要求", "完成期限", "时限"),
               parse=lambda c: parse_deadline(c, year=plan.year)),
        Column("action", "所属行动", ("行动", "专项行动", "行动名称", "所属专项", "类别"), required=False,
               parse=_text),
        Column("regions", "涉及地区", ("实施地区", "所属地区", "涉及镇街"), required=False, parse=split_units),
        Column("weight", "权重", (), required=False, parse=_weight),
    ]


@dataclass
class UnitProposal:
    name: str  # as written in the file
    action: str  # match | similar | create
    organization: Organization | None = None
    score: float = 1.0
    rows: list[int] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return UNIT_ACTIONS[self.action]

    def as_dict(self) -> dict:
        return {"name": self.name, "action": self.action, "action_label": self.action_label,
                "organization": self.organization.name if self.organization else None,
                "organization_id": self.organization.pk if self.organization else None,
                "score": round(self.score, 2), "rows": self.rows}


@dataclass
class TaskImportResult:
    preview: Preview
    units: list[UnitProposal]
    new_actions: list[str]
    applied: bool = False
    created: int = 0

    @property
    def needs_confirm(self) -> bool:
        return any(u.action != MATCH for u in self.units)

    def as_dict(self) -> dict:
        return {"mapping": self.preview.mapping, "unmapped": self.preview.unmapped, "rows": len(self.preview.rows),
                "units": [u.as_dict() for u in self.units], "new_actions": self.new_actions,
                "needs_confirm": self.needs_confirm, "applied": self.applied, "created": self.created}


class UnitMatcher:
    """Match a unit name to the organizations of the plan's region (and its subtree): exactly, with the
    region's name prefixed (市农业农村局 → 江门市农业农村局), or by similarity for the user to confirm."""

    def __init__(self, plan: Plan) -> None:
        self.region = plan.region
        self.orgs = list(Organization.objects.filter(region__in=Region.objects.within(plan.region)).order_by("id"))
        self.by_name = {}
        for o in self.orgs:
            self.by_name.setdefault(o.name, o)

    def _variants(self, name: str) -> list[str]:
        base = self.region.name
        stem = base.removesuffix("市").removesuffix("区").removesuffix("县")
        out = [name]
        for prefix in ("市", "区", "县"):
            if name.startswith(prefix) and not name.startswith(stem):
                out.append(base + name[1:])
        if not name.startswith(stem):
            out.append(base + name)
        return out

    def match(self, name: str) -> UnitProposal:
        for v in self._variants(name):
            if v in self.by_name:
                return UnitProposal(name, MATCH, self.by_name[v])
        names = list(self.by_name)
        best, score = None, 0.0
        for v in self._variants(name):
            for cand in difflib.get_close_matches(v, names, n=1, cutoff=SIMILARITY_CUTOFF):
                s = difflib.SequenceMatcher(None, v, cand).ratio()
                if s > score:
                    best, score = cand, s
        if best is not None:
            return UnitProposal(name, SIMILAR, self.by_name[best], score)
        return UnitProposal(name, CREATE, None, 0.0)


def org_name_for_plan(plan: Plan, name: str) -> str:
    """The name a unit is created under: 市农业农村局 → 江门市农业农村局."""
    base = plan.region.name
    if name.startswith(("市", "区", "县")) and not name.startswith(base[:2]):
        return base + name[1:]
    return name


def task_preview(*, actor: User, plan: Plan, table: Table) -> TaskImportResult:
    """Validate every row; raise ImportRejected on any error."""
    preview = parse_table(table, columns(plan))
    check_duplicates(preview, ("content",))
    resolver = None
    matcher = UnitMatcher(plan)
    units: dict[str, UnitProposal] = {}
    for row in preview.rows:
        v = row.values
        for key in ("lead", "cooperating"):
            for name in v.get(key) or []:
                if len(name) > 120:
                    preview.error(row.number, key, f"单位名称过长：“{name[:20]}…”")
                    continue
                units.setdefault(name, matcher.match(name)).rows.append(row.number)
        if v.get("regions"):
            resolver = resolver or RegionResolver(user=actor, within=plan.region)
            found = []
            for name in v["regions"]:
                try:
                    found.append(resolver.resolve(name))
                except ValueError as exc:
                    preview.error(row.number, "regions", str(exc))
            v["regions"] = found
    preview.raise_if_errors()
    existing = set(Action.objects.filter(plan=plan).values_list("name", flat=True))
    new_actions = sorted({r.values["action"] for r in preview.rows if r.values.get("action")} - existing)
    return TaskImportResult(preview, sorted(units.values(), key=lambda u: (u.action != CREATE, u.action, u.name)),
                            new_actions)


@transaction.atomic
def task_import(*, actor: User, plan: Plan, data: bytes, filename: str, confirm: bool = False) -> TaskImportResult:
    """Preview (confirm=False: nothing written) or apply (confirm=True) a task list."""
    if not is_admin_of(actor, plan.region):
        raise ForbiddenError("仅本级指挥部管理员可以导入任务清单")
    result = task_preview(actor=actor, plan=plan, table=read_table(data, filename))
    if not confirm:
        return result
    orgs: dict[str, Organization] = {}
    for u in result.units:
        orgs[u.name] = u.organization or organization_ensure(actor=actor, name=org_name_for_plan(plan, u.name),
                                                             region=plan.region)
    actions = {name: action_ensure(actor=actor, plan=plan, name=name) for name in result.new_actions}
    actions.update({a.name: a for a in Action.objects.filter(plan=plan)})
    for row in result.preview.rows:
        v = row.values
        leads = list(dict.fromkeys(orgs[n] for n in v["lead"]))
        coop = [o for o in dict.fromkeys(orgs[n] for n in v.get("cooperating") or []) if o not in leads]
        dl = v["deadline"]
        spec = TaskSpec(content=v["content"], deadline_text=dl.text, deadline=dl,
                        leads=[LeadUnit(o) for o in leads], cooperating=coop, regions=v.get("regions") or [],
                        action=actions.get(v.get("action")), number=v.get("number") or "",
                        weight=v.get("weight") if v.get("weight") is not None else Decimal(1))
        task_create(actor=actor, plan=plan, spec=spec)
        result.created += 1
    result.applied = True
    audit_record(actor=actor, action="task.import", obj=plan, region=plan.region,
                 after={"file": filename, "tasks": result.created, "mapping": result.preview.mapping,
                        "units": [u.as_dict() for u in result.units], "new_actions": result.new_actions})
    return result
