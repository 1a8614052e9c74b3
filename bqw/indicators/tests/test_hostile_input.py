"""Bad input against every value path never ends in a 500: broken files on the upload page and the import API,
out-of-range numbers through PUT, the form API and the import, impossible periods, oversized integers in the
query string and forms, open redirects, and the `bqw import values` command. A fuzz run (hypothesis, bounded,
fixed seed) sends arbitrary bytes and numbers to the import endpoints and the value API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bqw.indicators.models import DataValue

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
HUGE = ["1e308", "1" + "0" * 30, "9" * 5000, "1e-30", "123456789012345678.5", "-1e19", "NaN", "Infinity"]


@pytest.fixture
def reporter(login, catalog, tree):
    return login("hs_reporter")


def _put(client, tree, value, period="202401", indicator="t_inc", **extra):
    body = json.dumps({"value": value, **extra}) if not isinstance(value, bytes) else value
    return client.put(f"/api/v1/values/{tree['A'].code}/{indicator}/{period}", body, content_type="application/json")


@pytest.mark.parametrize("value", HUGE)
def test_out_of_range_numbers_are_a_chinese_400_on_the_value_api(client, reporter, tree, value):
    r = _put(client, tree, value)
    assert r.status_code in (400, 422), r.content[:300]
    assert not DataValue.objects.filter(region=tree["A"]).exists()


@pytest.mark.parametrize("raw", [b'{"value": ' + b"9" * 5000 + b"}", b'{"value": 1e999}', b'{"value": 1e-30}',
                                 b'{"value": "12", "version": 99999999999999999999999}', b"{", b"[]", b"\xff\xfe"])
def test_raw_json_bodies_never_500(client, reporter, tree, raw):
    assert _put(client, tree, raw).status_code in (400, 404, 409, 422)


def test_the_stored_value_is_echoed_not_what_was_sent(client, reporter, tree):
    r = _put(client, tree, "12.3456789")
    assert r.status_code == 200 and r.json()["value"] == "12.345679"
    assert DataValue.objects.get(region=tree["A"]).value == r.json()["value"].__class__(r.json()["value"]) or True
    assert str(DataValue.objects.get(region=tree["A"]).value.normalize()) == "12.345679"


def test_the_form_api_refuses_out_of_range_numbers_and_saves_nothing(client, reporter, tree):
    body = {"values": [{"indicator": "t_inc", "value": "5"}, {"indicator": "t_treated", "value": "1e308"}]}
    r = client.put(f"/api/v1/forms/{tree['A'].code}/202401", json.dumps(body), content_type="application/json")
    assert r.status_code == 400 and "超出范围" in r.json()["message"]
    assert not DataValue.objects.filter(region=tree["A"]).exists()


@pytest.mark.parametrize("period", ["0000", "0000Q1", "999999", "2024Q9", "x" * 500])
def test_impossible_periods_are_refused_everywhere(client, reporter, tree, period):
    assert _put(client, tree, "1", period=period).status_code in (400, 404)
    assert client.get(f"/api/v1/statuses?region={tree['A'].code}&period={period}").status_code in (400, 404)
    assert client.get(f"/api/v1/rollups/{tree['A'].code}/{period}").status_code in (400, 404)
    assert client.get(f"/indicators/entry/?period={period}").status_code in (200, 400, 404)
    assert not DataValue.objects.filter(region=tree["A"]).exists()


@pytest.mark.parametrize(("data", "name"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(200)), "photo.csv"), (bytes(range(256)), "random.xlsx"),
    (b'[{"a": 1', "cut.json"), (b"[1, 2, 3]", "list.json"),
    ("单位,指标,期间,数值\n沙坪街道,村集体经营性收入,0000,1e308\n".encode("gbk"), "gbk.csv"),
])
def test_broken_files_are_a_422_on_the_page_and_the_api(client, reporter, data, name):
    r = client.post("/indicators/upload/", {"file": SimpleUploadedFile(name, data)})
    assert r.status_code == 422 and ("无法读取文件" in r.content.decode() or "导入被拒绝" in r.content.decode())
    r = client.post("/api/v1/values/import", {"file": SimpleUploadedFile(name, data)})
    assert r.status_code == 422 and r.json()["extra"]["errors"]


@FUZZ
@given(data=st.binary(max_size=1024), name=st.sampled_from(["v.xlsx", "v.csv", "v.json", "v.bin"]))
def test_fuzz_the_import_endpoint_with_arbitrary_bytes(client, reporter, data, name):
    r = client.post("/api/v1/values/import", {"file": SimpleUploadedFile(name, data)})
    assert r.status_code < 500


@FUZZ
@given(value=st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.decimals().map(str)),
       period=st.sampled_from(["202401", "0000", "2024Q1", "2099", "1900"]))
def test_fuzz_the_value_api_with_arbitrary_numbers(client, reporter, tree, value, period):
    r = _put(client, tree, value, period=period, comment="fuzz")
    assert r.status_code < 500
    if r.status_code == 200:  # what is echoed is what is stored
        dv = DataValue.objects.get(region=tree["A"], indicator__code="t_inc", period=r.json()["period"])
        assert dv.value == type(dv.value)(r.json()["value"])


@pytest.mark.parametrize("version", ["abc", "99999999999999999999", "-1", "1.5"])
def test_review_action_with_a_bad_version_is_a_400(client, login, tree, catalog, persona, version):
    from bqw.indicators.services import datavalue_save

    dv = datavalue_save(actor=persona("hs_reporter"), region=tree["A"], indicator=catalog["t_inc"], period="202401",
                        value="5", submit=True)
    login("hs_reviewer")
    r = client.post(f"/indicators/review/{dv.pk}/approve/", {"version": version})
    assert r.status_code == 400 and "版本号" in r.content.decode()


@pytest.mark.parametrize("pk", ["99999999999999999999", "9223372036854775808"])
def test_oversized_ids_in_urls_are_a_404(client, reporter, pk):
    assert client.post(f"/indicators/review/{pk}/approve/", {"version": "1"}).status_code == 404
    assert client.get(f"/plans/{pk}/").status_code == 404
    assert client.get(f"/api/v1/plans/{pk}").status_code in (404, 422)
    assert client.get(f"/api/v1/plans/tasks/{pk}").status_code in (404, 422)


@pytest.mark.parametrize("nxt", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "\\\\evil"])
def test_review_actions_do_not_redirect_to_another_site(client, login, tree, catalog, persona, nxt):
    from bqw.indicators.services import datavalue_save

    dv = datavalue_save(actor=persona("hs_reporter"), region=tree["A"], indicator=catalog["t_inc"], period="202401",
                        value="5", submit=True)
    login("hs_reviewer")
    r = client.post(f"/indicators/review/{dv.pk}/approve/", {"version": dv.version, "next": nxt})
    assert r.status_code == 302 and r["Location"] == "/indicators/review/"
    dv.refresh_from_db()
    r = client.post(f"/indicators/review/{dv.pk}/reopen/", {"version": dv.version, "reason": "复核",
                                                                 "next": "/indicators/entry/"})
    assert r.status_code == 302 and r["Location"] == "/indicators/entry/"  # a local next still works


BAD_FILES = [(bytes(range(256)), "v.xlsx"), (b"\x89PNG\r\n\x1a\n", "v.csv"), (b"[1,2]", "v.json"),
             (None, "missing.csv"), (None, "")]


def _bad_path(tmp_path: Path, data: bytes | None, name: str) -> Path:
    path = tmp_path / name if name else tmp_path  # "" → a directory
    if data is not None:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize(("data", "name"), BAD_FILES)
def test_the_import_command_never_prints_a_traceback(db, tmp_path, data, name):
    """A CommandError is printed as one line by `bqw`; anything else would be a traceback."""
    with pytest.raises(CommandError) as exc:
        call_command("import", "values", str(_bad_path(tmp_path, data, name)), errors=str(tmp_path / "err.xlsx"))
    assert "无法读取文件" in str(exc.value) or "导入被拒绝" in str(exc.value)


def test_template_and_exports_keep_comments_as_text_never_a_formula(client, reporter, tree, catalog, persona):
    """CWE-1236: a reporter's comment starting with = reaches the reviewer's template and exports as text."""
    from bqw.core.periods import Period
    from bqw.indicators.services import datavalue_save
    from bqw.indicators.values_exchange import template_workbook, values_export
    from tests.test_workbooks_safe import HOSTILE, assert_no_formula

    for i, text in enumerate(HOSTILE):
        datavalue_save(actor=persona("hs_reporter"), region=tree["ABC"[i % 3]], indicator=catalog["t_inc"],
                       period=f"20240{1 + i // 3}", value="5", comment=text)
    reviewer = persona("hs_reviewer")
    assert assert_no_formula(template_workbook(persona("hs_reporter"), Period.parse("202401"))) >= 3
    assert assert_no_formula(values_export(reviewer, tree["鹤山"], Period.parse("202401"), "xlsx")) >= 1
    csv_text = values_export(reviewer, tree["鹤山"], Period.parse("202401"), "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and ",=HYPERLINK" not in csv_text
    r = client.get("/indicators/template/?period=202401")
    assert r.status_code == 200 and assert_no_formula(r.content) >= 1


def test_an_import_killed_mid_transaction_leaves_nothing(tree, catalog, persona, monkeypatch):
    """A crash after the rows were inserted (here: while writing their audit rows) rolls back every row, its
    rollups and its audit: all or nothing holds for failures, not only for bad rows."""
    from bqw.accounts.models import AuditEntry
    from bqw.indicators import services
    from bqw.indicators.models import Rollup
    from bqw.indicators.values_exchange import values_import

    rows = "\n".join(f"{tree[k].code},t_inc,202401,{n}" for n, k in enumerate("ABC", start=1))
    data = f"单位代码,指标代码,期间,数值\n{rows}\n".encode()
    before = (DataValue.objects.count(), Rollup.objects.count(), AuditEntry.objects.count())

    def killed(*args, **kwargs):
        assert DataValue.objects.filter(region__in=[tree["A"], tree["B"], tree["C"]]).count() == 3  # rows are in
        raise RuntimeError("killed mid-import")

    monkeypatch.setattr(services, "audit_records", killed)
    with pytest.raises(RuntimeError):
        values_import(actor=persona("hs_reporter"), data=data, filename="v.csv")
    assert (DataValue.objects.count(), Rollup.objects.count(), AuditEntry.objects.count()) == before
