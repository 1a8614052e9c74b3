"""Reminders, 督办单 and returns delivered where offices read them: each organization's 企业微信 or 钉钉 group
robot (钉钉's signed-request variant included) and each recipient's e-mail address, sent after commit by the
background runner (`bqw worker`), with every attempt, retry and failure recorded (Delivery) and shown on the
deliveries page.

Robots: 企业微信 `{"msgtype": "text", "text": {"content": …}}` → `{"errcode": 0}`; 钉钉 the same body, and with a
secret the URL gains `timestamp` and `sign` = base64(HMAC-SHA256(secret, "timestamp\\nsecret")).
E-mail: Django's mail backend (settings.EMAIL_BACKEND), one message per address; a failure is retried the same way."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import time
import urllib.parse
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Delivery, OrgChannel

MAX_ATTEMPTS = 5
TIMEOUT_SECONDS = 5


def signed_url(url: str, secret: str, *, now_ms: int | None = None) -> str:
    """钉钉's signed request: the robot URL with timestamp and sign."""
    ts = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={sign}"


def deliveries_queue(messages: list[tuple[list[int], str, str, str, int | None]]) -> list[Delivery]:
    """Record one delivery per active robot of each message's organizations — messages are (organization
    ids, title, body, kind, task id) — and send them after commit (in the caller's transaction: nothing is
    sent for a rolled-back write). One query for the robots, one INSERT."""
    org_ids = {o for m in messages for o in m[0]}
    channels: dict[int, list[OrgChannel]] = {}
    for c in OrgChannel.objects.filter(organization_id__in=org_ids, active=True):
        channels.setdefault(c.organization_id, []).append(c)
    return _queue([
        Delivery(channel=c, organization_id=c.organization_id, task_id=task_id, kind=kind, title=title[:200],
                 body=body)
        for orgs, title, body, kind, task_id in messages for o in dict.fromkeys(orgs) for c in channels.get(o, [])])


def mails_queue(mails: list[tuple[int, str, str, str, str, int | None]]) -> list[Delivery]:
    """Record one e-mail delivery per message — mails are (organization id of the recipient, address, title,
    body, kind, task id); empty addresses are skipped — and send them after commit, like the robots' (one
    INSERT, nothing sent for a rolled-back write)."""
    return _queue([Delivery(email=address.strip(), organization_id=org_id, task_id=task_id, kind=kind,
                            title=title[:200], body=body)
                   for org_id, address, title, body, kind, task_id in mails if address and address.strip()])


def _queue(deliveries: list[Delivery]) -> list[Delivery]:
    rows = Delivery.objects.bulk_create(deliveries)
    if rows:
        ids = [d.pk for d in rows]
        transaction.on_commit(lambda: _enqueue(ids))
    return rows


def _enqueue(ids: list[int]) -> None:
    from .tasks import deliver

    for pk in ids:
        deliver.enqueue(pk)


def delivery_attempt(delivery_id: int) -> Delivery:
    """One attempt: post to the robot or send the e-mail; record success, or the error with the time of the next
    try (backoff 1, 2, 4, 8 minutes), or the final failure after MAX_ATTEMPTS. Returns the delivery as recorded."""
    d = Delivery.objects.select_related("channel").get(pk=delivery_id)
    if d.state in (Delivery.State.SENT, Delivery.State.FAILED):
        return d
    d.attempts += 1
    d.last_try = timezone.now()
    try:
        if d.channel_id is None:
            _send_mail(d)
        else:
            _post_to_robot(d)
    except Exception as exc:  # any failure is recorded, never raised into the runner
        d.error = _reason(exc)[:500]
        if d.attempts >= MAX_ATTEMPTS:
            d.state = Delivery.State.FAILED
            d.next_try = None
        else:
            d.state = Delivery.State.RETRYING
            d.next_try = d.last_try + timedelta(minutes=2 ** (d.attempts - 1))
        d.save()
        if d.state == Delivery.State.RETRYING:
            _retry_later(d)
        return d
    d.state, d.error, d.next_try, d.sent_at = Delivery.State.SENT, "", None, d.last_try
    d.save()
    return d


def _post_to_robot(d: Delivery) -> None:
    ch = d.channel
    url = signed_url(ch.url, ch.secret) if ch.kind == OrgChannel.Kind.DINGTALK and ch.secret else ch.url
    content = f"【百千万工程】{d.title}\n{d.body}"
    payload = json.dumps({"msgtype": "text", "text": {"content": content}}, ensure_ascii=False).encode()
    req = urllib.request.Request(url, data=payload, headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as resp:  # noqa: S310 (http/https checked on save)
        answer = json.loads(resp.read().decode("utf-8") or "{}")
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"机器人返回错误：{answer.get('errcode')} {answer.get('errmsg', '')}")


def _send_mail(d: Delivery) -> None:
    message = EmailMessage(subject=f"【百千万工程】{d.title}", body=d.body, from_email=settings.DEFAULT_FROM_EMAIL,
                           to=[d.email])
    if message.send(fail_silently=False) != 1:
        raise RuntimeError("邮件服务器未接受该邮件")


def _reason(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        return f"无法连接：{exc.reason}"
    if isinstance(exc, TimeoutError):
        return "连接超时"
    if isinstance(exc, smtplib.SMTPException):
        return f"邮件发送失败：{exc}"
    if isinstance(exc, OSError):
        return f"无法连接：{exc.strerror or exc}"
    return str(exc) or type(exc).__name__


def _retry_later(d: Delivery) -> None:
    from .tasks import deliver

    try:
        deliver.using(run_after=d.next_try).enqueue(d.pk)
    except Exception:  # a backend without scheduling: the periodic `deliveries_retry_due` pass picks it up
        pass


def deliveries_retry_due(*, now=None) -> int:
    """Attempt every delivery whose retry time has come (run by `bqw supervise` and the worker)."""
    now = now or timezone.now()
    due = list(Delivery.objects.filter(state__in=[Delivery.State.PENDING, Delivery.State.RETRYING],
                                       next_try__lte=now).values_list("pk", flat=True))
    for pk in due:
        delivery_attempt(pk)
    return len(due)
