"""A 督办单 delivered to an organization's group robot on a local HTTP server: after commit, retried after a
failure, recorded; 钉钉's signed variant; failures visible."""

from __future__ import annotations

import json
import threading
import urllib.parse
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from bqw.accounts.services import system_user
from bqw.plans.delivery import delivery_attempt, signed_url
from bqw.plans.models import Delivery, OrgChannel
from bqw.plans.supervision import supervise_run


class Robot(BaseHTTPRequestHandler):
    """A group robot: answers the first `fail` requests with HTTP 500, then {"errcode": 0}."""

    fail = 0
    received: list[tuple[str, dict]] = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode())
        Robot.received.append((self.path, body))
        if Robot.fail > 0:
            Robot.fail -= 1
            self.send_response(500)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    server = HTTPServer(("127.0.0.1", 0), Robot)
    Robot.fail, Robot.received = 0, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_notice_reaches_the_robot_after_commit_and_is_retried_after_a_failure(
        make_task, bureau, robot, django_capture_on_commit_callbacks, monkeypatch):
    OrgChannel.objects.create(organization=bureau, kind="wecom", url=f"{robot}/cgi-bin/webhook/send?key=k1")
    make_task(content="完成镇级污水设施建设", deadline="2024年6月", leads=[bureau])
    enqueued = []
    monkeypatch.setattr("bqw.plans.delivery._enqueue", lambda ids: enqueued.extend(ids))
    monkeypatch.setattr("bqw.plans.delivery._retry_later", lambda d: None)
    with django_capture_on_commit_callbacks(execute=True):
        r = supervise_run(actor=system_user(), on=date(2024, 7, 2))
    assert r.notices == 1 and r.robots == 1
    d = Delivery.objects.get()
    assert enqueued == [d.pk] and d.state == "pending"  # queued for the runner, after commit
    Robot.fail = 1
    d = delivery_attempt(d.pk)
    assert (d.state, d.attempts, d.error) == ("retrying", 1, "HTTP 500") and d.next_try is not None
    d = delivery_attempt(d.pk)
    assert (d.state, d.attempts, d.error) == ("sent", 2, "") and d.sent_at is not None
    path, body = Robot.received[-1]
    assert path == "/cgi-bin/webhook/send?key=k1" and body["msgtype"] == "text"
    assert "督办〔2024〕1号" in body["text"]["content"] and "完成镇级污水设施建设" in body["text"]["content"]
    assert delivery_attempt(d.pk).attempts == 2  # a delivered message is never sent twice


def test_dingtalk_signed_request_and_a_final_failure_is_recorded(make_task, bureau, robot, monkeypatch):
    ch = OrgChannel.objects.create(organization=bureau, kind="dingtalk", url=f"{robot}/robot/send?access_token=t",
                                   secret="SEC123")
    monkeypatch.setattr("bqw.plans.delivery._retry_later", lambda d: None)
    d = Delivery.objects.create(channel=ch, organization=bureau, kind="notice", title="督办〔2024〕9号", body="请回复")
    d = delivery_attempt(d.pk)
    assert d.state == "sent"
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(Robot.received[-1][0]).query)
    ts = query["timestamp"][0]
    expected = urllib.parse.parse_qs(urllib.parse.urlsplit(signed_url("http://x/?a=1", "SEC123", now_ms=int(ts)))
                                     .query)["sign"][0]
    assert query["sign"][0] == expected and query["access_token"] == ["t"]
    Robot.fail = 99
    d2 = Delivery.objects.create(channel=ch, organization=bureau, kind="notice", title="督办", body="")
    for _ in range(5):
        d2 = delivery_attempt(d2.pk)
    assert (d2.state, d2.attempts, d2.error) == ("failed", 5, "HTTP 500")


def test_deliveries_page_shows_failures_to_admins_only(client, login, bureau):
    ch = OrgChannel.objects.create(organization=bureau, kind="wecom", url="http://127.0.0.1:9/none")
    Delivery.objects.create(channel=ch, organization=bureau, kind="notice", title="督办〔2024〕3号", body="",
                            state="failed", attempts=5, error="无法连接：refused")
    login("jm_admin")
    page = client.get("/plans/deliveries/").content.decode()
    assert "督办〔2024〕3号" in page and "发送失败" in page and "无法连接" in page
    login("hs_reporter")
    assert client.get("/plans/deliveries/").status_code == 403
