"""Numbers as offices write them in every workbook the demo produces: no `>=`/`<=`, no raw periods like 202610, no
long raw decimals — in the task ledger, the values template and export, the cockpit's targets workbook, the
ranking workbook, the briefing's tables (and its Word file), the project library and the pairing ledger. Codes
stay only in the key columns of the re-importable values workbook (单位代码, 指标代码), with names beside them."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from bqw.core.periods import Period
from bqw.indicators.values_exchange import values_export

RAW = re.compile(r">=|<=|\b20\d\d(0[1-9]|1[0-2])\b|\.\d{4,}")


@pytest.fixture
def demo(db, monkeypatch):
    """The 江门 demo (indicators simulated for 鹤山's villages only, to stay fast)."""
    from bqw.demo.scenario import build_organizations, demo_steps
    from bqw.indicators import demo as indicators_demo

    monkeypatch.setattr(indicators_demo, "ONLY_COUNTIES", ("440784",))
    orgs = build_organizations()
    for step in demo_steps():
        step(orgs)
    return orgs


def raw_cells(data: bytes, *, keys: tuple[str, ...] = ()) -> list[str]:
    """Every text cell (and sheet name) written the way a database stores it, and every float cell with more than
three decimals; columns headed by `keys` are skipped."""
    wb = load_workbook(io.BytesIO(data))
    bad = []
    for ws in wb.worksheets:
        if RAW.search(ws.title):
            bad.append(f"sheet name {ws.title!r}")
        skip: set[int] = set()
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                if isinstance(c.value, str) and c.value in keys:
                    skip.add(c.column)
                    continue
                if c.column in skip:
                    continue
                text = c.value if isinstance(c.value, str) else str(c.value) if isinstance(c.value, float) else ""
                if RAW.search(text):  # a stored number (203707 people) is no period; a float shows its decimals
                    bad.append(f"{ws.title}!{c.coordinate} = {c.value!r}")
    return bad


def test_the_demo_workbooks_write_numbers_as_offices_do(demo, client, login, persona, region):
    from bqw.assessment.models import Scheme
    from bqw.briefings.services import briefing_generate, briefing_request
    from bqw.plans.models import Plan

    login("jm_admin")
    files: dict[str, bytes] = {}
    for plan in Plan.objects.filter(region__code__startswith="4407"):
        files[f"台账 {plan.name}"] = client.get(f"/plans/{plan.pk}/ledger.xlsx").content
    files["驾驶舱"] = client.get("/cockpit/440700000000/export.xlsx").content
    files["驾驶舱 鹤山"] = client.get("/cockpit/440784000000/export.xlsx").content
    for scheme in Scheme.objects.all():
        files[f"排名 {scheme.name}"] = client.get(f"/assessment/{scheme.pk}/export.xlsx").content
    files["项目库"] = client.get("/projects/export.xlsx").content
    files["结对帮扶"] = client.get("/pairing/export.xlsx").content
    b = briefing_request(actor=persona("jm_admin"), region=region("4407"), period="202406", background=False)
    b = briefing_generate(actor=persona("jm_admin"), briefing_id=b.pk)
    files["通报"] = bytes(b.xlsx)
    doc = Document(io.BytesIO(bytes(b.docx)))
    words = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert [w for w in words if RAW.search(w)] == []  # the briefing's Word file too
    login("hs_reporter")
    files["填报模板"] = client.get("/indicators/template/").content
    last_quarter = Period.of_date(timezone.localdate(), "Q").shift(-1)
    files["填报数据导出"] = values_export(persona("hs_reviewer"), region("440784"), last_quarter.months()[-1], "xlsx")
    for name, data in files.items():
        assert data[:2] == b"PK", name
    ws = load_workbook(io.BytesIO(files["填报模板"])).active  # codes only in key columns, names beside them
    assert [c.value for c in ws[1]][:6] == ["单位代码", "单位名称", "指标代码", "指标名称", "计量单位", "期间"]
    assert ws.max_row > 1 and str(ws["F2"].value).startswith("20") and "年" in str(ws["F2"].value)
    bad = {name: raw_cells(data, keys=("单位代码", "指标代码")) for name, data in files.items()}
    assert {k: v[:5] for k, v in bad.items() if v} == {}
