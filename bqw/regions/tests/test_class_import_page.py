import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from bqw.accounts.models import AuditEntry
from bqw.regions.models import RegionClass


def _upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("classes.csv", text.encode("utf-8"), content_type="text/csv")


def test_admin_imports_classes_through_the_page(client, login, region):
    login("jm_admin")
    r = client.post("/regions/classes/import/", {"file": _upload("单位,类别\n江门市开平市,进位类\n"),
                                                 "scheme": "县域分类", "year": 2024})
    assert r.status_code == 302
    assert RegionClass.objects.get(region=region("440783"), scheme="县域分类").value == "进位类"


def test_bad_rows_show_errors_and_a_marked_workbook_and_write_nothing(client, login):
    login("jm_admin")
    bad = _upload("单位,类别\n江门市开平市,进位类\n江门市无此县,消薄类\n")
    r = client.post("/regions/classes/import/", {"file": bad, "scheme": "县域分类", "year": 2024})
    page = r.content.decode()
    assert r.status_code == 422 and "江门市无此县" in page
    assert "未找到单位" in page and "下载标注了错误单元格的工作簿" in page
    assert not RegionClass.objects.filter(scheme="县域分类").exists()


@pytest.mark.parametrize("username,status", [("hs_reviewer", 403), ("jm_viewer", 403)])
def test_non_admins_cannot_import(client, login, username, status):
    login(username)
    assert client.get("/regions/classes/import/").status_code == status


def test_cli_import_as_system_is_audited(tmp_path, db, region):
    f = tmp_path / "c.csv"
    f.write_text("单位,类别,分类方案,年度\n440784,创先类,县域分类,2024\n", encoding="utf-8")
    call_command("classes", "import", str(f))
    rc = RegionClass.objects.get(region=region("440784"), scheme="县域分类")
    assert AuditEntry.objects.get(action="regionclass.set", object_id=str(rc.pk)).actor.username == "system"


def test_cli_import_rejects_with_row_reasons(tmp_path, db):
    f = tmp_path / "c.csv"
    f.write_text("单位,类别\n无此地,创先类\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第2行"):
        call_command("classes", "import", str(f), "--scheme", "县域分类", "--year", "2024")
