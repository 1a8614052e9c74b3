"""Excel/CSV import and export of pairings (结对帮扶台账), through the one pipeline in core.imports.

Headers offices use: 帮扶类型 / 帮扶单位 (several, 、-separated = a group) / 帮扶单位所在地 / 帮扶单位类型 /
受帮扶对象 / 开始日期 / 结束日期 / 状态 / 牵头协调单位 / 名称 / 承诺资金（元）/ 承诺项目数 / 选派人员 / 培训场次 /
消费帮扶（元）/ 备注.

Helper names are matched to organizations of the unit named in 帮扶单位所在地 (default: the import's unit) — at
that unit only, never at a unit above or below it (a 县 bureau is not a 市 bureau of the same name) — exactly
or with the unit's name prefixed (市教育局 → 江门市教育局); else to a region (county–county, town–town pairs);
else, when 帮扶单位类型 is given, a new organization of that kind is created there; else the row is rejected with
the nearest names. All or nothing: any bad row rejects the file (ImportRejected with row/column reasons) and
nothing is written; the coverage indicators are recomputed once for the whole file.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from bqw.accounts.audit import audit_record
from bqw.accounts.models import User
from bqw.accounts.scope import require_admin
from bqw.core.errors import ApplicationError, ImportRejected, RowError
from bqw.core.imports import Column, Preview, Table, parse_decimal, parse_table, read_table
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_ensure
from bqw.plans.imports import split_units
from bqw.regions.models import Region
from bqw.regions.selectors import RegionResolver

from .coverage import Touched, refresh
from .models import CommitmentKind, Pairing, PairingStatus, PairingType
from .services import HelperSpec, commitment_create, create_pairing

MAX_BYTES = 5 * 1024 * 1024
KIND_BY_LABEL = {**{label: value for value, label in PairingType.choices}, **{v: v for v in PairingType.values}}
STATUS_BY_LABEL = {**{label: value for value, label in PairingStatus.choices},
                   **{v: v for v in PairingStatus.values}}
ORG_KIND_BY_LABEL = {**{label: value for value, label in Organization.Kind.choices},
                     **{v: v for v in Organization.Kind.values}, "民营企业": "enterprise", "国企": "soe"}
COMMITMENT_COLUMNS = [  # column key, label, aliases, commitment kind
    ("funds", "承诺资金（元）", ("帮扶资金", "承诺资金", "资金（元）"), CommitmentKind.FUNDS),
    ("projects", "承诺项目数", ("帮扶项目数", "项目数"), CommitmentKind.PROJECTS),
    ("people", "选派人员", ("选派人数", "派驻人员"), CommitmentKind.PEOPLE),
    ("training", "培训场次", ("培训",), CommitmentKind.TRAINING),
    ("purchases", "消费帮扶（元）", ("采购农产品（元）", "消费帮扶"), CommitmentKind.PURCHASES),
]
MAX_AMOUNT = Decimal("1e13")


def _choice(table: dict[str, str], what: str):
    def parse(cell) -> str:
        s = str(cell).strip()
        if s not in table:
            labels = "、".join(k for k in table if not re.fullmatch(r"[a-z_]+", k))
            raise ValueError(f"未知{what}“{s}”（可填：{labels}）")
        return table[s]
    return parse


def parse_date(cell) -> date:
    """2024-03-01, 2024/3/1, 2024年3月1日, 2024年3月 (→ the 1st), or an Excel date."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    s = str(cell).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?|\s*月?)", s)
    if not m:
        raise ValueError(f"“{s}”不是日期（如 2024-03-01 或 2024年3月1日）")
    try:
        return date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        raise ValueError(f"“{s}”不是有效日期") from None


def _amount(cell) -> Decimal:
    d = parse_decimal(cell)
    if d < 0:
        raise ValueError("不能为负数")
    if d >= MAX_AMOUNT:
        raise ValueError(f"“{cell}”超出允许范围")
    return d


def _text(limit: int):
    def parse(cell) -> str:
        s = str(cell).strip()
        if len(s) > limit:
            raise ValueError(f"超过 {limit} 个字")
        return s
    return parse


def columns() -> list[Column]:
    return [
        Column("kind", "帮扶类型", ("结对类型", "类型", "帮扶方式"), parse=_choice(KIND_BY_LABEL, "帮扶类型")),
        Column("helpers", "帮扶单位", ("帮扶方", "结对单位", "帮扶主体", "帮扶企业"), parse=split_units),
        Column("helper_region", "帮扶单位所在地", ("帮扶方所在地", "帮扶单位地区"), required=False, parse=str),
        Column("helper_kind", "帮扶单位类型", ("帮扶方类型", "单位类型"), required=False,
               parse=_choice(ORG_KIND_BY_LABEL, "单位类型")),
        Column("helped", "受帮扶对象", ("受帮扶单位", "结对对象", "帮扶对象", "受帮扶地区", "结对村", "结对镇街"),
               parse=_text(120)),
        Column("start_on", "开始日期", ("结对时间", "开始时间", "结对日期"), parse=parse_date),
        Column("end_on", "结束日期", ("结束时间", "截止日期"), required=False, parse=parse_date),
        Column("status", "状态", ("结对状态",), required=False, parse=_choice(STATUS_BY_LABEL, "状态")),
        Column("coordinator", "牵头协调单位", ("协调单位", "牵头单位", "统筹单位"), required=False, parse=_text(120)),
        Column("name", "名称", ("结对名称", "项目名称"), required=False, parse=_text(200)),
        *[Column(key, label, aliases, required=False, parse=_amount) for key, label, aliases, _ in COMMITMENT_COLUMNS],
        Column("note", "备注", ("说明",), required=False, parse=_text(2000)),
    ]


class OrgMatcher:
    """Organizations of exactly one unit (never above or below it), by name or with the unit's name prefixed."""

    def __init__(self, region: Region) -> None:
        self.region = region
        self.by_name = {o.name: o for o in Organization.objects.filter(region=region).order_by("-id")}

    def variants(self, name: str) -> list[str]:
        base = self.region.name
        stem = re.sub(r"(市|区|县|镇|街道)$", "", base)
        out = [name]
        if name[:1] in "市区县镇" and not name.startswith(stem):
            out.append(base + name[1:])
        if not name.startswith(stem):
            out.append(base + name)
        return out

    def match(self, name: str) -> Organization | None:
        return next((self.by_name[v] for v in self.variants(name) if v in self.by_name), None)

    def nearest(self, name: str) -> list[str]:
        return difflib.get_close_matches(name, list(self.by_name), n=2, cutoff=0.6)

    def new_name(self, name: str) -> str:
        base = self.region.name
        return base + name[1:] if name[:1] in "市区县" and not name.startswith(base[:2]) else name


@dataclass
class PairingImportResult:
    preview: Preview
    rows: int = 0
    created: int = 0
    commitments: int = 0
    new_orgs: list[str] = field(default_factory=list)
    applied: bool = False

    def as_dict(self) -> dict:
        return {"mapping": self.preview.mapping, "unmapped": self.preview.unmapped, "rows": self.rows,
                "created": self.created, "commitments": self.commitments, "new_orgs": self.new_orgs,
                "applied": self.applied}


def read_upload(data: bytes, filename: str) -> Table:
    """core.imports.read_table, plus GB18030 CSV (as Excel saves it on Chinese Windows) and a clear error for a
    file that cannot be read."""
    if len(data) > MAX_BYTES:
        raise ImportRejected([RowError(1, "文件", f"文件超过 {MAX_BYTES // (1024 * 1024)} MB")])
    name = (filename or "").lower()
    if not name.endswith((".xlsx", ".xlsm", ".csv", ".json")):
        raise ImportRejected([RowError(1, "文件", "仅支持 xlsx、csv、json 文件")])
    if name.endswith(".csv"):
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                data = data.decode("gb18030").encode("utf-8")
            except UnicodeDecodeError:
                raise ImportRejected([RowError(1, "文件", "无法识别 CSV 文件编码（请另存为 UTF-8 或 xlsx）")])
    try:
        return read_table(data, filename)
    except Exception as exc:  # a broken workbook or JSON: say so, never a 500
        raise ImportRejected([RowError(1, "文件", f"无法读取文件（{type(exc).__name__}），请检查文件是否损坏")])


@dataclass
class _Row:
    number: int
    kind: str
    helpers: list[HelperSpec | tuple[str, Region, str]]  # matched, or (name, unit, org kind) to create
    helped_region: Region | None
    helped_org: Organization | None
    values: dict


def _resolve(actor: User, region: Region, preview: Preview) -> list[_Row]:
    resolver = RegionResolver(user=actor, within=region)
    matchers: dict[int, OrgMatcher] = {}

    def matcher(unit: Region) -> OrgMatcher:
        if unit.id not in matchers:
            matchers[unit.id] = OrgMatcher(unit)
        return matchers[unit.id]

    out = []
    for row in preview.rows:
        v = row.values
        if any(v.get(k) is None for k in ("kind", "helpers", "helped", "start_on")):
            continue  # already reported by parse_table
        unit = region
        if v.get("helper_region"):
            try:
                unit = resolver.resolve(v["helper_region"])
            except ValueError as exc:
                preview.error(row.number, "helper_region", str(exc))
                continue
        if v.get("end_on") and v["end_on"] < v["start_on"]:
            preview.error(row.number, "end_on", "结束日期不能早于开始日期")
        helpers: list = []
        for name in v["helpers"]:
            if len(name) > 120:
                preview.error(row.number, "helpers", f"单位名称过长：“{name[:20]}…”")
                continue
            org = matcher(unit).match(name)
            if org is not None:
                helpers.append(HelperSpec(organization=org))
                continue
            try:
                helpers.append(HelperSpec(region=resolver.resolve(name)))
                continue
            except ValueError:
                pass
            if v.get("helper_kind"):
                helpers.append((matcher(unit).new_name(name), unit, v["helper_kind"]))
                continue
            near = matcher(unit).nearest(name)
            hint = f"；近似：{'、'.join(near)}" if near else ""
            preview.error(row.number, "helpers", f"在{unit.name}本级未找到帮扶单位“{name}”（填写“帮扶单位类型”可新建）"
                                                 f"{hint}")
        helped_region = helped_org = None
        try:
            helped_region = resolver.resolve(v["helped"])
        except ValueError as exc:
            helped_org = _find_org(region, v["helped"])
            if helped_org is None:
                preview.error(row.number, "helped", f"{exc}（也不是{region.name}范围内的单位名称）")
        if v.get("coordinator"):
            co = matcher(region).match(v["coordinator"]) or _find_org(region, v["coordinator"])
            if co is None:
                preview.error(row.number, "coordinator", f"未找到牵头协调单位“{v['coordinator']}”")
            v["coordinator"] = co
        keys = [h.key if isinstance(h, HelperSpec) else ("new", h[0], h[1].pk) for h in helpers]
        if len(set(keys)) != len(keys):
            preview.error(row.number, "helpers", "帮扶单位重复")
        if helped_region is not None and any(isinstance(h, HelperSpec) and h.region == helped_region
                                             for h in helpers):
            preview.error(row.number, "helpers", "帮扶单位不能与受帮扶对象相同")
        out.append(_Row(row.number, v["kind"], helpers, helped_region, helped_org, v))
    return out


def _find_org(region: Region, name: str) -> Organization | None:
    """A helped organization (school, hospital) by its exact name within the import's area; unique only."""
    hits = list(Organization.objects.filter(name=name, region__in=Region.objects.within(region))[:2])
    return hits[0] if len(hits) == 1 else None


@transaction.atomic
def pairing_import(*, actor: User, region: Region, data: bytes, filename: str, dry_run: bool = False
                   ) -> PairingImportResult:
    """Validate every row; with dry_run only report, else write them all (or nothing)."""
    require_admin(actor, region)
    table = read_upload(data, filename)
    preview = parse_table(table, columns())
    rows = _resolve(actor, region, preview)
    preview.raise_if_errors()
    result = PairingImportResult(preview, rows=len(rows))
    if dry_run:
        return result
    touched, errors = Touched(), []
    created_orgs: dict[tuple, Organization] = {}
    for r in rows:
        v = r.values
        try:
            specs = []
            for h in r.helpers:
                if isinstance(h, HelperSpec):
                    specs.append(h)
                    continue
                name, unit, kind = h
                if (name, unit.pk) not in created_orgs:
                    created_orgs[(name, unit.pk)] = organization_ensure(actor=actor, name=name, region=unit,
                                                                        kind=kind)
                    result.new_orgs.append(name)
                specs.append(HelperSpec(organization=created_orgs[(name, unit.pk)]))
            p = create_pairing(actor=actor, kind=r.kind, helpers=specs, start_on=v["start_on"],
                               end_on=v.get("end_on"), helped_region=r.helped_region, helped_org=r.helped_org,
                               status=v.get("status") or PairingStatus.ACTIVE, coordinator=v.get("coordinator"),
                               name=v.get("name") or "", note=v.get("note") or "")
            touched.pairing(p)
            due = v.get("end_on") or date(v["start_on"].year, 12, 31)
            for key, _label, _aliases, kind in COMMITMENT_COLUMNS:
                if v.get(key):
                    commitment_create(actor=actor, pairing=p, kind=kind, amount=v[key], start_on=v["start_on"],
                                      due_on=max(due, v["start_on"]))
                    result.commitments += 1
            result.created += 1
        except ApplicationError as exc:
            errors.append(RowError(r.number, preview.header(exc.extra.get("field", "helpers")), exc.message))
    if errors:
        raise ImportRejected(errors)  # the transaction rolls back: nothing written
    refresh(actor=actor, touched=touched)
    result.applied = True
    audit_record(actor=actor, action="pairing.import", object_type="pairing.Pairing", region=region,
                 object_repr=f"导入结对 {result.created} 条",
                 after={"file": filename, **{k: v for k, v in result.as_dict().items() if k != "mapping"}})
    return result


# ------------------------------------------------------------------ export

EXPORT_HEADERS = ["帮扶类型", "帮扶单位", "帮扶单位所在地", "受帮扶对象", "开始日期", "结束日期", "状态",
                  "牵头协调单位", "名称", "承诺资金（元）", "承诺项目数", "选派人员", "培训场次", "消费帮扶（元）",
                  "备注", "已到位资金（元）", "灯色", "说明"]


FORMULA_START = ("=", "+", "-", "@")


def export_workbook(rows, *, title: str) -> bytes:
    """The pairings as an xlsx in the import's own columns (re-importable), plus delivery and light."""
    from bqw.core.spreadsheet import new_workbook, workbook_bytes, write_row
    from bqw.core.status import light_fill

    wb, ws = new_workbook("结对帮扶台账")
    write_row(ws, EXPORT_HEADERS, bold=True)
    for r in rows:
        p: Pairing = r.pairing
        helpers = list(p.helpers.all())
        units = {h.organization.region.name for h in helpers if h.organization_id}
        amounts = {k: sum((c.amount for c in p.commitments.all() if c.kind == k), Decimal(0))
                   for _, _, _, k in COMMITMENT_COLUMNS}
        funds_in = sum((d.amount for c in p.commitments.all() if c.kind == CommitmentKind.FUNDS
                        for d in c.deliveries.all()), Decimal(0))
        helped = p.helped_org.name if p.helped_org_id else p.helped_region.full_name or p.helped_region.name
        write_row(ws, [
            p.get_kind_display(), "、".join(h.name for h in helpers), units.pop() if len(units) == 1 else "",
            helped, p.start_on, p.end_on, p.get_status_display(), p.coordinator.name if p.coordinator_id else "",
            p.name, *[float(amounts[k]) or None for _, _, _, k in COMMITMENT_COLUMNS], p.note, float(funds_in),
            r.status.label, r.status.reason])
        ws.cell(row=ws.max_row, column=17).fill = light_fill(r.status.light)
        for col in (5, 6):
            ws.cell(row=ws.max_row, column=col).number_format = "yyyy-mm-dd"
    for i, w in enumerate([12, 36, 14, 24, 12, 12, 8, 20, 24, 14, 10, 10, 10, 14, 24, 14, 10, 60], start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = w
    ws.freeze_panes = "A2"
    wb.properties.title = title
    return workbook_bytes(wb)
