"""江门 demo: project libraries of 鹤山 and 新会, 鹤山's 25 招商小组, leaders' contact assignments, the
command structure and the 2023 责任书 of each county (idempotent).

From the articles (种子 001, 002, 004):
- 鹤山: 1—9月 2023 引进亿元以上项目60个、计划总投资209亿元; 25支招商小组由市四套班子领导牵头挂帅;
  隆基硅能源 and 信义玻璃 在建 (省硅能源产业基地, 址山镇); 志高空调 (雅瑶先行启动区); 西江美岸文创园;
  宅梧镇 源林生态项目; the 3.2亿元 水系连通及水美乡村 pilot; G325 改线 立项批复; S270 扩建 通车.
- 江门: 市委书记陈少荣任总指挥、市长吴晓晖任第一副总指挥; 吴晓晖代表市委、市政府向各县(市、区)签订责任书.
- 新会: 每年引入项目落地总投资超500亿元; 大泽镇热电联产项目; 三江镇江睦新能源双碳产业园.
Everything else (the other projects, amounts of the named ones, dates, stages, people other than the two
named, teams' members and leads) is simulated and marked so; stages and reports are set relative to the run
date so every light occurs.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from bqw.accounts.models import Role, User
from bqw.accounts.services import command_actor, user_ensure
from bqw.indicators.models import Indicator, Target
from bqw.indicators.services import target_ensure
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_ensure
from bqw.plans.models import Task
from bqw.regions.models import Region

from . import aggregates
from .models import InvestmentLead, InvestmentTeam, Leader, Letter, Project, Stage
from .services import (
    ProjectSpec,
    assignment_ensure,
    command_post_set,
    investments_record,
    lead_advance,
    lead_create,
    lead_drop,
    leader_ensure,
    letter_ensure,
    milestone_set,
    project_create,
    project_report_submit,
    project_transition,
    team_ensure,
    work_team_ensure,
)

JIANGMEN, HESHAN, XINHUI = "440700000000", "440784000000", "440705000000"
YI = Decimal(100_000_000)
SIM = "（模拟）"

# the named 鹤山 projects among the 60 (amounts, dates and stages simulated): name, town, industry, investor, 亿元
HS_NAMED = [
    ("隆基硅能源项目", "址山镇", "硅能源", "隆基", 20),
    ("信义玻璃项目", "址山镇", "光伏玻璃", "信义玻璃", 15),
    ("志高空调项目", "雅瑶镇", "家电制造", "志高空调", 10),
    ("西江美岸文创园项目", None, "文化创意", "", 5),
    ("源林生态项目", "宅梧镇", "生态文旅", "", 3),
]
HS_TOTAL_YI = Decimal(209)
INDUSTRIES = ["新材料", "硅能源", "高端装备", "食品饮料", "纺织服装", "家居建材", "电子信息", "生物医药", "现代农业",
              "文旅", "五金卫浴", "汽车零部件", "新能源", "物流", "印刷包装"]
HS_POSTS = ["市委书记", "市长", "市人大常委会主任", "市政协主席", "市委副书记", "常务副市长", "副市长", "副市长",
            "副市长", "副市长", "市委常委", "市委常委", "市委常委", "市委常委", "市委常委", "市委常委",
            "市人大常委会副主任", "市人大常委会副主任", "市人大常委会副主任", "市政协副主席", "市政协副主席",
            "市政协副主席", "副市长", "市委常委", "市人大常委会副主任"]
XH_NAMED = [("大泽镇热电联产项目", "大泽镇", "能源", 30), ("江睦新能源双碳产业园项目", "三江镇", "新能源", 60)]
# stages as of the run date: the five named ones, then the other 55 (most in production, some still being built)
NAMED_KINDS = ["building", "building", "producing", "building_soon", "prep"]
REST_KINDS = (["producing"] * 30 + ["completed"] * 8 + ["building"] * 6
              + ["building_behind", "building_quiet", "building_red"] + ["prep"] * 3 + ["prep_red"]
              + ["reserve"] * 2 + ["signed"] * 2)
REST_KINDS = REST_KINDS[::2] + REST_KINDS[1::2]  # interleaved over towns and months


def _n(i: int) -> str:
    return "一二三四五六七八九十"[i - 1] if i <= 10 else str(i)


def _leader(actor: User, region: Region, org: Organization, post: str, i: int = 0, *, name: str = "",
            user: User | None = None) -> Leader:
    full = region.name + post[1:] if post.startswith("市") and region.name.endswith("市") else region.name + post
    return leader_ensure(actor=actor, name=name or f"{full}{SIM if not i else f'（模拟{_n(i)}）'}", post=full,
                         organization=org, region=region, rank=i, simulated=not name, user=user)


def _amounts(n: int, total: Decimal) -> list[Decimal]:
    """n amounts of at least 1亿元 (deterministic spread) adding up to `total` 亿元."""
    weights = [(i * 7) % 11 + (3 if i % 9 == 0 else 0) for i in range(n)]
    extra = total - n
    raw = [Decimal(1) + extra * w / sum(weights) for w in weights]
    out = [r.quantize(Decimal("0.01")) for r in raw]
    out[-1] += total - sum(out)
    return [a * YI for a in out]


def _reach(actor: User, p: Project, kind: str, intro: date, today: date) -> None:
    """Move a project along its lifecycle to the pattern's stage, with investment, reports and milestones."""
    plan = p.planned_investment
    path: list[tuple[str, date]] = []
    if kind in ("signed",):
        return
    path.append((Stage.RESERVE, intro + timedelta(days=20)))
    if kind == "reserve":
        return _walk(actor, p, path)
    path.append((Stage.PREP, intro + timedelta(days=40)))
    if kind.startswith("prep"):
        _walk(actor, p, path)
        if kind == "prep_red":
            milestone_set(actor=actor, project=p, name="开工", planned_on=today - timedelta(days=18))
        else:
            milestone_set(actor=actor, project=p, name="开工", planned_on=today + timedelta(days=60))
        project_report_submit(actor=actor, project=p, text="办理用地、规划、环评等前期手续（模拟）",
                              on=today - timedelta(days=6))
        return None
    if kind.startswith("building"):
        start = max(intro + timedelta(days=90), today - timedelta(days=300))
        path.append((Stage.BUILDING, start))
        _walk(actor, p, path)
        end = start + timedelta(days=720)
        p.planned_end_on = end
        Project.objects.filter(pk=p.pk).update(planned_end_on=end, planned_start_on=start)
        share = Decimal("0.08") if kind == "building_behind" else Decimal("0.42")
        months = (start + timedelta(days=30), start + timedelta(days=150), today - timedelta(days=20))
        investments_record(actor=actor, project=p, amounts={f"{d.year}{d.month:02d}": plan * share / 3
                                                            for d in months})
        milestone_set(actor=actor, project=p, name="竣工", planned_on=end)
        if kind == "building_red":
            milestone_set(actor=actor, project=p, name="设备安装", planned_on=today - timedelta(days=20))
        if kind == "building_soon":
            milestone_set(actor=actor, project=p, name="主体封顶", planned_on=today + timedelta(days=4))
        last = today - timedelta(days=65 if kind == "building_quiet" else 5)
        project_report_submit(actor=actor, project=p, text="主体工程施工中（模拟）", on=last)
        return None
    start = intro + timedelta(days=90)
    done = start + timedelta(days=300)
    path += [(Stage.BUILDING, start), (Stage.COMPLETED, done)]
    investments_record(actor=actor, project=p, amounts={
        f"{d.year}{d.month:02d}": plan / 3 for d in (start + timedelta(days=20), start + timedelta(days=140), done)})
    if kind == "producing":
        path.append((Stage.PRODUCING, done + timedelta(days=60)))
    _walk(actor, p, path)
    if kind == "completed":
        milestone_set(actor=actor, project=p, name="投产", planned_on=today + timedelta(days=90))
        project_report_submit(actor=actor, project=p, text="已竣工，设备调试中（模拟）", on=today - timedelta(days=3))
    return None


def _walk(actor: User, p: Project, path: list[tuple[str, date]]) -> None:
    reasons = {Stage.RESERVE: "纳入储备库", Stage.PREP: "启动前期工作", Stage.BUILDING: "项目开工",
               Stage.COMPLETED: "主体工程竣工验收", Stage.PRODUCING: "正式投产"}
    for stage, on in path:
        project_transition(actor=actor, project=p, to=stage, on=on, reason=f"{reasons[stage]}（模拟）")


def _town(county: Region, name: str | None) -> Region:
    return Region.objects.get(parent=county, name=name) if name else county


def _heshan(actor: User, orgs: dict, today: date) -> list[Leader]:
    hs = Region.objects.get(code=HESHAN)
    hq = orgs.get(HESHAN) or Organization.objects.get(region=hs, kind=Organization.Kind.HEADQUARTERS)
    leaders = [_leader(actor, hs, hq, post, i + 1) for i, post in enumerate(HS_POSTS)]
    if InvestmentTeam.objects.filter(region=hs).count() >= 25:
        return leaders
    towns = list(Region.objects.filter(parent=hs, kind=Region.Kind.ADMINISTRATIVE).order_by("code"))
    teams = [team_ensure(actor=actor, name=f"鹤山市招商第{_n(i + 1)}小组", region=hs, head=leaders[i],
                         members=[leaders[(i + 7) % 25], leaders[(i + 13) % 25]],
                         focus=f"{INDUSTRIES[i % len(INDUSTRIES)]}产业链招商（模拟）", simulated=True)
             for i in range(25)]
    named = [(n, _town(hs, t), ind, inv, Decimal(a) * YI) for n, t, ind, inv, a in HS_NAMED]
    rest = _amounts(60 - len(named), HS_TOTAL_YI - sum(Decimal(a) for *_, a in HS_NAMED))
    specs = named + [(f"鹤山市{INDUSTRIES[i % len(INDUSTRIES)]}项目{i + 1}（模拟）", towns[i % len(towns)],
                      INDUSTRIES[i % len(INDUSTRIES)], f"投资企业{i + 1}（模拟）", a) for i, a in enumerate(rest)]
    kinds = NAMED_KINDS + REST_KINDS
    for i, ((name, region, industry, investor, amount), kind) in enumerate(zip(specs, kinds, strict=True)):
        intro = date(2023, 1 + i * 9 // 60, 3 + (i * 5) % 25)
        team = teams[i % 25]
        lead = lead_create(actor=actor, team=team, name=name, region=region, planned_investment=amount,
                           investor=investor, industry=industry, on=intro - timedelta(days=90), simulated=True)
        lead_advance(actor=actor, lead=lead, to="talks", on=intro - timedelta(days=60))
        lead_advance(actor=actor, lead=lead, to="signed", on=intro)
        lead_advance(actor=actor, lead=lead, to="landed", on=intro, reason=f"{team.name}招商落地（模拟）")
        _reach(actor, lead.project, kind, intro, today)
    # leads still in the pipeline (simulated): every team has some, a few dropped
    for i, team in enumerate(teams):
        for j in range(1 + i % 4):
            lead = lead_create(actor=actor, team=team, name=f"{team.focus[:4]}意向项目{i + 1}-{j + 1}（模拟）",
                               region=towns[(i + j) % len(towns)], planned_investment=(1 + (i + j) % 5) * YI,
                               on=today - timedelta(days=30 * (j + 1)), simulated=True)
            if j >= 1:
                lead_advance(actor=actor, lead=lead, to="talks", on=today - timedelta(days=20 * j))
            if j >= 2:
                lead_advance(actor=actor, lead=lead, to="signed", on=today - timedelta(days=5 * j))
            if (i + j) % 7 == 0:
                lead_drop(actor=actor, lead=lead, reason="投资方调整布局（模拟）")
    # the pilot 水系连通 project (3.2亿元, accepted) and the two roads (amounts not reported: 0, to be completed)
    water = project_create(actor=actor, spec=ProjectSpec(
        name="全国水系连通及水美乡村建设试点县项目", region=hs, planned_investment=Decimal("3.2") * YI, responsible=hq,
        intro_on=date(2021, 6, 1), category="ecology", source="government", stage=Stage.COMPLETED,
        started_on=date(2021, 9, 1), simulated=True, note="总投资3.2亿元，已通过水利部终期评估（种子 001）；日期模拟"))
    g325 = project_create(actor=actor, spec=ProjectSpec(
        name="G325鹤山桃源至址山段改线项目", region=hs, planned_investment=Decimal(0), responsible=hq,
        intro_on=date(2022, 12, 1), category="infrastructure", source="government", stage=Stage.PREP, simulated=True,
        note="已获省发改委立项批复（种子 001）；投资额未见报道，待补录"))
    s270 = project_create(actor=actor, spec=ProjectSpec(
        name="S270线鹤城至杜阮段扩建工程", region=hs, planned_investment=Decimal(0), responsible=hq,
        intro_on=date(2021, 3, 1), category="infrastructure", source="government", stage=Stage.COMPLETED,
        started_on=date(2021, 6, 1), simulated=True,
        note="鹤城小官田村至共和宝丰新城段主线全线通车（种子 001）；投资额待补录"))
    project_report_submit(actor=actor, project=water, text="通过水利部终期评估（种子 001）",
                          on=today - timedelta(days=2))
    project_report_submit(actor=actor, project=g325, text="已获省发改委立项批复，推进前期工作（种子 001）",
                          on=today - timedelta(days=9))
    project_report_submit(actor=actor, project=s270, text="主线全线通车（种子 001）", on=today - timedelta(days=12))
    # 市领导挂钩联系大企业大项目 (simulated pairs): the first five leaders with the named projects
    for leader, (name, *_rest) in zip(leaders, HS_NAMED, strict=False):
        assignment_ensure(actor=actor, leader=leader, project=Project.objects.get(name=name), kind="link",
                          year=2023, simulated=True)
    boying = organization_ensure(actor=actor, name="博盈特焊", region=hs, kind=Organization.Kind.ENTERPRISE)
    assignment_ensure(actor=actor, leader=leaders[5], enterprise=boying, kind="link", year=2023, simulated=True)
    # 鹤山's towns: one city leader 定点联系 each town; town leaders 联系规上企业 are not in the articles by name
    for leader, town in zip(leaders[:len(towns)], towns, strict=False):
        assignment_ensure(actor=actor, leader=leader, region=town, year=2023, simulated=True)
    for town in towns:
        office = orgs.get(town.code) or Organization.objects.filter(region=town).first()
        if office is not None:
            _leader(actor, town, office, "党委书记" if not town.name.endswith("街道") else "党工委书记")
    # the county headquarters: 市委书记任总指挥 (种子 001), 专班 simulated
    command_post_set(actor=actor, headquarters=hq, leader=leaders[0], role="commander")
    command_post_set(actor=actor, headquarters=hq, leader=leaders[1], role="first_deputy")
    for leader in leaders[4:10]:
        command_post_set(actor=actor, headquarters=hq, leader=leader, role="deputy")
    work_team_ensure(actor=actor, headquarters=hq, name="招商引资工作专班（模拟）", head=leaders[5],
                     duty="统筹25支招商小组，跟踪线索—洽谈—签约—落地")
    work_team_ensure(actor=actor, headquarters=hq, name="重大项目建设工作专班（模拟）", head=leaders[6],
                     duty="亿元以上项目全生命周期跟踪、要素保障与督办")
    return leaders


def _xinhui(actor: User, orgs: dict, today: date) -> None:
    xh = Region.objects.get(code=XINHUI)
    if Project.objects.filter(region__code__startswith="440705", simulated=True).exists():
        return
    hq = orgs.get(XINHUI) or Organization.objects.get(region=xh, kind=Organization.Kind.HEADQUARTERS)
    towns = list(Region.objects.filter(parent=xh, kind=Region.Kind.ADMINISTRATIVE).order_by("code"))
    specs = [(n, _town(xh, t), ind, Decimal(a) * YI) for n, t, ind, a in XH_NAMED]
    rest = _amounts(28, Decimal(430))
    specs += [(f"新会区{INDUSTRIES[(i + 3) % len(INDUSTRIES)]}项目{i + 1}（模拟）", towns[i % len(towns)],
               INDUSTRIES[(i + 3) % len(INDUSTRIES)], a) for i, a in enumerate(rest)]
    kinds = (REST_KINDS[::2] + REST_KINDS)[:len(specs)]
    for i, ((name, region, industry, amount), kind) in enumerate(zip(specs, kinds, strict=False)):
        intro = date(2023, 1 + i * 9 // len(specs), 5 + (i * 3) % 20)
        office = orgs.get(region.code) or Organization.objects.filter(region=region).first() or hq
        p = project_create(actor=actor, spec=ProjectSpec(
            name=name, region=region, planned_investment=amount, responsible=office, intro_on=intro,
            industry=industry, stage=Stage.SIGNED, simulated=True), reason="签约入库（模拟）")
        _reach(actor, p, kind, intro, today)


def _targets(actor: User) -> dict[str, list[Target]]:
    """新会's 每年引入项目落地总投资超500亿元 (种子 004) and 鹤山's 2023 亿元项目 target (simulated), on the
    project aggregates."""
    inds = aggregates.indicators_ensure(actor=actor)
    xh, hs = Region.objects.get(code=XINHUI), Region.objects.get(code=HESHAN)
    out = {XINHUI: [], HESHAN: []}
    for year in ("2023", "2024", "2025"):
        out[XINHUI].append(target_ensure(
            actor=actor, indicator=inds[aggregates.PLANNED], region=xh, deadline=year, value=500 * YI,
            comparator=">", baseline_value=0, baseline_period=f"{year}01", stage="2023" if year == "2023" else "2025",
            title=f"新会区{year}年引入项目落地总投资超500亿元",
            source_document="中共新会区委关于全面推进“百千万工程”的行动方案（种子 004）",
            source_quote="力争2023-2025年,每年引入项目落地总投资超500亿元"))
    out[HESHAN].append(target_ensure(
        actor=actor, indicator=inds[aggregates.COUNT_MAJOR], region=hs, deadline="2023", value=60, baseline_value=0,
        baseline_period="202301", stage="2023", title="鹤山市2023年引进亿元以上项目60个（模拟目标）",
        source_document="广州日报 2023-11-16（种子 001，实绩：1—9月引进60个）", is_simulated=True))
    return out


def _city(actor: User, orgs: dict, project_targets: dict[str, list[Target]]) -> None:
    jm = Region.objects.get(code=JIANGMEN)
    city_hq = orgs.get("city") or Organization.objects.get(region=jm, kind=Organization.Kind.HEADQUARTERS)
    chen = _leader(actor, jm, city_hq, "市委书记", name="陈少荣")
    wu = _leader(actor, jm, city_hq, "市长", name="吴晓晖")
    command_post_set(actor=actor, headquarters=city_hq, leader=chen, role="commander")
    command_post_set(actor=actor, headquarters=city_hq, leader=wu, role="first_deputy")
    counties = list(Region.objects.filter(parent=jm, kind=Region.Kind.ADMINISTRATIVE).order_by("code"))
    posts = ["市委副书记", "常务副市长", "副市长", "副市长", "副市长", "市委常委", "市委常委"]
    for i, (county, post) in enumerate(zip(counties, posts, strict=False), start=1):
        city_leader = _leader(actor, jm, city_hq, post, i)
        command_post_set(actor=actor, headquarters=city_hq, leader=city_leader, role="deputy")
        assignment_ensure(actor=actor, leader=city_leader, region=county, year=2023, simulated=True)
        hq = orgs.get(county.code) or Organization.objects.get(region=county, kind=Organization.Kind.HEADQUARTERS)
        secretary = (Leader.objects.filter(region=county, rank=1).first() if county.code == HESHAN
                     else _leader(actor, county, hq, "委书记" if county.name.endswith("区") else "市委书记"))
        if county.code != HESHAN:
            command_post_set(actor=actor, headquarters=hq, leader=secretary, role="commander")
        targets = list(Target.objects.filter(region=county, scope=Target.Scope.REGION, deadline__lt="2026")
                       .exclude(pk__in=[t.pk for t in project_targets.get(county.code, [])]))
        targets += project_targets.get(county.code, [])
        tasks = Task.objects.filter(region=county, plan__start_on__year=2023)
        letter_ensure(actor=actor, year=2023, region=county, targets=targets, tasks=list(tasks),
                      signed_on=date(2023, 6, 15), signatory=secretary, issuer_signatory=wu, simulated=True)


def _logins(actor: User) -> None:
    """Two leader logins for trying the leader page: 鹤山市委书记（模拟） and a 新会 leader."""
    hs, xh = Region.objects.get(code=HESHAN), Region.objects.get(code=XINHUI)
    for username, password, region, post in (("hs_leader", "Hs@leader2024", hs, "鹤山市委书记"),
                                             ("xh_leader", "Xh@leader2024", xh, "新会区委书记")):
        leader = Leader.objects.filter(region=region, post=post).order_by("rank").first()
        if leader is None:
            continue
        user = user_ensure(actor=actor, username=username, password=password, organization=leader.organization,
                           role=Role.VIEWER, view_scope=region, capture_scope=None, display_name=str(leader))
        if leader.user_id != user.pk:
            leader_ensure(actor=actor, name=leader.name, post=leader.post, organization=leader.organization,
                          region=leader.region, user=user, rank=leader.rank, simulated=leader.simulated)


def step(orgs: dict[str, Organization]) -> None:
    actor = command_actor(None)
    today = timezone.localdate()
    aggregates.indicators_ensure(actor=actor)
    with aggregates.batch(actor=actor):  # one aggregate write for the whole library
        _heshan(actor, orgs, today)
        _xinhui(actor, orgs, today)
    _city(actor, orgs, _targets(actor))
    _logins(actor)


__all__ = ["step", "InvestmentLead", "Letter", "Indicator"]
