"""Each project light with its Chinese reason."""

from datetime import date
from decimal import Decimal

from bqw.projects.lights import project_light
from bqw.projects.services import investment_record, milestone_set, project_report_submit

YI = Decimal(100_000_000)


def test_milestone_overdue_is_red(make_project, persona):
    p = make_project("节点逾期项目", stage="prep")
    milestone_set(actor=persona("jm_admin"), project=p, name="供地", planned_on=date(2023, 5, 31))
    s = project_light(p, date(2023, 6, 10))
    assert (s.light, s.label) == ("red", "严重滞后")
    assert s.reason == "节点“供地”计划于2023年5月31日完成，已逾期10天（当前阶段：前期）"


def test_completion_overdue_is_red(make_project):
    p = make_project("竣工逾期项目", stage="building", started_on=date(2023, 1, 1), planned_end_on=date(2023, 12, 31))
    s = project_light(p, date(2024, 2, 1))
    assert s.light == "red" and s.reason == "计划于2023年12月31日竣工，已逾期32天，仍处于在建阶段"


def test_investment_behind_the_time_elapsed_is_yellow(make_project, persona):
    p = make_project("投资滞后项目", planned=10 * YI, stage="building", started_on=date(2023, 1, 1),
                     planned_end_on=date(2024, 12, 31))
    investment_record(actor=persona("jm_admin"), project=p, period="202306", amount=YI)
    project_report_submit(actor=persona("jm_admin"), project=p, text="主体施工", on=date(2024, 1, 1))
    s = project_light(p, date(2024, 1, 1))
    assert (s.light, s.label) == ("yellow", "滞后")
    assert s.reason == "投资进度滞后：按时间进度应完成约5亿元（50%），实际完成1亿元（10%）"


def test_no_report_for_n_days_is_yellow(make_project, persona, settings):
    p = make_project("未报送项目", stage="prep", intro_on=date(2023, 1, 1))
    project_report_submit(actor=persona("jm_admin"), project=p, text="完成立项", on=date(2023, 3, 1))
    s = project_light(p, date(2023, 4, 15))
    assert s.light == "yellow" and s.reason == "已45天未报送进展（超过30天；最近报送：2023年3月1日）"
    settings.BQW_PROJECTS = {**settings.BQW_PROJECTS, "REPORT_DAYS": 60}
    assert project_light(p, date(2023, 4, 15)).light == "green"


def test_milestone_soon_is_blue_early_stage_grey_producing_green(make_project, persona):
    p = make_project("临近节点项目", stage="signed")
    assert project_light(p, date(2023, 4, 1)).reason == "处于签约阶段，尚未开工"
    milestone_set(actor=persona("jm_admin"), project=p, name="开工", planned_on=date(2023, 4, 5))
    s = project_light(p, date(2023, 4, 1))
    assert (s.light, s.reason) == ("blue", "节点“开工”将于2023年4月5日到期（还剩4天）")
    done = make_project("投产项目", stage="producing", started_on=date(2023, 1, 1), producing_on=date(2023, 8, 8))
    assert project_light(done, date(2023, 9, 1)).reason == "已于2023年8月8日投产"


def test_on_track_is_green(make_project, persona):
    p = make_project("正常项目", planned=10 * YI, stage="building", started_on=date(2023, 1, 1),
                     planned_end_on=date(2024, 12, 31))
    investment_record(actor=persona("jm_admin"), project=p, period="202312", amount=5 * YI)
    project_report_submit(actor=persona("jm_admin"), project=p, text="主体封顶", on=date(2023, 12, 20))
    s = project_light(p, date(2024, 1, 1))
    assert (s.light, s.label) == ("green", "正常推进") and "应完成约50%" in s.reason
