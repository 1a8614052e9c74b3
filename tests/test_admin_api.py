"""/api/v1 creates and edits of issue 11 (plans, tasks, orgs, users, tokens, catalog, rules, targets): a 鹤山 admin
works through a token; the sibling 开平 admin gets 404/403 on every endpoint; errors are documented."""

from __future__ import annotations

import json

import pytest

from bqw.accounts.tests.personas import HESHAN, KAIPING, county_admin
from bqw.accounts.tokens import token_create
from bqw.plans.models import Plan, Task


@pytest.fixture
def hs(db, client):
    admin = county_admin(HESHAN, "hs_admin")
    _, key = token_create(actor=admin, user=admin, name="test")
    return {"user": admin, "auth": {"HTTP_AUTHORIZATION": f"Bearer {key}"}}


@pytest.fixture
def kp(db):
    admin = county_admin(KAIPING, "kp_admin")
    _, key = token_create(actor=admin, user=admin, name="test")
    return {"user": admin, "auth": {"HTTP_AUTHORIZATION": f"Bearer {key}"}}


def call(client, method, url, who, body=None):
    if method == "get":
        return client.get(url, **who["auth"])
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json", **who["auth"])


def test_a_county_office_sets_up_through_the_api(client, hs):
    r = call(client, "post", "/api/v1/orgs/", hs, {"name": "鹤山市农业农村局", "region": "江门市鹤山市"})
    assert r.status_code == 201, r.content
    bureau = r.json()["id"]
    r = call(client, "post", "/api/v1/plans/", hs, {"name": "2026年鹤山市工作要点", "region": "440784",
                                                    "start_on": "2026-01-01", "end_on": "2026-12-31"})
    assert r.status_code == 201, r.content
    plan = r.json()["id"]
    assert call(client, "post", "/api/v1/plans/", hs, {"name": "2026年鹤山市工作要点", "region": "440784",
                                                       "start_on": "2026-01-01", "end_on": "2026-12-31"}
                ).status_code == 409
    r = call(client, "post", f"/api/v1/plans/{plan}/tasks", hs, {"content": "推进污水治理", "deadline": "2026年底前",
                                                                 "lead_ids": [bureau]})
    assert r.status_code == 201, r.content
    task = r.json()["id"]
    r = call(client, "patch", f"/api/v1/plans/tasks/{task}", hs, {"content": "推进污水治理（改）",
                                                                  "deadline": "2026年6月底", "lead_ids": [bureau]})
    assert r.status_code == 200 and r.json()["due_on"] == "2026-06-30"
    assert call(client, "post", f"/api/v1/plans/{plan}/tasks", hs, {"content": "x", "deadline": "某天",
                                                                    "lead_ids": [bureau]}).status_code == 400
    r = call(client, "post", "/api/v1/catalog/indicators", hs, {"code": "hs_done", "name": "已完成污水治理自然村数",
                                                                "unit": "个", "integer": True})
    assert r.status_code == 201, r.content
    call(client, "post", "/api/v1/catalog/indicators", hs, {"code": "hs_total", "name": "自然村总数", "unit": "个"})
    r = call(client, "post", "/api/v1/catalog/rules", hs, {"name": "治理村数≤自然村数", "region": "440784",
                                                           "left": "{已完成污水治理自然村数}", "operator": "<=",
                                                           "right": "{自然村总数}"})
    assert r.status_code == 201 and r.json()["text"] == "已完成污水治理自然村数 ≤ 自然村总数"
    r = call(client, "post", "/api/v1/targets", hs, {"indicator": "hs_done", "region": "江门市鹤山市", "scope": "level",
                                                     "scope_level": 5, "value": "1", "deadline": "2026"})
    assert r.status_code == 201, r.content
    r = call(client, "post", "/api/v1/users/", hs, {"username": "sp_clerk", "password": "Sp@clerk2026",
                                                    "organization_id": bureau, "role": "reporter",
                                                    "view_scope": "440784", "capture_scope": "沙坪街道"})
    assert r.status_code == 201 and r.json()["capture_scope"] == "440784001000", r.content
    r = call(client, "post", "/api/v1/tokens/", hs, {"name": "第二个"})
    assert r.status_code == 201 and r.json()["key"].startswith("bqw_")
    assert call(client, "delete", f"/api/v1/plans/tasks/{task}", hs).status_code == 204
    assert not Task.objects.filter(pk=task).exists()


def test_sibling_admin_is_refused_on_every_endpoint(client, hs, kp):
    bureau = call(client, "post", "/api/v1/orgs/", hs, {"name": "鹤山市财政局", "region": "440784"}).json()["id"]
    plan = call(client, "post", "/api/v1/plans/", hs, {"name": "鹤山计划", "region": "440784", "start_on": "2026-01-01",
                                                       "end_on": "2026-12-31"}).json()["id"]
    task = call(client, "post", f"/api/v1/plans/{plan}/tasks", hs, {"content": "任务", "deadline": "2026年底",
                                                                    "lead_ids": [bureau]}).json()["id"]
    call(client, "post", "/api/v1/catalog/indicators", hs, {"code": "hs_x", "name": "鹤山指标X"})
    ind = call(client, "get", "/api/v1/catalog/indicators", hs).json()
    ind_id = next(i["id"] for i in ind if i["code"] == "hs_x")
    rule = call(client, "post", "/api/v1/catalog/rules", hs, {"name": "r", "region": "440784", "left": "{hs_x}",
                                                              "operator": "<=", "right": "100"}).json()["id"]
    target = call(client, "post", "/api/v1/targets", hs, {"indicator": "hs_x", "region": "440784", "value": "5",
                                                          "deadline": "2026"}).json()["id"]
    user = call(client, "post", "/api/v1/users/", hs, {"username": "hs_v", "password": "Hs@viewer2026",
                                                       "organization_id": bureau, "role": "viewer",
                                                       "view_scope": "440784"}).json()["id"]
    token = call(client, "get", "/api/v1/tokens/", hs).json()[0]["id"]
    refused = [
        ("patch", f"/api/v1/plans/{plan}", {"name": "x", "start_on": "2026-01-01", "end_on": "2026-12-31"}),
        ("post", f"/api/v1/plans/{plan}/archive", {}),
        ("post", f"/api/v1/plans/{plan}/tasks", {"content": "x", "deadline": "2026年底", "lead_ids": [bureau]}),
        ("patch", f"/api/v1/plans/tasks/{task}", {"content": "x", "deadline": "2026年底", "lead_ids": [bureau]}),
        ("delete", f"/api/v1/plans/tasks/{task}", None),
        ("patch", f"/api/v1/orgs/{bureau}", {"name": "x", "region": "440783"}),
        ("patch", f"/api/v1/catalog/indicators/{ind_id}", {"name": "x"}),
        ("patch", f"/api/v1/catalog/rules/{rule}", {"name": "x", "region": "440783", "left": "{hs_x}",
                                                   "operator": "<=", "right": "1"}),
        ("patch", f"/api/v1/targets/{target}", {"indicator": "hs_x", "region": "440783", "value": "1",
                                                "deadline": "2026"}),
        ("post", f"/api/v1/targets/{target}/archive", {}),
        ("patch", f"/api/v1/users/{user}", {"organization_id": bureau, "role": "viewer", "view_scope": "440783"}),
        ("post", f"/api/v1/users/{user}/password", {"password": "Whatever@2026"}),
        ("post", f"/api/v1/users/{user}/active", {"active": False}),
        ("delete", f"/api/v1/tokens/{token}", None),
        ("post", "/api/v1/plans/", {"name": "y", "region": "440784", "start_on": "2026-01-01", "end_on": "2026-12-31"}),
        ("post", "/api/v1/orgs/", {"name": "y", "region": "440784"}),
        ("post", "/api/v1/catalog/rules", {"name": "y", "region": "440784", "left": "{hs_x}", "operator": "<=",
                                           "right": "1"}),
        ("post", "/api/v1/targets", {"indicator": "hs_x", "region": "440784", "value": "1", "deadline": "2026"}),
    ]
    for method, url, body in refused:
        r = call(client, method, url, kp, body)
        assert r.status_code in (403, 404), (method, url, r.status_code, r.content)
    assert Plan.objects.get(pk=plan).name == "鹤山计划" and not Plan.objects.get(pk=plan).archived
    assert all(u["username"] != "hs_v" for u in call(client, "get", "/api/v1/users/", kp).json())
    assert call(client, "get", "/api/v1/orgs/?region=440784", kp).status_code == 404


def test_reviewer_cannot_create(client, persona, hs):
    reviewer = persona("hs_reviewer")
    _, key = token_create(actor=reviewer, user=reviewer, name="x")
    who = {"auth": {"HTTP_AUTHORIZATION": f"Bearer {key}"}}
    r = call(client, "post", "/api/v1/plans/", who, {"name": "z", "region": "440784", "start_on": "2026-01-01",
                                                     "end_on": "2026-12-31"})
    assert r.status_code == 403 and "管理员" in r.json()["message"]


def test_error_responses_are_documented(client, hs):
    schema = client.get("/api/v1/openapi.json").json()
    for path, method in (("/api/v1/plans/", "post"), ("/api/v1/orgs/", "post"), ("/api/v1/users/", "post"),
                         ("/api/v1/tokens/", "post"), ("/api/v1/catalog/rules", "post"), ("/api/v1/targets", "post"),
                         ("/api/v1/plans/{plan_id}/tasks", "post"), ("/api/v1/targets/import", "post")):
        codes = set(schema["paths"][path][method]["responses"])
        assert {"400", "403", "404", "409", "422"} <= codes, (path, codes)
