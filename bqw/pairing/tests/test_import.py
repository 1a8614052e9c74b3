"""Excel/CSV import: all or nothing, row errors, helper names matched at one unit only; export round-trips."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from bqw.accounts.models import AuditEntry
from bqw.accounts.services import system_user
from bqw.core.errors import ForbiddenError, ImportRejected
from bqw.indicators.models import DataValue
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_ensure
from bqw.pairing import coverage
from bqw.pairing.imports import export_workbook, pairing_import
from bqw.pairing.models import Commitment, Pairing
from bqw.pairing.selectors import pairings_for_user, rows_with_lights

HEADERS = ["帮扶类型", "帮扶单位", "帮扶单位类型", "受帮扶对象", "开始日期", "结束日期", "承诺资金（元）", "备注"]


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def villages(town):
    return list(town.children.filter(kind="admin").order_by("code"))


def test_good_file_creates_pairings_commitments_and_coverage(db, persona, jm, villages, enterprise):
    data = xlsx([
        ["万企兴万村", "江门测试实业有限公司", "", villages[0].full_name, "2026-03-01", "", "200000", ""],
        ["商会结对", "江门市测试商会", "商会", villages[1].code, "2026年4月", "2026-12-31", "", "新建商会"],
        ["县域结对", "蓬江区、江海区", "", "恩平市", "2023-06-15", "", "", ""],
    ])
    r = pairing_import(actor=persona("jm_admin"), region=jm, data=data, filename="结对.xlsx")
    assert r.applied and r.created == 3 and r.commitments == 1
    assert r.new_orgs == ["江门市测试商会"]
    assert Organization.objects.get(name="江门市测试商会").kind == "chamber"
    county = Pairing.objects.get(kind="county")
    assert sorted(h.name for h in county.helpers.all()) == ["江海区", "蓬江区"]
    assert Commitment.objects.get(pairing__helped_region=villages[0]).amount == 200000
    for v in villages[:2]:
        assert DataValue.objects.get(indicator__code=coverage.V_ENT, region=v, period="2026Q3").value == 1
    assert AuditEntry.objects.filter(action="pairing.import").exists()


def test_bad_file_is_rejected_with_row_errors_and_nothing_written(db, persona, jm, villages, enterprise):
    data = xlsx([
        ["万企兴万村", "江门测试实业有限公司", "", villages[0].code, "2026-03-01", "", "100", ""],  # good
        ["万企兴万村", "不存在的公司", "", villages[1].code, "2026-03-01", "", "", ""],  # unknown helper
        ["扶贫", "江门测试实业有限公司", "", villages[2].code, "2026-03-01", "", "", ""],  # unknown type
        ["万企兴万村", "江门测试实业有限公司", "", "不存在村", "2026-03-01", "", "", ""],  # unknown unit
        ["万企兴万村", "江门测试实业有限公司", "", villages[3].code, "明年", "", "很多", ""],  # date, number
    ])
    pairings, values, audits = Pairing.objects.count(), DataValue.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ImportRejected) as exc:
        pairing_import(actor=persona("jm_admin"), region=jm, data=data, filename="结对.xlsx")
    rows = {(e.row, e.column) for e in exc.value.errors}
    assert {(3, "帮扶单位"), (4, "帮扶类型"), (5, "受帮扶对象"), (6, "开始日期"), (6, "承诺资金（元）")} <= rows
    assert "不存在的公司" in str(exc.value)
    assert (Pairing.objects.count(), DataValue.objects.count(), AuditEntry.objects.count()) == (
        pairings, values, audits)


def test_helper_names_are_never_matched_across_levels(db, persona, jm, hs, villages):
    """A 鹤山市 bureau is not found when the file names 江门市's level (and vice versa)."""
    organization_ensure(actor=system_user(), name="鹤山市测试局", region=hs, kind="agency")
    data = xlsx([["党建结对", "鹤山市测试局", "", villages[0].code, "2026-03-01", "", "", ""]])
    with pytest.raises(ImportRejected) as exc:
        pairing_import(actor=persona("jm_admin"), region=jm, data=data, filename="a.xlsx")
    assert "江门市本级未找到帮扶单位" in str(exc.value)
    ok = xlsx([["党建结对", "测试局", "鹤山市", villages[0].code, "2026-03-01", "", "", ""]],
              headers=["帮扶类型", "帮扶单位", "帮扶单位所在地", "受帮扶对象", "开始日期", "结束日期", "承诺资金",
                       "备注"])
    r = pairing_import(actor=persona("jm_admin"), region=jm, data=ok, filename="a.xlsx")
    assert r.created == 1
    assert Pairing.objects.get(kind="party").helpers.get().organization.name == "鹤山市测试局"


@pytest.mark.parametrize("data,name", [
    (b"\x00\x01not a workbook", "x.xlsx"),
    ("帮扶类型,帮扶单位,受帮扶对象,开始日期\n万企兴万村,某公司,不存在,2026-01-01\n".encode("gbk"), "x.csv"),
    (b"{not json", "x.json"),
    (b"abc", "x.exe"),
])
def test_broken_or_foreign_files_give_a_clear_error(db, persona, jm, data, name):
    with pytest.raises(ImportRejected) as exc:
        pairing_import(actor=persona("jm_admin"), region=jm, data=data, filename=name)
    assert exc.value.errors and exc.value.errors[0].message


def test_gbk_csv_is_read(db, persona, jm, villages, enterprise):
    text = f"帮扶类型,帮扶单位,受帮扶对象,开始日期\n万企兴万村,江门测试实业有限公司,{villages[0].code},2026-01-01\n"
    r = pairing_import(actor=persona("jm_admin"), region=jm, data=text.encode("gbk"), filename="x.csv")
    assert r.created == 1


def test_only_admins_import(db, persona, jm):
    with pytest.raises(ForbiddenError):
        pairing_import(actor=persona("jm_viewer"), region=jm, data=xlsx([]), filename="a.xlsx")


def test_export_reimports_and_keeps_formulas_as_text(db, persona, jm, villages, enterprise, pair):
    pair(villages[0], enterprise, note="=HYPERLINK(\"http://x\")")
    user = persona("jm_admin")
    data = export_workbook(rows_with_lights(pairings_for_user(user)), title="台账")
    ws = load_workbook(io.BytesIO(data)).active
    note = next(c for c in ws[2] if isinstance(c.value, str) and c.value.startswith("=HYPERLINK"))
    assert note.data_type == "s"
    Pairing.objects.all().delete()
    r = pairing_import(actor=user, region=jm, data=data, filename="台账.xlsx")
    assert r.created == 1 and Pairing.objects.get().helped_region == villages[0]


def test_cli_import_and_coverage_json(db, tmp_path, villages, enterprise, capsys):
    f = tmp_path / "p.xlsx"
    f.write_bytes(xlsx([["万企兴万村", "江门测试实业有限公司", "", villages[0].code, "2026-03-01", "", "", ""]]))
    call_command("pairing", "import", str(f), "--region", "4407")
    call_command("pairing", "coverage", "--region", "4407", "--year", "2026", "--json")
    out = capsys.readouterr().out
    s = json.loads(out[out.index("{"):])
    assert s["village_enterprise_pairing"]["villages_paired"] == 1
    assert s["village_enterprise_pairing"]["rate"] > 0
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([["万企兴万村", "没有这家", "", villages[1].code, "2026-03-01", "", "", ""]]))
    with pytest.raises(CommandError, match="没有这家"):
        call_command("pairing", "import", str(bad), "--region", "4407")
