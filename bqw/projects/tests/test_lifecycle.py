"""Every lifecycle transition, dated and reasoned with history; refused ones in Chinese; scope and audit."""

from datetime import date

import pytest

from bqw.accounts.models import AuditEntry
from bqw.core.errors import ApplicationError, ForbiddenError, NotFoundError
from bqw.projects.models import Project, StageChange
from bqw.projects.services import milestone_set, project_archive, project_transition

PATH = [("signed", date(2023, 3, 1)), ("reserve", date(2023, 3, 20)), ("prep", date(2023, 4, 1)),
        ("building", date(2023, 5, 8)), ("completed", date(2024, 6, 30)), ("producing", date(2024, 9, 1))]


def test_every_transition_is_dated_reasoned_and_kept(make_project, persona):
    admin = persona("jm_admin")
    p = make_project("鹤山测试产业园", intro_on=date(2023, 2, 1))
    milestone_set(actor=admin, project=p, name="开工", planned_on=date(2023, 6, 1))
    for stage, on in PATH:
        project_transition(actor=admin, project=p, to=stage, on=on, reason=f"转入{stage}")
    p.refresh_from_db()
    assert p.stage == "producing" and p.started_on == date(2023, 5, 8) and p.producing_on == date(2024, 9, 1)
    history = list(StageChange.objects.filter(project=p).values_list("from_stage", "to_stage", "on"))
    assert history[0] == ("", "idea", date(2023, 2, 1))
    assert [h[1] for h in history[1:]] == [s for s, _ in PATH]
    assert all(c.actor == admin and c.reason for c in StageChange.objects.filter(project=p)[1:])
    assert p.milestones.get(name="开工").actual_on == date(2023, 5, 8)  # reached by the transition
    assert AuditEntry.objects.filter(action="project.transition", object_id=str(p.pk)).count() == 6


def test_government_project_may_skip_signing(make_project, persona):
    p = make_project("政府投资道路", source="government")
    project_transition(actor=persona("jm_admin"), project=p, to="reserve", on=date(2023, 4, 1), reason="入储备库")
    assert Project.objects.get(pk=p.pk).stage == "reserve"


def test_back_from_producing_to_idea_is_refused(make_project, persona):
    p = make_project("已投产项目", stage="producing", started_on=date(2023, 1, 5), producing_on=date(2023, 9, 1))
    with pytest.raises(ApplicationError) as exc:
        project_transition(actor=persona("jm_admin"), project=p, to="idea", on=date(2023, 10, 1), reason="退回")
    assert "不能从“投产”退回或停留在“谋划”" in exc.value.message
    assert Project.objects.get(pk=p.pk).stage == "producing"


def test_skipping_the_start_without_a_date_is_refused(make_project, persona):
    p = make_project("未开工项目", stage="prep")
    with pytest.raises(ApplicationError) as exc:
        project_transition(actor=persona("jm_admin"), project=p, to="completed", on=date(2023, 10, 1), reason="竣工")
    assert "尚未开工（无开工日期）" in exc.value.message and "当前可转入：“在建”" in exc.value.message
    with pytest.raises(ApplicationError):
        project_transition(actor=persona("jm_admin"), project=p, to="building", on=date(2023, 10, 1), reason="")


def test_creating_a_building_project_without_start_date_is_refused(make_project):
    with pytest.raises(ApplicationError, match="须填写开工日期"):
        make_project("无开工日期", stage="building")


def test_scope_reader_forbidden_outsider_not_found(make_project, persona):
    p = make_project("范围测试项目")
    with pytest.raises(ForbiddenError):
        project_transition(actor=persona("jm_viewer"), project=p, to="signed", reason="签约")
    with pytest.raises(NotFoundError):
        project_transition(actor=persona("xh_reporter"), project=p, to="signed", reason="签约")
    with pytest.raises(NotFoundError):
        project_archive(actor=persona("xh_reporter"), project=p, reason="x")
