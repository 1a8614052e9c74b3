"""Demo step: the 2024 江门 工作要点 (four 大抓 actions), 肇庆's 九项行动 and 新会's 十大行动 / 十大建设 with
their tasks, paraphrased from the seed articles (facts, not sentences). The articles name few units, so most
lead units are the obvious bureau and marked assumed. Progress is simulated (Task.simulated) relative to the
day the demo runs, so every light occurs: deterministic for a given date, idempotent on re-run.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from bqw.accounts.audit import audit_record
from bqw.accounts.services import system_user
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_ensure
from bqw.regions.models import Region

from .lights import expected_progress
from .models import Milestone, Plan, Task, TaskState
from .services import (
    LeadUnit,
    TaskSpec,
    action_ensure,
    plan_ensure,
    task_create,
    task_decompose,
    task_rollup,
    task_targets_set,
)

JIANGMEN, ZHAOQING, XINHUI = "440700000000", "441200000000", "440705000000"
SIM = "（模拟）"

# (action, [(content, [lead, …] — "!" prefix = named in the article, not assumed, deadline), …])
JM_PLAN = "2024年江门市全面推进“百千万工程”促进城乡区域协调发展工作要点"
JM_ACTIONS: list[tuple[str, list[tuple[str, list[str], str]]]] = [
    ("大抓产业发展", [
        ("壮大现代农业与食品、现代轻工纺织、先进材料三大超千亿产业集群", ["工业和信息化局"], "2024年底前"),
        ("加快打造能源、电子信息、装备制造等新的千亿产业集群", ["工业和信息化局"], "2024年底前"),
        ("培育硅能源、新型储能、低空经济等10个新兴产业", ["发展和改革局"], "2024年底前"),
        ("前瞻布局人工智能、合成生物、氢能源、深海装备等未来产业", ["科学技术局"], "长期坚持"),
        ("江门大型产业集聚区规上工业总产值超4000亿元", ["工业和信息化局"], "2024年12月底"),
        ("按季度报送省重点主平台承接珠三角产业转移项目进展", ["商务局"], "每季度"),
        ("GDP超百亿镇街达12个以上、超50亿镇街达27个以上", ["发展和改革局"], "2024年底前"),
        ("推动8个工业重镇整体空间规划联动、交通互联、产业互促", ["自然资源局"], "2024年底前"),
        ("实施“广东第一田”提升工程", ["农业农村局"], "2024年底前"),
        ("建好国家级丝苗米优势特色产业集群及13个省级以上现代农业产业园", ["农业农村局"], "2024年12月底"),
        ("陈皮、大米、鳗鱼等六大特色优势产业产值超800亿元", ["农业农村局"], "2024年底前"),
        ("建设现代化海洋牧场，推动海洋牧场与海上风电融合发展", ["农业农村局"], "2024年底前"),
        ("以“江门优品”推介16个国家地理标志产品等特色农产品", ["市场监督管理局"], "长期坚持"),
        ("指导赤坎华侨古镇创建省级旅游度假区", ["!开平市百千万工程指挥部", "文化广电旅游局"], "2024年底前"),
        ("打造10条以上大湾区“一程多站”旅游精品线路", ["文化广电旅游局"], "2024年9月"),
        ("创建全国乡村旅游重点镇村，建设一批优质乡村民宿和乡村酒店", ["文化广电旅游局"], "2024年底前"),
    ]),
    ("大抓人居环境建设", [
        ("统筹落实乡村布局规划、村庄建设规划、农房风貌规划", ["自然资源局"], "2024年6月"),
        ("完成省、市典型村入村口环境优化提升", ["农业农村局"], "2024年6月"),
        ("80%以上行政村完成整村厕所改造提升并健全长效管护", ["农业农村局"], "2024年底前"),
        ("乡村生活垃圾收运处置体系覆盖全部自然村，取缔露天垃圾收集池", ["住房和城乡建设局"], "2024年底前"),
        ("新增460个自然村生活污水治理，自然村治理率达90%以上", ["生态环境局"], "2024年12月底"),
        ("高标准打造7条乡村振兴示范带并建立运营管理机制", ["农业农村局"], "2024年底前"),
        ("深中通道、黄茅海跨海通道、沈海高速沿线镇村风貌管控和人居环境整治", ["住房和城乡建设局"], "2024年底前"),
        ("“一镇一方案”编制国土空间规划和建设方案", ["自然资源局"], "2024年6月"),
        ("遴选一批中心镇按小城市标准规划建设", ["住房和城乡建设局"], "2024年9月"),
        ("开工建设美丽圩镇“七个一”项目338个以上", ["住房和城乡建设局"], "2024年底前"),
        ("县城植树1万株、圩镇1000株、行政村100株以上", ["林业局"], "2024年3月—6月"),
    ]),
    ("大抓公共服务和社会治理", [
        ("开展以县城为重要载体的新型城镇化建设试点", ["!台山市百千万工程指挥部", "发展和改革局"], "2024年底前"),
        ("推动具备条件的地区创建城乡教育共同体", ["教育局"], "2024年底前"),
        ("完成11个新(改、扩)建学校项目，新增公办基础教育学位超1.4万个", ["教育局"], "2024年9月"),
        ("建立17所县域高中与12所国家级示范高中结对帮扶机制", ["教育局"], "2024年6月"),
        ("完成全国义务教育优质均衡发展县创建", ["!鹤山市百千万工程指挥部", "教育局"], "2024年底前"),
        ("推进4个县(市)中医院“两专科一中心”建设", ["卫生健康局"], "2024年底前"),
        ("推进紧密型县域医共体建设，检查检验结果互认共享", ["卫生健康局"], "2024年底前"),
        ("组团帮扶的10家县(市)医院达到国家县级医院服务能力基本标准", ["卫生健康局"], "2024年底前"),
        ("完成特殊困难老年人家庭适老化改造不少于1400户", ["民政局"], "2024年底前"),
        ("保障不少于100家长者饭堂（含助餐服务点）有效运营", ["民政局"], "每季度"),
        ("老年人家庭医生签约服务率不低于63%", ["卫生健康局"], "2024年底前"),
        ("构建“1+6+N”基层社会治理工作体系，平安乡村建设合格率80%以上", ["委政法委"], "长期坚持"),
        ("做深做实智慧网格，规范网格员队伍建设", ["委政法委"], "长期坚持"),
        ("政务服务平台向镇村延伸，实现一网通办、一网统管", ["政务服务和数据管理局"], "2024年底前"),
    ]),
    ("大抓社会力量参与", [
        ("落实省纵向帮扶工作机制，建立帮扶项目库", ["!百千万工程指挥部"], "2024年6月"),
        ("建立“市直机关+市属企业+银行”组团纵向帮扶镇街机制", ["委组织部"], "2024年6月"),
        ("深化市域内东西部对口帮扶，推进共建产业合作园区", ["发展和改革局"], "长期坚持"),
        ("推进与中山市横向产业协作，推动项目跨市域流转", ["发展和改革局"], "2024年底前"),
        ("打造不少于4个建筑业企业投身“百千万工程”项目范例", ["住房和城乡建设局"], "2024年底前"),
        ("行政村与企业年度结对率达到20%以上", ["工商业联合会"], "2024年底前"),
        ("建立市属国资国企帮扶项目库，推动建设项目30个", ["人民政府国有资产监督管理委员会"], "2024年底前"),
        ("出台新的社会阶层人士助力“百千万工程”实施方案", ["委统战部"], "2024年6月"),
        ("成立“百千万工程”推进乡村振兴慈善基金", ["!慈善会"], "2024年9月"),
        ("推进市商会组织结对挂钩经济相对薄弱村", ["工商业联合会"], "长期坚持"),
        ("常态化组织智库专家深入镇村调研", ["委政策研究室"], "长期坚持"),
        ("对接8所结对高校院所，推动首批75个共建项目落地见效", ["科学技术局"], "2024年底前"),
        ("推进蓬江、江海、新会三区与省第二批高校校地共建", ["科学技术局"], "2024年底前"),
    ]),
]

ZQ_PLAN = "肇庆市全面推进“百千万工程”三年行动计划（2023—2025年）"
ZQ_ACTIONS: list[tuple[str, str, list[tuple[str, list[str], str]]]] = [
    ("富县", "县域经济创先进位消薄行动", [
        ("各县(市、区)每年至少新引进1个超10亿元项目", ["投资促进局"], "每年"),
        ("在四县一市打造“一县一园”产业转移合作园区", ["工业和信息化局"], "2025年底前"),
        ("全市规上工业总产值突破5000亿元", ["工业和信息化局"], "2025年底前"),
    ]),
    ("富县", "县域基础设施建设行动", [
        ("实现镇镇30分钟上高速", ["交通运输局"], "2025年底前"),
        ("农村自来水普及率稳定在99.5%以上", ["水利局"], "长期坚持"),
        ("通管道天然气的镇(街)增加到50个以上，行政村5G网络全覆盖", ["住房和城乡建设局"], "2025年底前"),
    ]),
    ("富县", "县城提质升级行动", [
        ("新开工改造150个城镇老旧小区", ["住房和城乡建设局"], "2023—2025年"),
        ("各县(市、区)盘活或新建不少于1个商业综合体或特色街区", ["商务局"], "2025年底前"),
    ]),
    ("富县", "县域公共服务城乡融合均等化行动", [
        ("市属及主城区优质公办高中在西部县域托管或新办1所学校", ["教育局"], "2025年底前"),
        ("城区三甲医院托管或紧密型帮扶至少一所县级公立医院", ["卫生健康局"], "2024年底前"),
        ("完成5700户以上特殊困难家庭适老化改造", ["民政局"], "2025年底前"),
    ]),
    ("富县", "县镇村绿美生态建设行动", [
        ("建设国家储备林60万亩", ["林业局"], "2025年底前"),
        ("全面消除劣V类水体", ["生态环境局"], "2025年底前"),
        ("完成历史遗留矿山生态修复4500亩", ["自然资源局"], "2023—2025年"),
    ]),
    ("强镇", "乡镇强专特分类创建行动", [
        ("每个县(市、区)示范打造2—3个镇(街)样板", ["百千万工程指挥部办公室"], "2025年底前"),
        ("推进金利镇、大沙镇新型工业化新型城镇化融合发展试点", ["发展和改革局"], "2025年底前"),
    ]),
    ("兴村", "乡村产业振兴行动", [
        ("推进现代农业“成百上千”工程，打造10个农业产业集群", ["农业农村局"], "2025年底前"),
        ("“粤字号”农产品品牌突破100个", ["农业农村局"], "2025年底前"),
    ]),
    ("兴村", "乡村建设行动", [
        ("60%以上存量农房完成微改造", ["住房和城乡建设局"], "2025年底前"),
        ("每年打造5个以上美丽圩镇示范样板", ["住房和城乡建设局"], "每年"),
        ("新改建农村公路1000公里以上", ["交通运输局"], "2023—2025年"),
    ]),
    ("兴村", "县域乡村治理和改革深化行动", [
        ("深化扩权赋能强县和镇街体制改革", ["委机构编制委员会办公室"], "2024年底前"),
        ("打造一批乡村治理先进样板", ["农业农村局"], "长期坚持"),
    ]),
]

XH_PLAN = "新会区全面推进“百千万工程”促进城乡区域协调发展行动方案"
XH_ACTIONS: list[tuple[str, str, list[tuple[str, list[str], str]]]] = [
    ("十大行动", "区镇一体融合发展攻坚行动", [
        ("推进园镇、规划、招商、“工改”、服务、交通六个一体化", ["发展和改革局"], "2025年底前")]),
    ("十大行动", "搭建平台服务发展攻坚行动", [
        ("构建“6+1”产业平台，打造六大特色产业园", ["工业和信息化局"], "2025年底前")]),
    ("十大行动", "开放共享合作共赢攻坚行动", [
        ("高水平谋划建设深江经济合作区", ["发展和改革局"], "2027年底前"),
        ("联合港澳规划建设大湾区国际职教城", ["教育局"], "2027年底前")]),
    ("十大行动", "工业振兴产业强区攻坚行动", [
        ("培育新材料、新能源2个千亿产业集群", ["工业和信息化局"], "2025年底前")]),
    ("十大行动", "招商选资企业培育攻坚行动", [
        ("每年引入项目落地总投资超500亿元", ["商务局"], "每年"),
        ("高新技术企业数量达到620家", ["科学技术局"], "2025年底前")]),
    ("十大行动", "科技人才创新赋能攻坚行动", [
        ("完成圭峰创新谷规划，创建省级高新区", ["科学技术局"], "2025年底前")]),
    ("十大行动", "要素保障优化提质攻坚行动", [
        ("搭建重大项目全生命周期管理信息平台", ["政务服务和数据管理局"], "2024年底前")]),
    ("十大行动", "新台合作共同富裕攻坚行动", [
        ("建立“海洋牧场+海工装备产业基地”联动发展模式", ["农业农村局"], "长期坚持")]),
    ("十大行动", "以产促城以城兴产攻坚行动", [
        ("打造枢纽新城金融CBD和生产性服务业集聚区", ["住房和城乡建设局"], "2027年底前")]),
    ("十大行动", "绿美新会生态建设攻坚行动", [
        ("推进小鸟天堂国家湿地保护区周边水系及基础设施提升工程", ["水利局"], "2025年底前")]),
    ("十大建设", "全面加强交通基础设施建设", [
        ("全面铺开国道G240建设", ["交通运输局"], "2025年底前")]),
    ("十大建设", "扎实推进防灾减灾救灾能力建设", [
        ("病险水库（水闸）除险加固和江海堤围达标改造", ["水利局"], "2025年底前")]),
    ("十大建设", "着力提升中心城区城市品质建设", [
        ("圭峰会城划片区管理、整片推进", ["!会城街道办事处"], "长期坚持")]),
    ("十大建设", "提质加速全力推进中心镇建设", [
        ("双水镇与滨海新区协同，打造高端纸及纸制品产业集聚区", ["!双水镇人民政府"], "2027年底前")]),
    ("十大建设", "统筹谋划专业镇特色镇创强培优建设", [
        ("司前镇实施集群数字化转型省级试点，做强五金不锈钢专业镇", ["!司前镇人民政府"], "2025年底前")]),
    ("十大建设", "全面提升就地就近城镇化建设", [
        ("完善服务圈、商业圈、生活圈，让农民在家门口享受城市公共服务", ["住房和城乡建设局"], "长期坚持")]),
    ("十大建设", "全面推进现代乡村产业体系建设", [
        ("保障10000公顷（15万亩）新会柑种植面积", ["农业农村局"], "长期坚持"),
        ("建设中国陈皮交易中心", ["农业农村局"], "2025年底前")]),
    ("十大建设", "加快宜业宜居美丽乡村建设", [
        ("所有村居达到美丽宜居村标准", ["农业农村局"], "2025年底前"),
        ("建成10个美丽宜居示范村", ["农业农村局"], "2027年底前")]),
    ("十大建设", "聚焦聚力推进特色示范村建设", [
        ("在11个镇(街)优选22个村推进特色示范村建设", ["农业农村局"], "2023—2027年")]),
    ("十大建设", "有效推进乡村治理现代化建设", [
        ("在236个村(社区)推进党建引领基层治理“书记工程”", ["委组织部"], "长期坚持")]),
]

DECOMPOSE = "80%以上行政村完成整村厕所改造提升并健全长效管护"  # demo of city → county decomposition


def _org(region: Region, name: str, cache: dict) -> LeadUnit:
    """A lead unit: "!" marks a unit named in the article (not assumed); names are prefixed with the region's."""
    named = name.startswith("!")
    name = name.lstrip("!")
    if name not in cache:
        full = name if name.startswith(region.name) else f"{region.name}{name}"
        found = (Organization.objects.filter(name=name).order_by("id").first()
                 or Organization.objects.filter(name=full).order_by("id").first())
        if found is None:
            town = None
            if name.endswith(("办事处", "人民政府")):
                short = name.removesuffix("办事处").removesuffix("人民政府")
                town = Region.objects.within(region).filter(level=4, name=short).first()
            if town is not None:
                found = organization_ensure(actor=system_user(), name=name, region=town,
                                            kind=Organization.Kind.TOWN_OFFICE)
            else:
                kind = Organization.Kind.HEADQUARTERS if full.endswith("指挥部") else (
                    Organization.Kind.OTHER if full.endswith(("慈善会", "联合会")) else Organization.Kind.AGENCY)
                found = organization_ensure(actor=system_user(), name=full, region=region, kind=kind)
        cache[name] = found
    return LeadUnit(cache[name], assumed=not named)


def _build(plan: Plan, actions: list[tuple[str, str, list]], prefix: str) -> None:
    have = set(Task.objects.filter(plan=plan, parent__isnull=True).values_list("number", flat=True))
    cache: dict = {}
    n = 0
    for a_no, (group, action_name, tasks) in enumerate(actions, start=1):
        action = action_ensure(actor=system_user(), plan=plan, name=action_name, group=group, number=a_no)
        for content, leads, deadline in tasks:
            n += 1
            number = f"{prefix}{n}"
            if number in have:
                continue
            spec = TaskSpec(content=content, deadline_text=deadline, leads=[_org(plan.region, x, cache) for x in leads],
                            action=action, number=number)
            task = task_create(actor=system_user(), plan=plan, spec=spec)
            Task.objects.filter(pk=task.pk).update(simulated=True)


def _simulate(plan: Plan, today: date) -> dict[str, int]:
    """Set every task's progress for `today` so that all five lights occur; milestones marked （模拟）."""
    tasks = list(Task.objects.filter(plan=plan, simulated=True).select_related("plan").order_by("id"))
    Milestone.objects.filter(task__in=tasks, name__endswith=SIM).delete()
    milestones: list[Milestone] = []
    ongoing = recurring = 0
    for i, t in enumerate(tasks):
        t.done_on, t.last_report_on, t.state, t.progress = None, None, TaskState.IN_PROGRESS, 0
        if t.deadline_kind == "ongoing":
            k, ongoing = ongoing % 4, ongoing + 1
            if k == 0:
                t.state = TaskState.NOT_STARTED
            elif k == 1:
                t.progress = 30
                milestones.append(Milestone(task=t, name=f"阶段性成果报送{SIM}", due_on=today - timedelta(days=15)))
            elif k == 2:
                t.progress = 45
                milestones.append(Milestone(task=t, name=f"年度工作总结{SIM}", due_on=today + timedelta(days=4)))
            else:
                t.progress = 60
        elif t.deadline_kind == "recurring":
            k, recurring = recurring % 2, recurring + 1
            t.progress = 50
            t.last_report_on = today if k == 0 else None
        elif t.due_on is not None and t.due_on < today:
            if i % 4 == 1:
                t.progress = 40 + (i * 7) % 50
            else:
                t.state, t.progress = TaskState.DONE, 100
                t.done_on = t.due_on - timedelta(days=(i * 5) % 30)
        else:
            expected = expected_progress(t, today) or 0
            t.progress = min(95, expected + 5) if i % 2 == 0 else max(0, expected - 30)
            if t.progress == 0:
                t.state = TaskState.NOT_STARTED
    Task.objects.bulk_update(tasks, ["done_on", "last_report_on", "state", "progress"])
    Milestone.objects.bulk_create(milestones)
    for parent in {t.parent for t in tasks if t.parent_id}:
        task_rollup(actor=system_user(), task=parent)
    return {"tasks": len(tasks), "milestones": len(milestones)}


@transaction.atomic
def step(orgs: dict[str, Organization]) -> None:
    today = timezone.localdate()
    jm, zq, xh = (Region.objects.get(code=c) for c in (JIANGMEN, ZHAOQING, XINHUI))
    plans = [
        (plan_ensure(actor=system_user(), name=JM_PLAN, region=jm, start_on=date(2024, 1, 1), end_on=date(2024, 12, 31),
                     issuer=orgs.get("city"), source="江门日报 2024-08-14（种子 000）"),
         [("四个大抓", a, t) for a, t in JM_ACTIONS], "JM"),
        (plan_ensure(actor=system_user(), name=ZQ_PLAN, region=zq, start_on=date(2023, 1, 1), end_on=date(2025, 12, 31),
                     source="西江日报 2023-06-03（种子 003）"), ZQ_ACTIONS, "ZQ"),
        (plan_ensure(actor=system_user(), name=XH_PLAN, region=xh, start_on=date(2023, 1, 1), end_on=date(2027, 12, 31),
                     issuer=orgs.get(XINHUI), source="江门日报（种子 004）"), XH_ACTIONS, "XH"),
    ]
    for plan, actions, prefix in plans:
        _build(plan, actions, prefix)
    jm_plan = plans[0][0]
    parent = Task.objects.filter(plan=jm_plan, content=DECOMPOSE, parent__isnull=True).first()
    if parent is not None and not parent.children.exists():
        subs = task_decompose(actor=system_user(), task=parent, level=3)
        Task.objects.filter(pk__in=[s.pk for s in subs]).update(simulated=True)
    _link_targets([p for p, _, _ in plans])
    for plan, _, _ in plans:
        result = _simulate(plan, today)
        audit_record(actor=system_user(), action="plan.simulate", obj=plan, region=plan.region,
                     after={"date": today.isoformat(), **result})
    _lead_users([p for p, _, _ in plans])


def _lead_users(plans: list[Plan]) -> None:
    """Every lead bureau of the demo plans gets a (simulated) user with an address, so reminders and 督办单 reach
    someone: username lead_<organization id>, password Lead@2024."""
    from bqw.accounts.models import Role, User
    from bqw.accounts.services import user_ensure

    leads = Organization.objects.filter(task_lead_links__task__plan__in=plans).distinct().select_related("region")
    have = set(User.objects.filter(organization__in=leads).values_list("organization_id", flat=True))
    for org in leads:
        if org.pk in have:
            continue
        user_ensure(actor=system_user(), username=f"lead_{org.pk}", password="Lead@2024", organization=org,
                    role=Role.REPORTER, view_scope=org.region, capture_scope=None,
                    display_name=f"{org.name}联络员（模拟）", email=f"lead_{org.pk}@demo.bqw.invalid")


# Words shared by a task's wording and the indicator of the target it serves (demo links only).
TARGET_KEYWORDS = ["厕所", "污水", "垃圾", "示范带", "圩镇", "植树", "学位", "学校", "基层医疗", "执业医师", "适老化",
                   "长者饭堂", "家庭医生", "平安乡村", "结对", "国企", "校地", "现代农业产业园", "新兴产业",
                   "超百亿", "超50亿", "特色优势产业", "旅游", "高新技术企业", "专精特新", "薪火培基"]


def _link_targets(plans: list[Plan]) -> None:
    """Link each demo task to the targets of its plan's region whose indicator names share a keyword."""
    from bqw.indicators.models import Target

    for plan in plans:
        targets = list(Target.objects.filter(region__in=Region.objects.within(plan.region))
                       .select_related("indicator"))
        for task in Task.objects.filter(plan=plan, parent__isnull=True).prefetch_related("targets"):
            words = [w for w in TARGET_KEYWORDS if w in task.content]
            linked = [t.pk for t in targets if any(w in t.indicator.name for w in words)]
            if linked and sorted(linked) != sorted(t.pk for t in task.targets.all()):
                task_targets_set(actor=system_user(), task=task, target_ids=linked)
