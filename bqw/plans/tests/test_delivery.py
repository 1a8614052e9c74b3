"""A 督办单 delivered to an organization's group robot on a local HTTP server: after commit, retried after a
failure, recorded; 钉钉's signed variant; failures visible. E-mail is a recorded delivery too (locmem and a failing
backend); a returned data value reaches the reporter's robot, inbox and e-mail."""

from __future__ import annotations

import json
import smtplib
import threading
import urllib.parse
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from bqw.accounts.services import system_user
from bqw.core.errors import ConflictError
from bqw.indicators.services import datavalue_approve, datavalue_return, datavalue_save, indicator_ensure
from bqw.plans.delivery import delivery_attempt, signed_url
from bqw.plans.models import Delivery, Notification, OrgChannel
from bqw.plans.supervision import supervise_run
from bqw.regions.models import Region


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


class FlakyMail(BaseEmailBackend):
    """A mail server that drops the connection for the first `fail` messages, then delivers (to mail.outbox)."""

    fail = 0

    def send_messages(self, messages):
        if FlakyMail.fail > 0:
            FlakyMail.fail -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return LocmemBackend().send_messages(messages)


@pytest.fixture
def queued(monkeypatch):
    """The ids handed to the background runner after commit (the runner itself is not run here)."""
    ids: list[int] = []
    monkeypatch.setattr("bqw.plans.delivery._enqueue", lambda pks: ids.extend(pks))
    monkeypatch.setattr("bqw.plans.delivery._retry_later", lambda d: None)
    return ids


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


def test_an_email_is_a_recorded_delivery_sent_by_the_runner_and_retried_after_a_failure(
        make_task, persona, settings, queued, django_capture_on_commit_callbacks, client, login):
    reviewer = persona("hs_reviewer")
    reviewer.email = "hs@example.org"
    reviewer.save()
    make_task(content="完成镇级污水设施建设", deadline="2024年6月", leads=[reviewer.organization])
    with django_capture_on_commit_callbacks(execute=True):
        r = supervise_run(actor=system_user(), on=date(2024, 7, 2))
    assert r.notices == 1 and r.emails == 1
    d = Delivery.objects.get(email="hs@example.org")
    assert d.channel is None and d.organization == reviewer.organization and d.state == "pending"
    assert queued == [d.pk] and mail.outbox == []  # nothing sent inside the supervision pass
    settings.EMAIL_BACKEND = f"{__name__}.FlakyMail"
    FlakyMail.fail = 1
    d = delivery_attempt(d.pk)
    assert (d.state, d.attempts) == ("retrying", 1) and d.error.startswith("邮件发送失败") and d.next_try
    assert mail.outbox == []
    d = delivery_attempt(d.pk)
    assert (d.state, d.attempts, d.error) == ("sent", 2, "") and d.sent_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hs@example.org"]
    assert "督办〔2024〕1号" in mail.outbox[0].subject and "完成镇级污水设施建设" in mail.outbox[0].subject
    assert delivery_attempt(d.pk).attempts == 2 and len(mail.outbox) == 1  # never sent twice
    login("jm_admin")
    page = client.get("/plans/deliveries/").content.decode()
    assert "邮件" in page and "hs@example.org" in page and "已送达" in page
    login("hs_reporter")
    assert client.get("/plans/deliveries/").status_code == 403


def test_an_email_that_keeps_failing_ends_failed_and_visible(bureau, settings, client, login):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyMail"
    FlakyMail.fail = 99
    d = Delivery.objects.create(organization=bureau, email="x@example.org", kind="notice", title="督办〔2024〕7号")
    for _ in range(5):
        d = delivery_attempt(d.pk)
    FlakyMail.fail = 0
    assert (d.state, d.attempts, d.next_try) == ("failed", 5, None) and mail.outbox == []
    login("jm_admin")
    page = client.get("/plans/deliveries/?state=failed").content.decode()
    assert "督办〔2024〕7号" in page and "邮件发送失败" in page and "x@example.org" in page


@pytest.fixture
def returned_setup(persona, robot):
    reporter, reviewer = persona("hs_reporter"), persona("hs_reviewer")
    reporter.email = "sp@example.org"
    reporter.save()
    ind = indicator_ensure(actor=system_user(), code="t_inc", name="村集体经营性收入", unit="万元", temporal="flow")
    village = Region.objects.filter(parent=reporter.capture_scope, level=5).order_by("code").first()
    dv = datavalue_save(actor=reporter, region=village, indicator=ind, period="202401", value="123.4567",
                        submit=True)
    OrgChannel.objects.create(organization=reporter.organization, kind="wecom", url=f"{robot}/send?key=sp")
    other = persona("xh_reporter").organization  # out of scope: never told
    OrgChannel.objects.create(organization=other, kind="wecom", url=f"{robot}/send?key=xh")
    return reporter, reviewer, village, dv


def test_a_returned_value_reaches_the_reporters_robot_inbox_and_email(
        returned_setup, queued, django_capture_on_commit_callbacks, persona):
    reporter, reviewer, village, dv = returned_setup
    with django_capture_on_commit_callbacks(execute=True):
        datavalue_return(actor=reviewer, value=dv, version=dv.version, reason="口径不对，请按统计年报口径填报")
    robot_d = Delivery.objects.get(channel__isnull=False)
    mail_d = Delivery.objects.get(email="sp@example.org")
    assert sorted(queued) == sorted([robot_d.pk, mail_d.pk])  # one message per return action, after commit
    assert robot_d.organization == reporter.organization and robot_d.kind == "value_returned"
    Robot.fail = 1
    assert delivery_attempt(robot_d.pk).state == "retrying"
    robot_d = delivery_attempt(robot_d.pk)
    assert (robot_d.state, robot_d.attempts) == ("sent", 2)
    path, body = Robot.received[-1]
    text = body["text"]["content"]
    assert path == "/send?key=sp"
    for part in (village.name, "2024年1月", "村集体经营性收入 123.46万元", "退回理由：口径不对，请按统计年报口径填报",
                 reviewer.first_name):
        assert part in text, part
    assert "t_inc" not in text and "202401" not in text and "123.4567" not in text
    assert delivery_attempt(mail_d.pk).state == "sent"
    assert mail.outbox[0].to == ["sp@example.org"] and "村集体经营性收入 123.46万元" in mail.outbox[0].body
    note = Notification.objects.get(user=reporter)
    assert note.kind == "value_returned" and "2024年1月" in note.title and "口径不对" in note.body
    assert not Notification.objects.filter(user=persona("xh_reporter")).exists()


def test_a_rolled_back_or_non_return_action_sends_nothing(returned_setup, queued,
                                                             django_capture_on_commit_callbacks):
    reporter, reviewer, village, dv = returned_setup
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ConflictError):  # a stale version: the return is refused, nothing queued
            datavalue_return(actor=reviewer, value=dv, version=dv.version + 5, reason="口径不对")
        datavalue_approve(actor=reviewer, value=dv, version=dv.version)
    assert not Delivery.objects.exists() and queued == [] and not Notification.objects.exists()
