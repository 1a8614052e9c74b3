"""Import of task lists as offices write them (序号 / 任务内容 / 牵头单位 / 配合单位 / 完成时限 / 所属行动).

Two steps through the one pipeline in core.imports: `task_import(confirm=False)` validates every row and
returns the preview — header mapping, and for each unit name written in the file whether it matches an
existing organization exactly, resembles one (difflib), or would be created; `confirm=True` applies it in
one transaction. Any bad row rejects the whole file (ImportRejected with row-level reasons), nothing written.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bqw.accounts.audit import audit_record
from bqw.accounts.models import User
from bqw.core.errors import ApplicationError, ForbiddenError, ImportRejected, RowError
from bqw.core.imports import (
    Column,
    Preview,
    Table,
    _norm,
    check_duplicates,
    parse_decimal,
    parse_table,
    read_table,
)
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


def _deadline(cell, year: int):
    if cell is None or str(cell).strip() == "":
        raise ValueError("不能为空")
    return parse_deadline(cell, year=year)


# ------------------------------------------------------------------ reading a list as offices lay it out

NOTE_RE = re.compile(r"^\s*(注|备注|说明|附注|填表说明)\s*[:：0-9一二三、.]")
HEADER_SCAN_ROWS = 15


def _cell(c) -> str:
    return "" if c is None else str(c).strip()


def _xlsx_grid(data: bytes) -> list[list]:
    """Every row of the first sheet with merged cells filled (a merged 所属行动 or 牵头单位 cell applies to each
    row it spans)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # not a workbook: read_table gives the one Chinese message for it
        return [[*row] for row in [read_table(data, "x.xlsx").headers]]
    ws = wb.worksheets[0]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, min(rng.max_row, len(grid)) + 1):
            row = grid[r - 1]
            for c in range(rng.min_col, rng.max_col + 1):
                if c - 1 < len(row):
                    row[c - 1] = value
    return grid


def _header_hits(row: list, cols: list[Column]) -> int:
    """How many schema columns a row names (short cells only: a title such as "…重点任务清单" is no header)."""
    cells = {_norm(c) for c in row if 0 < len(_cell(c)) <= 12}
    hits = 0
    for col in cols:
        names = [_norm(n) for n in col.names()]
        if any(n and (n == c or (len(c) >= 2 and (n in c or c in n))) for n in names for c in cells):
            hits += 1
    return hits


def _is_note(row: list) -> bool:
    """A 注：… row under the table (one text, perhaps spread over merged cells)."""
    values = {_cell(c) for c in row if _cell(c)}
    return len(values) <= 2 and any(NOTE_RE.match(v) for v in values)


def read_task_table(data: bytes, filename: str, cols: list[Column]) -> Table:
    """The task list's header row found below title and blank rows, merged cells filled, rows after a notes
    row (注：…) left out. Spreadsheet row numbers stay those of the file."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        grid = _xlsx_grid(data)
    else:
        t = read_table(data, filename)
        grid = [t.headers, *t.rows]
    at = next((k for k, row in enumerate(grid[:HEADER_SCAN_ROWS]) if _header_hits(row, cols) >= 2), 0)
    headers = [_cell(c) for c in grid[at]] if grid else []
    body: list[list] = []
    for row in grid[at + 1:]:
        if not any(_cell(c) for c in row):
            continue
        if _is_note(row):
            break
        body.append(list(row))
    return Table(headers, body, first_row=at + 2)


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
        # beside a 牵头单位 column, a 责任单位 (or 责任单位/配合单位) column names the cooperating units
        Column("cooperating", "配合单位", ("协办单位", "参与单位", "配合部门", "协同单位", "责任单位/配合单位",
                                         "责任单位", "责任部门"), required=False, parse=split_units),
        Column("deadline", "完成时限", ("时间节点", "完成时间", "时限要求", "完成期限", "时限"),
               parse=lambda c: _deadline(c, plan.year)),
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


GENERIC_TAIL = re.compile(
    r"(人民政府|委员会|办公室|领导小组|指挥部|服务中心|中心|管理局|分局|局|办|委|厅|部|署|站|所|会|队)+$")


def _core(name: str) -> str:
    """What tells one bureau from another: the name without its generic ending (局, 办, 委, 办公室…)."""
    return GENERIC_TAIL.sub("", name) or name


class UnitMatcher:
    """Match a unit name to an organization of the region the name points at — never across levels, never on
    generic words alone.

    The region: the longest region name (鹤山市, or its stem 鹤山) the name begins with inside the plan's
    region; else the plan's own region (市农业农村局 in a 江门 plan → 江门市). Only that region's
    organizations are candidates, so a county bureau never matches a city one. Exactly (with the region's name
    prefixed), else by similarity of what is left once the region and the generic ending are taken off
    (农业农村 vs 民政: no match, whatever 局 and 市 have in common) for the user to confirm."""

    def __init__(self, plan: Plan) -> None:
        self.region = plan.region
        within = Region.objects.within(plan.region).filter(level__lte=max(plan.region.level, 4))
        self.regions = {r.id: r for r in within.administrative()}
        self.prefixes: list[tuple[str, Region]] = []
        for r in self.regions.values():
            self.prefixes.append((r.name, r))
            stem = re.sub(r"(市|县|区|镇|街道)$", "", r.name)
            if len(stem) >= 2 and stem != r.name:
                self.prefixes.append((stem, r))
        self.prefixes.sort(key=lambda p: -len(p[0]))
        self.orgs = list(Organization.objects.filter(region__in=list(self.regions)).order_by("id"))
        self.by_region: dict[int, dict[str, Organization]] = {}
        for o in self.orgs:
            self.by_region.setdefault(o.region_id, {}).setdefault(o.name, o)

    def region_of(self, name: str) -> tuple[Region, str]:
        """The region a unit name points at and the rest of the name (鹤山市农业农村局 → 鹤山市, 农业农村局)."""
        for prefix, region in self.prefixes:
            if name.startswith(prefix):
                rest = name[len(prefix):]
                if prefix != region.name and rest[:1] in ("市", "县", "区", "镇"):
                    rest = rest[1:]
                return region, rest
        if name[:1] in ("市", "区", "县") and self.region.level in (2, 3):
            return self.region, name[1:]
        return self.region, name

    def match(self, name: str) -> UnitProposal:
        region, rest = self.region_of(name)
        candidates = self.by_region.get(region.id, {})
        for v in (name, region.name + rest):
            if v in candidates:
                return UnitProposal(name, MATCH, candidates[v])
        best, score = None, 0.0
        want = _core(rest)
        for cand_name, org in candidates.items():
            _, cand_rest = self.region_of(cand_name)
            s = difflib.SequenceMatcher(None, want, _core(cand_rest)).ratio()
            if s > score:
                best, score = org, s
        if best is not None and score >= SIMILARITY_CUTOFF:
            return UnitProposal(name, SIMILAR, best, score)
        return UnitProposal(name, CREATE, None, 0.0)


def org_name_for_plan(plan: Plan, name: str) -> str:
    """The name a unit is created under: 市农业农村局 → 江门市农业农村局."""
    base = plan.region.name
    if name.startswith(("市", "区", "县")) and not name.startswith(base[:2]):
        return base + name[1:]
    return name


CREATE_DECISION, SKIP_DECISION = "create", "skip"


def _decide(u: UnitProposal, decision: str | None, plan: Plan, matcher: UnitMatcher) -> Organization | None | str:
    """The organization a name stands for after the user's decision: an Organization, "create" or "skip".
    A similar (unsure) match needs a decision; an exact one and a new name follow the preview."""
    if decision in (None, ""):
        if u.action == SIMILAR:
            raise ApplicationError(f"“{u.name}”与“{u.organization.name}”相似但不相同，请逐个选择：匹配到该机构、"
                                   "新建或跳过")
        return u.organization or CREATE_DECISION
    if decision in (CREATE_DECISION, SKIP_DECISION):
        return decision
    pk = decision.removeprefix("org:")
    org = next((o for o in matcher.orgs if str(o.pk) == pk), None)
    if org is None:
        raise ApplicationError(f"“{u.name}”要匹配的机构不存在或不在本计划范围内")
    return org


def task_preview(*, actor: User, plan: Plan, table: Table) -> TaskImportResult:
    """Validate every row; raise ImportRejected on any error."""
    preview = parse_table(table, columns(plan))
    result = _preview_units(actor, plan, preview)
    return result


def _preview_units(actor: User, plan: Plan, preview: Preview) -> TaskImportResult:
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
def task_import(*, actor: User, plan: Plan, data: bytes, filename: str, confirm: bool = False,
                decisions: dict[str, str] | None = None, today: date | None = None) -> TaskImportResult:
    """Preview (confirm=False: nothing written) or apply (confirm=True) a task list. `decisions` answers the
    preview per unit name: "org:<id>" (match to that organization), "create" or "skip"; a similar (unsure)
    match without an answer stops the import. A new task's clock starts at its own start date or today."""
    if not is_admin_of(actor, plan.region):
        raise ForbiddenError("仅本级指挥部管理员可以导入任务清单")
    cols = columns(plan)
    result = task_preview(actor=actor, plan=plan, table=read_task_table(data, filename, cols))
    if not confirm:
        return result
    decisions = decisions or {}
    matcher = UnitMatcher(plan)
    orgs: dict[str, Organization | None] = {}
    for u in result.units:
        got = _decide(u, decisions.get(u.name), plan, matcher)
        if got == SKIP_DECISION:
            orgs[u.name] = None
            continue
        if got == CREATE_DECISION:
            region, _ = matcher.region_of(u.name)
            name = org_name_for_plan(plan, u.name) if region == plan.region else u.name
            got = organization_ensure(actor=actor, name=name, region=region)
        orgs[u.name] = got
    skipped = [RowError(row.number, result.preview.header("lead"), "牵头单位均已跳过，任务没有牵头单位")
               for row in result.preview.rows if not any(orgs.get(n) for n in row.values["lead"])]
    if skipped:
        raise ImportRejected(skipped)
    start = today or timezone.localdate()
    actions = {name: action_ensure(actor=actor, plan=plan, name=name) for name in result.new_actions}
    actions.update({a.name: a for a in Action.objects.filter(plan=plan)})
    for row in result.preview.rows:
        v = row.values
        leads = [o for o in dict.fromkeys(orgs[n] for n in v["lead"]) if o is not None]
        coop = [o for o in dict.fromkeys(orgs[n] for n in v.get("cooperating") or [])
                if o is not None and o not in leads]
        dl = v["deadline"]
        spec = TaskSpec(content=v["content"], deadline_text=dl.text, deadline=dl,
                        leads=[LeadUnit(o) for o in leads], cooperating=coop, regions=v.get("regions") or [],
                        action=actions.get(v.get("action")), number=v.get("number") or "",
                        weight=v.get("weight") if v.get("weight") is not None else Decimal(1),
                        start_on=dl.start or max(start, plan.start_on))
        task_create(actor=actor, plan=plan, spec=spec)
        result.created += 1
    result.applied = True
    audit_record(actor=actor, action="task.import", obj=plan, region=plan.region,
                 after={"file": filename, "tasks": result.created, "mapping": result.preview.mapping,
                        "units": [u.as_dict() for u in result.units], "new_actions": result.new_actions})
    return result
