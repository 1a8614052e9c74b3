"""Returned data values reach the reporter where they read: when a reviewer returns (or reopens) reported values,
the reporter gets an inbox message and an e-mail, and the reporter's organization's group robots a message — one
per return action and organization, listing each value with its unit and period and the reason. Queued in the
reviewer's transaction (nothing is sent for a rolled-back return) and sent after commit by the background runner.

Registered into `indicators.hooks.register_return_hook` by PlansConfig.ready(): indicators sits below plans and
never imports it."""

from __future__ import annotations

from collections import defaultdict

from bqw.accounts.models import User
from bqw.core.numbers import fmt
from bqw.indicators.models import DataValue
from bqw.orgs.models import Organization

from .delivery import deliveries_queue, mails_queue
from .models import Notification

KIND = "value_returned"


def value_line(dv: DataValue) -> str:
    """沙坪街道 · 2026年10月 · 农村居民人均可支配收入 2.35万元 (as offices write it: names, labels, units)."""
    ind = dv.indicator
    value = fmt(dv.value, ind.unit, yes_no=ind.yes_no)
    return f"{dv.region.name} · {dv.get_period().label} · {ind.display_name} {value}"


def values_returned_notify(*, actor: User, returns: list[tuple[DataValue, int | None]], reason: str) -> None:
    """Tell the reporters of returned values (inbox, e-mail, their organization's robots). The organization is the
    reporter's; for a value nobody submitted (a bulk load), the organizations of the value's unit."""
    reporters = {u.pk: u for u in User.objects.filter(pk__in={uid for _, uid in returns if uid}, is_active=True)}
    unit_orgs: dict[int, list[int]] = defaultdict(list)
    for oid, rid in Organization.objects.filter(region_id__in={dv.region_id for dv, _ in returns}).values_list(
            "pk", "region_id"):
        unit_orgs[rid].append(oid)
    by_org: dict[int, tuple[list[DataValue], dict[int, User]]] = {}
    for dv, uid in returns:
        user = reporters.get(uid)
        orgs = [user.organization_id] if user is not None and user.organization_id else unit_orgs[dv.region_id]
        for oid in orgs:
            values, users = by_org.setdefault(oid, ([], {}))
            values.append(dv)
            if user is not None:
                users[user.pk] = user
    who = actor.first_name or actor.username
    robots, mails, notes = [], [], []
    for oid, (values, users) in by_org.items():
        first = values[0]
        more = f"等{len(values)}项" if len(values) > 1 else ""
        title = f"数据被退回：{first.region.name}{first.get_period().label}{first.indicator.display_name}{more}"
        body = "\n".join([f"{who}退回了以下数据，请在“数据填报”中修改后重新提交：",
                          *(value_line(dv) for dv in values), f"退回理由：{reason}"])
        robots.append(([oid], title, body, KIND, None))
        for user in users.values():
            notes.append(Notification(user=user, kind=KIND, title=title[:200], body=body))
            mails.append((oid, user.email, title, body, KIND, None))
    Notification.objects.bulk_create(notes)
    deliveries_queue(robots)
    mails_queue(mails)
