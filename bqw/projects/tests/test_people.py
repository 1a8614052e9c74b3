"""招商 funnel counts, a leader's page limited to what is theirs, a 责任书's standing following its targets,
and the projects pass of the supervision ladder."""

from datetime import date
from decimal import Decimal

import pytest

from bqw.accounts.models import Role
from bqw.accounts.services import system_user, user_ensure
from bqw.core.errors import ApplicationError, NotFoundError
from bqw.indicators.services import datavalue_save, indicator_ensure, target_ensure
from bqw.orgs.models import Organization
from bqw.plans.models import Delivery, Notification, OrgChannel
from bqw.projects.access import get_leader_for_user
from bqw.projects.models import Project, ProjectNotice
from bqw.projects.selectors import leader_page, letter_standing, team_funnel
from bqw.projects.services import (
    assignment_ensure,
    lead_advance,
    lead_create,
    lead_drop,
    leader_ensure,
    letter_ensure,
    milestone_set,
    team_ensure,
)
from bqw.projects.supervision import projects_supervise
from bqw.regions.models import Region

YI = Decimal(100_000_000)


@pytest.fixture
def hs_leader(persona, hs, hs_hq):
    return leader_ensure(actor=persona("jm_admin"), name="副市长甲（模拟）", post="鹤山市副市长", organization=hs_hq)


def test_funnel_counts_conversion_and_landed_investment(persona, hs, shaping, hs_leader):
    admin = persona("jm_admin")
    team = team_ensure(actor=admin, name="新材料招商小组", region=hs, head=hs_leader)
    leads = [lead_create(actor=admin, team=team, name=f"线索{i}", region=shaping, planned_investment=(i + 1) * YI,
                         on=date(2023, 2, 1)) for i in range(5)]
    for lead in leads[:3]:
        lead_advance(actor=admin, lead=lead, to="talks", on=date(2023, 3, 1))
    for lead in leads[:2]:
        lead_advance(actor=admin, lead=lead, to="signed", on=date(2023, 4, 1))
    lead_advance(actor=admin, lead=leads[0], to="landed", on=date(2023, 5, 1))
    lead_drop(actor=admin, lead=leads[4], reason="投资方放弃")
    with pytest.raises(ApplicationError, match="不能从“线索”直接转入“签约”"):
        lead_advance(actor=admin, lead=leads[3], to="signed")
    f = team_funnel(team)
    assert [s["count"] for s in f["stages"]] == [5, 3, 2, 1]
    assert f["conversion"] == 20.0 and f["dropped"] == 1 and f["landed_yi"] == 1.0
    project = Project.objects.get(lead=leads[0])
    assert project.stage == "signed" and project.region == shaping and project.leader == hs_leader
    assert project.stage_changes.get().reason == "招商落地（新材料招商小组）"


def test_leader_page_holds_only_what_is_theirs(persona, hs, shaping, hs_hq, make_project, hs_leader):
    admin = persona("jm_admin")
    mine = make_project("挂钩项目")
    make_project("别人的项目")
    assignment_ensure(actor=admin, leader=hs_leader, project=mine)
    assignment_ensure(actor=admin, leader=hs_leader, region=shaping)
    ind = indicator_ensure(actor=admin, code="t_leader_ind", name="测试指标", unit="%", level=4, periodicity="M")
    target_ensure(actor=admin, indicator=ind, region=shaping, deadline="2023", value=90)
    other = Region.objects.get(parent=hs, name="共和镇")
    target_ensure(actor=admin, indicator=ind, region=other, deadline="2023", value=80)
    page = leader_page(admin, hs_leader, on=date(2023, 6, 1))
    assert [p.project.name for p in page.projects] == ["挂钩项目"]
    assert [a.region.name for a, _ in page.regions] == ["沙坪街道"]
    assert [ts.target.region.name for _, sts in page.regions for ts in sts] == ["沙坪街道"]
    assert all(t.lead_links.filter(organization=hs_hq).exists() for t, _ in page.tasks)


def test_a_leader_of_another_county_is_refused(persona, hs_leader, db):
    xh = Region.objects.get(code="440705000000")
    xh_hq = Organization.objects.get(region=xh, kind=Organization.Kind.HEADQUARTERS)
    user = user_ensure(actor=system_user(), username="xh_leader", password="Xh@leader2024", organization=xh_hq,
                       role=Role.VIEWER, view_scope=xh, capture_scope=None)
    xh_leader = leader_ensure(actor=persona("jm_admin"), name="区长（模拟）", post="新会区区长", organization=xh_hq,
                              user=user)
    assert get_leader_for_user(user, xh_leader.pk) == xh_leader
    with pytest.raises(NotFoundError):
        get_leader_for_user(user, hs_leader.pk)


def test_letter_standing_follows_its_targets(persona, hs, db):
    admin = persona("jm_admin")
    ind = indicator_ensure(actor=admin, code="t_letter_ind", name="测试责任指标", unit="%", level=3,
                           periodicity="M", temporal="stock")
    target = target_ensure(actor=admin, indicator=ind, region=hs, deadline="2023", value=90, baseline_value=50,
                           baseline_period="202301")
    letter = letter_ensure(actor=admin, year=2023, region=hs, targets=[target])
    assert letter.issuer.code == "440700000000" and "2023年鹤山市" in letter.title
    assert letter_standing(letter, on=date(2023, 6, 30)).status.light == "grey"
    datavalue_save(actor=admin, region=hs, indicator=ind, period="202306", value=52, comment="测试")
    st = letter_standing(letter, on=date(2023, 6, 30))
    assert st.status.light == "red" and "红灯 1 项" in st.status.reason
    datavalue_save(actor=admin, region=hs, indicator=ind, period="202306", value=95, comment="测试", version=1)
    assert letter_standing(letter, on=date(2023, 6, 30)).status.light == "green"
    with pytest.raises(NotFoundError):
        letter_ensure(actor=persona("xh_reporter"), year=2023, region=hs)


def test_red_project_gets_one_notice_and_its_unit_is_notified(persona, make_project, hs_hq):
    admin = persona("jm_admin")
    reviewer = persona("hs_reviewer")
    reviewer.email = "hs@example.org"
    reviewer.save()
    OrgChannel.objects.create(organization=hs_hq, kind="wecom", url="http://127.0.0.1:9/send?key=hs")
    p = make_project("逾期项目", stage="prep")
    milestone_set(actor=admin, project=p, name="供地", planned_on=date(2023, 5, 31))
    r = projects_supervise(actor=admin, on=date(2023, 6, 10))
    assert r["project_notices"] == 1 and r["numbers"] == ["项目督办〔2023〕1号"]
    n = ProjectNotice.objects.get(project=p)
    assert n.organization == hs_hq and "已逾期10天" in n.text
    assert Notification.objects.filter(user__username="hs_reviewer", title__startswith="项目督办〔2023〕1号").exists()
    # the 督办单 also goes to the unit's group robot and its users' e-mail (recorded deliveries)
    sent = Delivery.objects.filter(title__startswith="项目督办〔2023〕1号", organization=hs_hq)
    assert sent.filter(channel__isnull=False).count() == 1 and sent.filter(email="hs@example.org").count() == 1
    assert projects_supervise(actor=admin, on=date(2023, 6, 11))["project_notices"] == 0  # never twice
