"""江门 demo step: the pairings of the articles, plus simulated detail marked as such.

From the articles (facts):
- 县域内县域间结对合作 (002, 市委农村工作会议 of 2023-06-15): 蓬江区、江海区 with 恩平市, 新会区 with 台山市,
  鹤山市 with 开平市 "分别签订合作协议";
- 8 所结对高校院所 (000: 华南理工大学、省科学院 named, the other six simulated) with 首批75个共建项目;
- "市直机关+市属企业+银行"组团纵向帮扶支持镇街 (000); 新会 区属机关事业单位、区属国有企业组团帮扶薄弱镇村 (004);
- 17所县域高中与12所国家级示范高中结对 (000), 组团式紧密型帮扶的10家县(市)医院 (000);
- 市商会组织结对挂钩经济相对薄弱村 (000); 行政村与企业年度结对率达到20%以上 (000).
Simulated (is_simulated / "模拟" in the note): which towns and villages are helped, the six other universities,
school, hospital, enterprise and bank names, commitments, deliveries and project dates — deterministic (seeded)
and relative to the run date, so every delivery light occurs.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from bqw.accounts.services import system_user
from bqw.indicators.services import target_ensure
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_ensure
from bqw.projects import aggregates as project_aggregates
from bqw.regions.models import Region

from . import coverage as cov
from .coverage import Touched, refresh
from .models import CommitmentKind, Pairing, PairingType
from .services import HelperSpec, commitment_create, create_delivery, create_pairing, create_pairing_project

JM, GD = "440700000000", "440000000000"
PENGJIANG, JIANGHAI, XINHUI, TAISHAN, KAIPING, HESHAN, ENPING = (
    "440703000000", "440704000000", "440705000000", "440781000000", "440783000000", "440784000000", "440785000000")
MARK = "〔演示〕"
SIM = "模拟数据："
MEETING = date(2023, 6, 15)  # 市委农村工作会议: the county pairs signed their agreements
DOC_2024 = "江门日报《奋力开创江门城乡区域协调发展新局面》（江门市2024年“百千万工程”工作要点）"

UNIVERSITIES = [  # name, named in the article?, first-batch co-built projects (75 in all; split simulated)
    ("华南理工大学", True, 15), ("广东省科学院", True, 12), ("中山大学", False, 9), ("暨南大学", False, 8),
    ("华南农业大学", False, 9), ("广东工业大学", False, 8), ("广东海洋大学", False, 6), ("五邑大学", False, 8),
]
GROUP_BANKS = ["中国农业银行江门分行", "中国建设银行江门分行", "中国工商银行江门分行", "广东江门农村商业银行"]
GROUP_SOES = ["江门市交通建设投资集团有限公司", "江门市城市建设投资集团有限公司", "江门农业控股集团有限公司"]
GROUP_AGENCIES = ["江门市发展和改革局", "江门市财政局", "江门市农业农村局", "江门市住房和城乡建设局",
                  "江门市自然资源局", "江门市工业和信息化局", "江门市商务局", "江门市文化广电旅游体育局",
                  "江门市交通运输局"]
CITY_HOSPITALS = ["江门市中心医院", "江门市人民医院", "江门市五邑中医院"]
CHAMBERS = ["江门市总商会", "江门市工商联（总商会）新会商会", "江门市台山商会", "江门市开平商会", "江门市恩平商会",
            "江门市鹤山商会", "江门市青年商会", "江门市女企业家商会"]
ENT_WORDS = ["华", "兴", "达", "信", "宏", "晟", "骏", "鸿", "恒", "裕", "丰", "泰"]
ENT_TRADES = ["五金", "水暖卫浴", "食品", "纺织", "电子", "建材", "物流", "农业科技", "机电", "包装"]
VILLAGE_SHARE = 0.21  # enterprise (incl. 商会) pairs: about the 20% target


def _rng(*key: object) -> random.Random:
    return random.Random("|".join(map(str, ["pairing", *key])))


def _r(code: str) -> Region:
    return Region.objects.get(code=code)


def _org(name: str, region: Region, kind: str) -> Organization:
    return organization_ensure(actor=system_user(), name=name, region=region, kind=kind)


def _deliver(actor, c, share_by_now: float, today: date, rng: random.Random) -> None:
    """Simulated deliveries: by today about `share_by_now` of the time-elapsed expectation has arrived."""
    start, due = c.start_on, c.due_on
    if today < start:
        return
    elapsed = min((today - start).days / max((due - start).days, 1), 1.0)
    target = float(c.amount) * min(elapsed * share_by_now, 1.0)
    quarters, d = [], date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
    while d <= min(today, due):
        quarters.append(d)
        d = date(d.year + (d.month + 2) // 12, (d.month + 2) % 12 + 1, 1)
    if not quarters or target <= 0:
        return
    weights = [rng.uniform(0.6, 1.4) for _ in quarters]
    total = sum(weights)
    integer = c.kind != CommitmentKind.FUNDS and c.kind != CommitmentKind.PURCHASES
    done = cum = 0.0
    for q, w in zip(quarters, weights, strict=True):
        cum += target * w / total  # rounded cumulatively, so small integer promises still arrive in whole units
        amount = (round(cum) if integer else round(cum, -2)) - done
        done += amount
        if amount > 0:
            create_delivery(actor=actor, commitment=c, period=f"{q.year}Q{(q.month - 1) // 3 + 1}", amount=amount,
                            note=f"{SIM}按季度报送", simulated=True)


def _commit(actor, p: Pairing, kind: str, amount: float, start: date, due: date, perf: float, today: date,
            rng: random.Random, helper=None):
    c = commitment_create(actor=actor, pairing=p, kind=kind, amount=amount, start_on=start, due_on=due,
                          helper=helper, note=f"{SIM}承诺数额为演示")
    _deliver(actor, c, perf, today, rng)
    return c


def _pair(actor, touched: Touched, kind: str, helpers: list, start: date, *, helped_region=None, helped_org=None,
          name: str = "", note: str = "", simulated: bool = True, coordinator=None, end: date | None = None
          ) -> Pairing:
    specs = [HelperSpec(organization=h) if isinstance(h, Organization) else HelperSpec(region=h) for h in helpers]
    p = create_pairing(actor=actor, kind=kind, helpers=specs, start_on=start, end_on=end,
                       helped_region=helped_region, helped_org=helped_org, name=name, coordinator=coordinator,
                       note=f"{MARK}{note}", simulated=simulated)
    touched.pairing(p)
    return p


def _perf(rng: random.Random) -> float:
    """Delivery performance: most on track, some behind, a few far behind or finished early."""
    return rng.choice([1.05, 1.0, 1.0, 0.95, 0.85, 0.8, 0.6, 1.4, 0.3])


def _university_projects(actor, touched: Touched, hq: Organization, jm: Region, gd: Region, counties: list[Region],
                         today: date) -> int:
    """The 8 universities' pairings with 江门 and their 75 co-built projects as library projects (source 帮扶)."""
    n = 0
    for name, named, projects in UNIVERSITIES:
        uni = _org(name, gd, Organization.Kind.UNIVERSITY)
        p = _pair(actor, touched, PairingType.UNIVERSITY, [uni], date(2023, 9, 1), helped_region=jm,
                  coordinator=hq, simulated=not named, name=f"{name}—江门市校地共建（双百行动）",
                  note="原文点名的结对高校院所" if named else f"{SIM}原文仅点名华南理工大学、省科学院，其余6所为演示")
        rng = _rng("uni", name)
        for k in range(projects):
            start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))
            started = start if start <= today and rng.random() < 0.88 else None
            done = started + timedelta(days=rng.randint(200, 600)) if started and rng.random() < 0.45 else None
            region = rng.choice(counties)
            create_pairing_project(actor=actor, pairing=p, name=f"{name}共建项目{k + 1:02d}（模拟）", region=region,
                                   started_on=started, completed_on=done if done and done <= today else None,
                                   investment=rng.randint(50, 3000) * 10_000, simulated=True)
            touched.counties.add(region.pk)
            n += 1
    return n


def step(orgs: dict | None = None) -> dict:
    """The 江门 pairings (idempotent: skipped when the demo's pairings exist)."""
    if not Region.objects.filter(code=JM).exists():
        return {}
    if Pairing.objects.filter(note__startswith=MARK).exists():
        return {"pairings": Pairing.objects.filter(note__startswith=MARK).count(), "skipped": True}
    actor = system_user()
    today = timezone.localdate()
    jm, gd = _r(JM), _r(GD)
    hq = (orgs or {}).get("city") or _org("江门市百千万工程指挥部", jm, Organization.Kind.HEADQUARTERS)
    touched = Touched()
    counts: dict[str, int] = {}

    # 1. county–county pairs (002): fact; commitments simulated
    for helpers, helped in (((PENGJIANG, JIANGHAI), ENPING), ((XINHUI,), TAISHAN), ((HESHAN,), KAIPING)):
        hs = [_r(c) for c in helpers]
        p = _pair(actor, touched, PairingType.COUNTY, hs, MEETING, helped_region=_r(helped), coordinator=hq,
                  simulated=False, name=f"{'、'.join(h.name for h in hs)}—{_r(helped).name}县域结对合作",
                  note="2023年6月15日市委农村工作会议上签订合作协议（县域内县域间结对合作机制）")
        rng = _rng("county", helped)
        _commit(actor, p, CommitmentKind.FUNDS, 20_000_000, date(2024, 1, 1), date(today.year, 12, 31),
                _perf(rng), today, rng)
        _commit(actor, p, CommitmentKind.PROJECTS, 6, date(2024, 1, 1), date(today.year, 12, 31), _perf(rng),
                today, rng)
    counts["county"] = 3

    # 2. eight paired universities and institutes with the first 75 co-built projects (000), entered in the
    # project library (source 帮扶; names, places, dates and amounts simulated), its figures written once
    counties = [_r(c) for c in (PENGJIANG, JIANGHAI, XINHUI, TAISHAN, KAIPING, HESHAN, ENPING)]
    with project_aggregates.batch(actor=actor):
        n_projects = _university_projects(actor, touched, hq, jm, gd, counties, today)
    counts["university"], counts["university_projects"] = len(UNIVERSITIES), n_projects

    # 3. "市直机关+市属企业+银行" groups for weaker towns (000); 新会 区属 groups (004); towns simulated
    agencies = [_org(n, jm, Organization.Kind.AGENCY) for n in GROUP_AGENCIES]
    soes = [_org(n, jm, Organization.Kind.SOE) for n in GROUP_SOES]
    banks = [_org(n, jm, Organization.Kind.BANK) for n in GROUP_BANKS]
    rng = _rng("groups")
    weak = []
    for code in (TAISHAN, KAIPING, ENPING):
        towns = list(Region.objects.filter(parent__code=code, level=4, kind=Region.Kind.ADMINISTRATIVE)
                     .exclude(name__endswith="街道").order_by("code"))
        weak += rng.sample(towns, min(3, len(towns)))
    for i, town in enumerate(weak):
        helpers = [agencies[i % len(agencies)], soes[i % len(soes)], banks[i % len(banks)]]
        p = _pair(actor, touched, PairingType.GROUP, helpers, date(2024, 3, 1), helped_region=town, coordinator=hq,
                  name=f"组团纵向帮扶{town.name}", note=f"{SIM}受帮扶镇街与组团成员为演示（机制见2024年工作要点）")
        r2 = _rng("group", town.code)
        _commit(actor, p, CommitmentKind.FUNDS, r2.choice([1_000_000, 2_000_000, 3_000_000]), date(2024, 3, 1),
                date(today.year, 12, 31), _perf(r2), today, r2)
        _commit(actor, p, CommitmentKind.PEOPLE, 3, date(2024, 3, 1), date(today.year, 12, 31), _perf(r2), today,
                r2)
    xinhui = _r(XINHUI)
    xh_agency = _org("新会区农业农村局", xinhui, Organization.Kind.AGENCY)
    xh_soe = _org("新会区国有资产投资集团有限公司", xinhui, Organization.Kind.SOE)
    xh_towns = list(Region.objects.filter(parent=xinhui, level=4, kind=Region.Kind.ADMINISTRATIVE)
                    .exclude(name__endswith="街道").order_by("code"))
    for town in _rng("xinhui").sample(xh_towns, min(2, len(xh_towns))):
        p = _pair(actor, touched, PairingType.GROUP, [xh_agency, xh_soe], date(2023, 10, 1), helped_region=town,
                  coordinator=(orgs or {}).get(XINHUI), name=f"新会区组团帮扶{town.name}",
                  note=f"{SIM}区属机关事业单位、区属国有企业组团帮扶相对薄弱镇（机制见新会行动方案），镇街为演示")
        r2 = _rng("xh", town.code)
        _commit(actor, p, CommitmentKind.FUNDS, 800_000, date(2024, 1, 1), date(today.year, 12, 31), _perf(r2),
                today, r2)
    counts["group"] = len(weak) + min(2, len(xh_towns))

    # 4. 17 county high schools with 12 national model high schools (000); 10 county hospitals (000)
    west = [_r(c) for c in (TAISHAN, KAIPING, ENPING, HESHAN, XINHUI)]
    models_ = [_org(f"国家级示范性普通高中{i + 1:02d}（模拟）", gd, Organization.Kind.SCHOOL) for i in range(12)]
    for i in range(17):
        county = west[i % len(west)]
        school = _org(f"{county.name}县域高中{i // len(west) + 1}（模拟）", county, Organization.Kind.SCHOOL)
        p = _pair(actor, touched, PairingType.EDUCATION, [models_[i % 12]], date(2024, 6, 1), helped_org=school,
                  name=f"县域高中托管帮扶：{school.name}",
                  note=f"{SIM}学校名称为演示（17所县域高中与12所国家级示范高中结对）")
        r2 = _rng("school", i)
        _commit(actor, p, CommitmentKind.TRAINING, r2.choice([6, 8, 12]), date(2024, 9, 1), date(2025, 7, 31),
                _perf(r2), today, r2)
        _commit(actor, p, CommitmentKind.PEOPLE, 2, date(2024, 9, 1), date(today.year, 12, 31), _perf(r2), today,
                r2)
    counts["education"] = 17
    city_hosp = [_org(n, jm, "hospital") for n in CITY_HOSPITALS]
    for i in range(10):
        county = west[i % len(west)]
        hosp = _org(f"{county.name}县级医院{i // len(west) + 1}（模拟）", county, Organization.Kind.HOSPITAL)
        p = _pair(actor, touched, PairingType.MEDICAL, [city_hosp[i % 3], city_hosp[(i + 1) % 3]],
                  date(2024, 1, 1), helped_org=hosp, name=f"组团式紧密型帮扶：{hosp.name}",
                  note=f"{SIM}医院名称为演示（组团式紧密型帮扶的10家县(市)医院）")
        r2 = _rng("hosp", i)
        _commit(actor, p, CommitmentKind.PEOPLE, r2.choice([8, 10, 12]), date(2024, 1, 1), date(today.year, 12, 31),
                _perf(r2), today, r2)
    counts["medical"] = 10

    # 5. chambers of commerce with weaker villages (000) and enterprise–village pairs (≈ 20%), simulated
    villages = list(Region.objects.filter(code__startswith="4407", level=5, kind=Region.Kind.ADMINISTRATIVE)
                    .order_by("code"))
    rng = _rng("villages")
    chosen = rng.sample(villages, round(len(villages) * VILLAGE_SHARE))
    western = [v for v in chosen if v.code[:6] in ("440781", "440783", "440785")]
    chambers = [_org(n, jm, Organization.Kind.CHAMBER) for n in CHAMBERS]
    by_county: dict[str, Region] = {c.code[:6]: c for c in Region.objects.filter(parent=jm, level=3)}
    ents: dict[str, list[Organization]] = {}
    n_chamber = n_ent = 0
    for k, v in enumerate(chosen):
        if v in western[:24]:
            helper = chambers[k % len(chambers)]
            kind, note = PairingType.CHAMBER, f"{SIM}市商会组织结对挂钩经济相对薄弱村，村为演示"
            n_chamber += 1
        else:
            county = by_county[v.code[:6]]
            pool = ents.setdefault(county.code, [])
            if len(pool) < 12:
                r3 = _rng("ent", county.code, len(pool))
                pool.append(_org(f"{county.name.removesuffix('市').removesuffix('区')}{r3.choice(ENT_WORDS)}"
                                 f"{r3.choice(ENT_WORDS)}{r3.choice(ENT_TRADES)}有限公司（模拟）", county,
                                 Organization.Kind.ENTERPRISE))
            helper = pool[k % len(pool)]
            kind, note = PairingType.ENTERPRISE_VILLAGE, f"{SIM}“万企兴万村”结对，企业与村为演示"
            n_ent += 1
        start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 300))
        p = _pair(actor, touched, kind, [helper], start, helped_region=v, note=note)
        if k % 3 == 0:
            r2 = _rng("vil", v.code)
            _commit(actor, p, CommitmentKind.FUNDS, r2.choice([50_000, 100_000, 200_000]), start,
                    date(start.year + 2, 12, 31), _perf(r2), today, r2)
        if k % 5 == 0:
            r2 = _rng("buy", v.code)
            _commit(actor, p, CommitmentKind.PURCHASES, r2.choice([30_000, 80_000]), start, date(start.year, 12, 31),
                    _perf(r2), today, r2)
    counts["chamber"], counts["enterprise_village"] = n_chamber, n_ent

    # every delivery above changed funds: recompute the counties too
    touched.counties |= set(Region.objects.filter(parent=jm, level=3).values_list("id", flat=True))
    counts["values"] = refresh(actor=actor, touched=touched)

    inds = cov.ensure_indicators(actor)
    target_ensure(actor=actor, indicator=inds[cov.V_ENT_SHARE], region=jm, deadline="2024", value=20,
                  comparator=">=", title="行政村与企业年度结对率达到20%以上（据结对台账）", stage="2025",
                  baseline_value=0, baseline_period="2023", source_document=DOC_2024,
                  source_quote="行政村与企业年度结对率达到20%以上", is_simulated=True)
    counts["pairings"] = Pairing.objects.filter(note__startswith=MARK).count()
    return counts
