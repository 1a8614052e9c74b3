"""Production settings pass Django's deployment checks; errors are answered in Chinese pages, a crash with a
request id that is also in the log."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.http import HttpRequest
from django.test import override_settings
from django.urls import include, path

ROOT = Path(__file__).resolve().parents[3]


def crash(request: HttpRequest):
    raise RuntimeError("boom")


urlpatterns = [path("crash/", crash), path("", include("bqw.urls"))]
handler500 = "bqw.core.requests.server_error"


def test_check_deploy_is_clean_with_the_production_settings():
    env = {**os.environ, "BQW_PRODUCTION": "1", "BQW_SECRET_KEY": secrets.token_urlsafe(60),
           "BQW_ALLOWED_HOSTS": "bqw.example.gov.cn", "DJANGO_SETTINGS_MODULE": "bqw.settings"}
    r = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                       env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    env.pop("BQW_SECRET_KEY")  # production without a real key refuses to start
    r = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "BQW_SECRET_KEY" in r.stderr


def test_unknown_page_is_a_chinese_404(client, login):
    login("hs_reporter")
    r = client.get("/no/such/page/")
    assert r.status_code == 404 and "页面不存在" in r.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_a_crash_is_a_chinese_500_with_the_request_id_in_page_and_log(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level("ERROR", logger="bqw.errors"):
        r = client.get("/crash/")
    assert r.status_code == 500
    rid = r["X-Request-ID"]
    assert len(rid) == 12 and rid in r.content.decode() and "系统出现错误" in r.content.decode()
    assert any(rid in rec.getMessage() and rec.exc_info for rec in caplog.records)
