"""Scope held under attack, for every route: a town reporter (hs_reporter, 鹤山 沙坪街道) walks every URL pattern
of the site — pages and API alike, found through Django's URL resolver, so a new route joins without being listed
here — filling each path parameter with objects of a sibling town (龙口镇), another county (新会) and another city
(广州), by GET, POST and PUT. Nothing answers with a 5xx, no response carries a field of those objects (each
carries a marker text), and nothing of theirs changes. A route that cannot be exercised this way is in ALLOWED,
with the reason."""

from __future__ import annotations

import itertools
import json
import re
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from bqw.accounts.services import system_user
from bqw.indicators.models import DataValue
from bqw.indicators.services import datavalue_save, indicator_ensure, target_ensure
from bqw.regions.models import Region

MARKER = "越权标记"
FOREIGN_TOWNS = {"sibling town": "440784101000", "another county": "440705", "another city": "440103"}
# Routes the walk does not exercise, each with its reason (everything else is walked).
ALLOWED = {
    "admin/": "Django admin: staff only (is_staff), hs_reporter is redirected to the admin login",
    "accounts/login/": "login form: no object in its path",
    "accounts/logout/": "ends the walker's own session",
    "static/": "static files",
    "api/v1/openapi.json": "the API description, no data",
    "api/v1/docs": "the API description page, no data",
}
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _routes(patterns=None, prefix: str = ""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


@pytest.fixture
def foreign(db):
    """One village per foreign town with a value, a target and (for the county and city) a plan with a task, each
    carrying MARKER; returns the regions, the ids of the objects, and a snapshot of their values."""
    from bqw.orgs.services import organization_ensure
    from bqw.plans.models import Plan
    from bqw.plans.services import LeadUnit, TaskSpec, plan_ensure, task_create

    system = system_user()
    ind = indicator_ensure(actor=system, code="walk_inc", name="越权测试指标", unit="万元")
    villages, ids = {}, set()
    for label, code in FOREIGN_TOWNS.items():
        town = Region.objects.filter(code__startswith=code.rstrip("0") if len(code) == 12 else code,
                                     level=4).order_by("code").first()
        village = Region.objects.filter(parent=town, level=5).order_by("code").first()
        villages[label] = village
        dv = datavalue_save(actor=system, region=village, indicator=ind, period="202401", value="777",
                            comment=f"{MARKER}{label}", submit=True)
        ids.add(dv.pk)
        t = target_ensure(actor=system, indicator=ind, region=town, deadline="2025", value="999",
                          title=f"{MARKER}{label}")
        ids.add(t.pk)
        if label != "sibling town":
            plan = plan_ensure(actor=system, name=f"{MARKER}{label}计划", region=town.parent,
                               start_on=date(2024, 1, 1), end_on=date(2024, 12, 31))
            lead = organization_ensure(actor=system, name=f"{MARKER}{label}局", region=town.parent)
            task = task_create(actor=system, plan=plan, spec=TaskSpec(content=f"{MARKER}{label}任务",
                                                                      deadline_text="2024年底前",
                                                                      leads=[LeadUnit(lead)]))
            ids.update({plan.pk, task.pk})
    snapshot = sorted(DataValue.objects.filter(indicator=ind).values_list("region_id", "value", "version", "state"))
    return {"villages": villages, "ids": sorted(ids), "indicator": ind, "snapshot": snapshot,
            "plans": list(Plan.objects.filter(name__startswith=MARKER).values_list("pk", flat=True))}


def _fill(route: str, foreign: dict) -> list[str]:
    """Every way to fill the route's parameters with foreign objects (bounded)."""
    codes = [v.code for v in foreign["villages"].values()] + [v.parent.code for v in foreign["villages"].values()]
    choices = []
    for m in PARAM.finditer(route):
        conv, name = m["conv"], m["name"]
        if conv == "int" or name.endswith("id") or name == "pk":
            choices.append([str(i) for i in foreign["ids"]])
        elif name == "period":
            choices.append(["202401"])
        elif name == "indicator":
            choices.append([foreign["indicator"].code])
        elif name == "action":
            choices.append(["approve", "return", "reopen", "submit"])
        elif conv == "path":
            choices.append(["x"])
        else:
            choices.append(codes)
    urls = []
    for combo in itertools.islice(itertools.product(*choices), 60):
        values = iter(combo)
        urls.append("/" + PARAM.sub(lambda _m, values=values: next(values), route))
    return urls


def test_every_route_refuses_a_town_reporter_other_units_objects(client, persona, foreign):
    # a town-scoped user: sees and writes only 沙坪街道 (the demo's hs_reporter may view all of 鹤山, where the
    # sibling town's objects are legitimately visible to it)
    from bqw.accounts.models import Role
    from bqw.accounts.services import system_user, user_ensure

    reporter = persona("hs_reporter")
    town = reporter.capture_scope
    user = user_ensure(actor=system_user(), username="sp_town_only", password="Zt8#walker2026",
                       organization=reporter.organization, role=Role.REPORTER, view_scope=town, capture_scope=town)
    client.force_login(user)
    codes = [v.code for v in foreign["villages"].values()]
    query = f"?region={codes[0]}&orgUnit={codes[1]}&period=202401&plan={foreign['plans'][0]}"
    walked, problems = 0, []
    for route in _routes():
        if any(route.startswith(a) for a in ALLOWED):
            continue
        for url in _fill(route, foreign):
            for method in ("get", "post", "put"):
                if method == "put" and not url.startswith("/api/"):
                    continue
                if method == "get":
                    r = client.get(url + query)
                elif method == "post":
                    r = client.post(url + query, {"version": "1", "reason": "越权", "value": "1", "text": "越权",
                                                  "percent": "50", "confirm": "1", "region": codes[0]})
                else:
                    r = client.put(url, json.dumps({"value": "1", "values": [{"indicator": "walk_inc",
                                                                              "value": "1"}]}),
                                   content_type="application/json")
                walked += 1
                body = b"".join(r.streaming_content) if r.streaming else r.content
                if r.status_code >= 500 or MARKER.encode() in body:
                    problems.append(f"{method.upper()} {url} → {r.status_code}")
    assert walked > 100
    assert not problems, "\n".join(problems)
    after = sorted(DataValue.objects.filter(indicator=foreign["indicator"]).values_list("region_id", "value",
                                                                                      "version", "state"))
    assert after == foreign["snapshot"], "a foreign value was written"


def test_the_walk_finds_routes_added_later():
    """The walk reads the resolver: the API and page routes are all in it, none listed by hand."""
    routes = list(_routes())
    assert any(r.startswith("api/v1/values/") for r in routes) and any(r.startswith("plans/") for r in routes)
    assert len(routes) > 25
