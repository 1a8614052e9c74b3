"""The catalog a headquarters runs itself (issue 11): indicators, validation rules checked at entry (every write
path) and shown in review, targets from a form with a live preview and from Excel; the sibling 开平 admin refused."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from bqw.accounts.models import AuditEntry
from bqw.accounts.tests.personas import HESHAN, KAIPING, county_admin
from bqw.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from bqw.indicators.catalog_services import (
    TargetInput,
    indicator_create,
    indicator_update,
    parse_amount,
    rule_create,
    rule_update,
    target_create,
)
from bqw.indicators.models import DataValue, Indicator, Target, ValidationRule
from bqw.indicators.services import datavalue_save, datavalues_save_form, datavalues_save_rows
from bqw.regions.models import Region


@pytest.fixture
def hs_admin(db):
    return county_admin(HESHAN, "hs_admin")


@pytest.fixture
def kp_admin(db):
    return county_admin(KAIPING, "kp_admin")


@pytest.fixture
def sewage(hs_admin):
    hs = Region.objects.get(code=HESHAN)
    total = indicator_create(actor=hs_admin, owner=hs, code="hs_villages", name="自然村数（鹤山）", unit="个",
                             integer=True, min_value=Decimal(0))
    done = indicator_create(actor=hs_admin, owner=hs, code="hs_sewage_done", name="已完成污水治理自然村数", unit="个",
                            integer=True, min_value=Decimal(0))
    rule = rule_create(actor=hs_admin, region=hs, name="已治理村数不超过自然村数", left="{已完成污水治理自然村数}",
                       operator="<=", right="{自然村数（鹤山）}")
    return {"total": total, "done": done, "rule": rule}


def village(name_town="沙坪街道") -> Region:
    town = Region.objects.get(parent__code=HESHAN, name=name_town)
    return Region.objects.filter(parent=town, level=5).order_by("code").first()


@pytest.mark.parametrize("text,unit,expected", [
    ("3300亿", "元", Decimal("330000000000")), ("8%", "%", Decimal(8)), ("1.4万", "户", Decimal(14000)),
    ("3300亿元", "亿元", Decimal(3300)), ("12.5万", "万元", Decimal("12.5")), ("90", "%", Decimal(90)),
])
def test_amounts_as_people_write_them(text, unit, expected):
    assert parse_amount(text, unit) == expected


@pytest.mark.parametrize("text", ["很多", "", "1e999", "3300亿亿亿亿"])
def test_bad_amounts_are_refused_in_chinese(text):
    with pytest.raises(ApplicationError):
        parse_amount(text, "元")


def test_rule_is_stored_with_codes_and_reads_with_names(sewage):
    rule = sewage["rule"]
    assert rule.left == "{hs_sewage_done}" and set(rule.indicators.all()) == {sewage["done"], sewage["total"]}
    with pytest.raises(ApplicationError, match="不存在"):
        rule_create(actor=rule.created_by, region=rule.region, name="x", left="{没有的指标}", operator="<=", right="1")
    with pytest.raises(ApplicationError, match="花括号"):
        rule_create(actor=rule.created_by, region=rule.region, name="x", left="hs_sewage_done", operator="<=",
                    right="1")
    with pytest.raises(ApplicationError):
        rule_create(actor=rule.created_by, region=rule.region, name="x", left="{hs_sewage_done}.__class__",
                    operator="<=", right="1")


def test_rule_rejects_9_treated_of_6_villages_on_every_write_path(persona, sewage):
    reporter = persona("hs_reporter")
    v = village()
    datavalue_save(actor=reporter, region=v, indicator=sewage["total"], period="202601", value="6")
    with pytest.raises(ApplicationError) as exc:
        datavalue_save(actor=reporter, region=v, indicator=sewage["done"], period="202601", value="9")
    assert "已完成污水治理自然村数" in exc.value.message and "自然村数（鹤山）" in exc.value.message
    assert not DataValue.objects.filter(indicator=sewage["done"]).exists()  # nothing written
    with pytest.raises(ApplicationError):
        datavalues_save_form(actor=reporter, region=v, period="202602",
                             items=[{"indicator": sewage["total"], "value": "6"},
                                    {"indicator": sewage["done"], "value": "9"}])
    assert not DataValue.objects.filter(period="202602").exists()  # the whole form rejected
    with pytest.raises(ApplicationError):
        datavalues_save_rows(actor=reporter, items=[{"region": v, "indicator": sewage["total"], "period": "202603",
                                                     "value": "6"},
                                                    {"region": v, "indicator": sewage["done"], "period": "202603",
                                                     "value": "7"}])
    dv = datavalue_save(actor=reporter, region=v, indicator=sewage["done"], period="202601", value="5")
    assert dv.value == 5
    with pytest.raises(ApplicationError):  # lowering the other side later is checked too
        datavalue_save(actor=reporter, region=v, indicator=sewage["total"], period="202601", value="4",
                       version=DataValue.objects.get(indicator=sewage["total"], period="202601").version)


def test_a_rule_switched_off_no_longer_rejects(persona, sewage, hs_admin):
    rule = sewage["rule"]
    rule_update(actor=hs_admin, rule=rule, name=rule.name, left="{已完成污水治理自然村数}", operator="<=",
                right="{自然村数（鹤山）}", severity=rule.severity, active=False)
    reporter = persona("hs_reporter")
    v = village()
    datavalue_save(actor=reporter, region=v, indicator=sewage["total"], period="202601", value="6")
    assert datavalue_save(actor=reporter, region=v, indicator=sewage["done"], period="202601", value="9").value == 9


def test_warning_rule_passes_entry_and_shows_in_review(client, persona, sewage):
    rule = sewage["rule"]
    rule.severity = ValidationRule.Severity.WARNING
    rule.save()
    reporter = persona("hs_reporter")
    v = village()
    datavalue_save(actor=reporter, region=v, indicator=sewage["total"], period="202601", value="6", submit=True)
    datavalue_save(actor=reporter, region=v, indicator=sewage["done"], period="202601", value="9", submit=True)
    client.force_login(persona("hs_reviewer"))
    page = client.get("/indicators/review/").content.decode()
    assert "校验规则提示" in page and "已治理村数不超过自然村数" in page


def test_rule_outside_its_region_does_not_apply(persona, sewage):
    xh_village = Region.objects.filter(code__startswith="440705", level=5).order_by("code").first()
    reporter = persona("xh_reporter")
    if not reporter.capture_scope.contains(xh_village):
        xh_village = Region.objects.filter(code__startswith=reporter.capture_scope.prefix, level=5).first()
    datavalue_save(actor=reporter, region=xh_village, indicator=sewage["total"], period="202601", value="6")
    datavalue_save(actor=reporter, region=xh_village, indicator=sewage["done"], period="202601", value="9")


def test_indicator_owner_scopes_edits(sewage, kp_admin, hs_admin):
    with pytest.raises(NotFoundError):
        indicator_update(actor=kp_admin, indicator=sewage["done"], name="改名")
    with pytest.raises(ConflictError):
        indicator_create(actor=hs_admin, owner=hs_admin.view_scope, code="hs_villages", name="重复")
    shared = Indicator.objects.create(code="shared_x", name="全省指标X")
    with pytest.raises(ForbiddenError):
        indicator_update(actor=hs_admin, indicator=shared, name="改名")
    ind = indicator_update(actor=hs_admin, indicator=sewage["done"], name="已完成生活污水治理自然村数")
    assert ind.name == "已完成生活污水治理自然村数"
    assert AuditEntry.objects.filter(action="indicator.update", object_id=str(ind.pk)).exists()


def test_target_for_every_village_from_the_form_with_preview(client, hs_admin, sewage):
    client.force_login(hs_admin)
    form = {"indicator": "已完成污水治理自然村数", "region": "江门市鹤山市", "scope": "level", "scope_level": "5",
            "comparator": ">=", "value": "1", "deadline": "2026", "stage": "2027", "baseline_period": "202601",
            "source_document": "鹤山市工作要点"}
    r = client.post("/indicators/targets/preview/", form)
    page = r.content.decode()
    assert r.status_code == 200 and "预览" in page and "个单位" in page and "light" in page
    bad = client.post("/indicators/targets/preview/", {**form, "value": "很多"}).content.decode()
    assert "不是数值" in bad
    r = client.post("/indicators/targets/manage/", form)
    assert r.status_code == 302, r.content.decode()[:3000]
    t = Target.objects.get(indicator=sewage["done"])
    assert t.scope == "level" and t.scope_level == 5 and t.region.code == HESHAN
    r = client.post(f"/indicators/targets/{t.pk}/edit/", {**form, "op": "update", "value": "2"})
    t.refresh_from_db()
    assert r.status_code == 302 and t.value == 2
    assert AuditEntry.objects.filter(action="target.update", object_id=str(t.pk)).exists()
    client.post(f"/indicators/targets/{t.pk}/edit/", {"op": "archive"})
    t.refresh_from_db()
    assert t.archived


def targets_workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["指标", "地区", "范围", "比较", "目标值", "完成期限", "阶段"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_targets_import_all_or_nothing(tmp_path, client, hs_admin, sewage):
    good = tmp_path / "t.xlsx"
    good.write_bytes(targets_workbook([["已完成污水治理自然村数", "鹤山市", "各村", "≥", "1", "2026", "显著变化"],
                                       ["hs_villages", "沙坪街道", "", "≥", "1.4万", "2027", ""]]))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(targets_workbook([["已完成污水治理自然村数", "鹤山市", "各村", "≥", "1", "2026", ""],
                                      ["不存在的指标", "新会区", "各乡", "大约", "很多", "明年", ""]]))
    with pytest.raises(CommandError) as exc:
        call_command("targets", "import", str(bad), "--confirm", "--user", "hs_admin", stdout=io.StringIO())
    msg = str(exc.value)
    assert "第3行" in msg and "指标" in msg and "范围" in msg
    assert not Target.objects.exists()
    out = io.StringIO()
    call_command("targets", "import", str(good), "--confirm", "--user", "hs_admin", stdout=out)
    assert "已导入 2 个目标" in out.getvalue()
    assert Target.objects.get(indicator=sewage["total"]).value == 14000
    client.force_login(hs_admin)
    with open(bad, "rb") as f:
        r = client.post("/indicators/targets/import/", {"file": f})
    assert r.status_code == 422 and "不存在的指标" in r.content.decode() and "import-errors" in r.content.decode()


def test_sibling_county_admin_is_refused_on_every_catalog_page(client, hs_admin, kp_admin, sewage):
    t = target_create(actor=hs_admin, data=TargetInput(indicator=sewage["done"], region=hs_admin.view_scope,
                                                       scope="level", scope_level=5, value="1", deadline="2026"))
    client.force_login(hs_admin)
    assert "<td>已治理村数不超过自然村数</td>" in client.get("/indicators/rules/").content.decode()
    client.force_login(kp_admin)
    assert client.get(f"/indicators/catalog/{sewage['done'].pk}/").status_code == 404
    assert client.post(f"/indicators/catalog/{sewage['done'].pk}/", {"name": "x"}).status_code == 404
    assert client.get(f"/indicators/rules/{sewage['rule'].pk}/").status_code == 404
    assert client.post(f"/indicators/rules/{sewage['rule'].pk}/", {"name": "x"}).status_code == 404
    assert client.get(f"/indicators/targets/{t.pk}/edit/").status_code == 404
    assert client.post(f"/indicators/targets/{t.pk}/edit/", {"op": "archive"}).status_code == 404
    assert "<td>已治理村数不超过自然村数</td>" not in client.get("/indicators/rules/").content.decode()
    r = client.post("/indicators/rules/", {"name": "越权", "region": "江门市鹤山市", "left": "{hs_sewage_done}",
                                           "operator": "<=", "right": "1"})
    assert "不在您的管辖范围内" in r.content.decode() and not ValidationRule.objects.filter(name="越权").exists()
    r = client.post("/indicators/targets/manage/", {"indicator": "hs_sewage_done", "region": "江门市鹤山市",
                                                    "scope": "region", "value": "1", "deadline": "2026"})
    assert "不在您的管辖范围内" in r.content.decode()
    r = client.post("/indicators/targets/preview/", {"indicator": "hs_sewage_done", "region": "江门市鹤山市",
                                                     "scope": "level", "scope_level": "5", "value": "1",
                                                     "deadline": "2026"})
    assert "不在您的管辖范围内" in r.content.decode() and "个单位" not in r.content.decode()
    client.force_login(hs_admin.__class__.objects.get(username="hs_reviewer"))
    for url in ("/indicators/catalog/", "/indicators/rules/", "/indicators/targets/manage/",
                "/indicators/targets/import/"):
        assert client.get(url).status_code == 403, url
