"""A real actor everywhere: every writing service takes a required keyword-only `actor`, and writes audit rows.

The writing services are found by introspection, not listed by hand: every public function of an app's
`services.py` (and of the few other modules that hold writes: imports, supervision, the values exchange)
whose name has a write verb in it. A new service without an actor fails here the moment it is written.
"""

from __future__ import annotations

import importlib
import inspect
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps

from bqw.accounts.models import AuditEntry, Role, User
from bqw.accounts.services import system_user

WRITE_MODULES = ("services", "imports", "supervision", "values_exchange", "people", "tokens", "catalog_services")
WRITE_VERBS = {
    "create", "ensure", "update", "save", "delete", "archive", "approve", "return", "submit", "reopen", "reject",
    "accept", "close", "set", "import", "load", "decompose", "done", "record", "run", "rollup", "add", "remove",
    "assign", "mark", "send", "publish", "generate", "score", "link", "simulate",
}


def writing_services() -> list[tuple[str, object]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("bqw."):
            continue
        for module_name in WRITE_MODULES:
            path = Path(config.path) / f"{module_name}.py"
            if not path.exists() and not (Path(config.path) / module_name / "__init__.py").exists():
                continue
            module = importlib.import_module(f"{config.name}.{module_name}")
            for name, fn in inspect.getmembers(module, inspect.isfunction):
                if name.startswith("_") or not fn.__module__.startswith(module.__name__):
                    continue
                if set(name.split("_")) & WRITE_VERBS:
                    found.append((f"{module.__name__}.{name}", fn))
    return found


def test_every_writing_service_takes_a_required_keyword_only_actor():
    services = writing_services()
    assert len(services) >= 30, [n for n, _ in services]  # the enumeration itself works
    wrong = []
    for name, fn in services:
        actor = inspect.signature(fn).parameters.get("actor")
        if actor is None or actor.kind is not inspect.Parameter.KEYWORD_ONLY or actor.default is not actor.empty:
            wrong.append(f"{name}{inspect.signature(fn)}")
    assert not wrong, "services without a required keyword-only actor:\n" + "\n".join(wrong)


def test_the_enumeration_sees_the_known_services():
    names = {n.rsplit(".", 1)[1] for n, _ in writing_services()}
    assert {"user_ensure", "organization_ensure", "divisions_load", "shipped_classes_load", "datavalue_save",
            "datavalues_bulk_load", "task_rollup", "supervise_run", "task_import", "values_import",
            "draft_item_accept"} <= names


# ---------------------------------------------------------------------------------------------------------------
# A representative set of writes, one or more per app: each leaves audit rows by its actor, with before and after.


def case_user_ensure(persona, region):
    from bqw.accounts.services import user_ensure

    admin = persona("jm_admin")
    kw = dict(username="audit_probe", password="Probe@2024x", organization=admin.organization,
              view_scope=region("4407"), capture_scope=region("4407"))
    user_ensure(actor=admin, role=Role.VIEWER, **kw)
    return admin, lambda: user_ensure(actor=admin, role=Role.REPORTER, **kw)


def case_region_class_set(persona, region):
    from bqw.regions.services import region_class_set

    admin = persona("jm_admin")
    region_class_set(actor=admin, region=region("440784"), scheme="审计测试", year=2025, value="甲类")
    return admin, lambda: region_class_set(actor=admin, region=region("440784"), scheme="审计测试", year=2025,
                                           value="乙类")


def case_divisions_load(persona, region, tmp_path):
    from bqw.regions import divisions
    from bqw.regions.services import divisions_load

    rows = [{"code": "990000000000", "name": "测试省", "level": 1, "kind": "admin", "village_type": "", "parent": ""},
            {"code": "990100000000", "name": "测试市", "level": 2, "kind": "admin", "village_type": "",
             "parent": "990000000000"}]
    divisions.write(rows, tmp_path / "99.csv.gz")
    system = system_user()
    return system, lambda: divisions_load(actor=system, province="99", path=tmp_path / "99.csv.gz")


def case_shipped_classes_load(persona, region):
    from bqw.regions.models import RegionClass
    from bqw.regions.services import shipped_classes_load

    RegionClass.objects.filter(scheme="典型县", year=2023).first().delete()  # as if the list were new
    system = system_user()
    return system, lambda: shipped_classes_load(actor=system)


def case_indicator_ensure(persona, region):
    from bqw.indicators.services import indicator_ensure

    admin = persona("gd_admin")
    indicator_ensure(actor=admin, code="audit_probe", name="审计测试指标", unit="个")
    return admin, lambda: indicator_ensure(actor=admin, code="audit_probe", name="审计测试指标（改）", unit="个")


def case_target_ensure(persona, region):
    from bqw.indicators.services import indicator_ensure, target_ensure

    admin = persona("jm_admin")
    ind = indicator_ensure(actor=system_user(), code="audit_probe_t", name="审计测试目标指标", unit="%")
    target_ensure(actor=admin, indicator=ind, region=region("4407"), deadline="2025", value=80)
    return admin, lambda: target_ensure(actor=admin, indicator=ind, region=region("4407"), deadline="2025",
                                        value=90)


def case_datavalue_approve(persona, region):
    from bqw.indicators.services import datavalue_approve, datavalue_save, indicator_ensure

    ind = indicator_ensure(actor=system_user(), code="audit_probe_v", name="审计测试数值", unit="个", level=3,
                           periodicity="Y")
    dv = datavalue_save(actor=persona("hs_reviewer"), region=region("440784"), indicator=ind, period="2024",
                        value=5, submit=True)
    reviewer = persona("hs_reviewer")
    return reviewer, lambda: datavalue_approve(actor=reviewer, value=dv)


def _task(persona, region, content: str):
    from bqw.plans.services import LeadUnit, TaskSpec, plan_ensure, task_create

    admin = persona("jm_admin")
    plan = plan_ensure(actor=admin, name="审计测试计划", region=region("4407"), start_on=date(2024, 1, 1),
                       end_on=date(2024, 12, 31))
    spec = TaskSpec(content=content, deadline_text="2024年底前", leads=[LeadUnit(admin.organization)])
    return admin, plan, task_create(actor=admin, plan=plan, spec=spec)


def case_task_close(persona, region):
    from bqw.plans.services import task_close

    admin, _plan, task = _task(persona, region, "审计测试任务")
    return admin, lambda: task_close(actor=admin, task=task, on=date(2024, 6, 1))


def case_task_rollup(persona, region):
    from bqw.plans.models import Task
    from bqw.plans.services import task_decompose, task_rollup

    admin, _plan, parent = _task(persona, region, "审计测试上级任务")
    children = task_decompose(actor=admin, task=parent, level=3)
    Task.objects.filter(pk__in=[c.pk for c in children]).update(progress=70)  # as accepted reports would
    return admin, lambda: task_rollup(actor=admin, task=parent)


def case_draft_item_reject(persona, region):
    from bqw.extraction.services import document_create, draft_item_reject

    admin = persona("jm_admin")
    doc = document_create(actor=admin, title="审计测试文件", text="到2025年，全市农村生活污水治理率达到80%以上。",
                          year=2024, region=region("4407"))
    item = doc.items.order_by("seq").first()
    return admin, lambda: draft_item_reject(actor=admin, item=item)


CASES = [case_user_ensure, case_region_class_set, case_divisions_load, case_shipped_classes_load,
         case_indicator_ensure, case_target_ensure, case_datavalue_approve, case_task_close, case_task_rollup,
         case_draft_item_reject]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__.removeprefix("case_") for c in CASES])
def test_a_write_leaves_audit_rows_by_its_actor_with_before_and_after(case, persona, region, tmp_path):
    args = (persona, region, tmp_path) if "tmp_path" in inspect.signature(case).parameters else (persona, region)
    actor, write = case(*args)
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    write()
    rows = list(AuditEntry.objects.filter(id__gt=last).order_by("id"))
    assert rows, "the write left no audit row"
    assert {r.actor_id for r in rows} == {actor.pk}
    assert all(r.after for r in rows)
    assert rows[-1].before is not None and rows[-1].before != rows[-1].after


def test_commands_and_setup_act_as_the_audited_system_user(db):
    system = system_user()
    assert system.is_superuser and not system.has_usable_password()
    assert User.objects.filter(username="system").count() == 1


def test_no_actor_no_bypass_the_checks_apply_to_every_caller(persona, region):
    """Before, a missing actor skipped the permission check; now a reporter is refused like anywhere else."""
    from bqw.core.errors import ForbiddenError, NotFoundError
    from bqw.indicators.services import indicator_ensure
    from bqw.orgs.services import organization_ensure
    from bqw.plans.supervision import supervise_run

    with pytest.raises(ForbiddenError):
        organization_ensure(actor=persona("hs_reporter"), name="越权机构", region=region("440784"))
    with pytest.raises(NotFoundError):  # outside the view scope: 404
        organization_ensure(actor=persona("jm_admin"), name="越权机构", region=region("4412"))
    with pytest.raises(ForbiddenError):
        indicator_ensure(actor=persona("jm_viewer"), code="nope", name="越权指标", unit="个")
    with pytest.raises(ForbiddenError):
        supervise_run(actor=persona("jm_admin"), on=date(2024, 7, 1))
