"""The 江门 demo: headquarters, county and town offices, one user per role (idempotent).

Every other app may keep a `demo.py` with `step(orgs)`; `demo_steps()` finds them in INSTALLED_APPS order,
so the product apps never import the demo (the demo sits on top of every app).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from bqw.accounts.models import Role
from bqw.accounts.services import system_user, user_ensure
from bqw.core.hooks import app_modules
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_ensure
from bqw.regions.models import Region

JIANGMEN, HESHAN, XINHUI = "440700000000", "440784000000", "440705000000"
PROVINCE = "440000000000"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    who: str


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


def _hq_name(region: Region) -> str:
    return f"{region.name}百千万工程指挥部"


def build_organizations() -> dict[str, Organization]:
    gd, jm = _region(PROVINCE), _region(JIANGMEN)
    system = system_user()
    province_hq = organization_ensure(actor=system, name=_hq_name(gd), region=gd, kind=Organization.Kind.HEADQUARTERS)
    city_hq = organization_ensure(actor=system, name=_hq_name(jm), region=jm, kind=Organization.Kind.HEADQUARTERS,
                                  parent=province_hq)
    orgs = {"province": province_hq, "city": city_hq}
    for county in jm.children.filter(kind=Region.Kind.ADMINISTRATIVE).order_by("code"):
        orgs[county.code] = organization_ensure(actor=system, name=_hq_name(county), region=county,
                                                kind=Organization.Kind.HEADQUARTERS, parent=city_hq)
    for county_code in (HESHAN, XINHUI):
        for town in Region.objects.filter(parent__code=county_code, kind=Region.Kind.ADMINISTRATIVE):
            office = "办事处" if town.name.endswith("街道") else "人民政府"
            orgs[town.code] = organization_ensure(actor=system, name=f"{town.name}{office}", region=town,
                                                  kind=Organization.Kind.TOWN_OFFICE, parent=orgs[county_code])
    return orgs


def build_users(orgs: dict[str, Organization]) -> list[DemoLogin]:
    gd, jm, hs, xh = (_region(c) for c in (PROVINCE, JIANGMEN, HESHAN, XINHUI))
    system = system_user()
    shaping = Region.objects.get(parent=hs, name="沙坪街道")
    huicheng = Region.objects.get(parent=xh, name="会城街道")
    people = [
        ("gd_admin", "Gd@admin2024", orgs["province"], Role.ADMIN, gd, gd, "省指挥部管理员"),
        ("jm_admin", "Jm@admin2024", orgs["city"], Role.ADMIN, jm, jm, "江门市指挥部管理员"),
        ("jm_viewer", "Jm@view2024", orgs["city"], Role.VIEWER, jm, None, "江门市领导（只读）"),
        ("hs_reviewer", "Hs@review2024", orgs[HESHAN], Role.REVIEWER, hs, hs, "鹤山市指挥部审核员"),
        ("hs_reporter", "Hs@report2024", orgs[shaping.code], Role.REPORTER, hs, shaping, "鹤山市沙坪街道填报员"),
        ("xh_reporter", "Xh@report2024", orgs[huicheng.code], Role.REPORTER, xh, huicheng, "新会区会城街道填报员"),
    ]
    # village-level reporters for a few 沙坪街道 villages (simulated people): capture scope = their village
    for k, village in enumerate(Region.objects.filter(parent=shaping, level=5).order_by("code")[:3], start=1):
        office = organization_ensure(actor=system, name=village.name, region=village,
                                     kind=Organization.Kind.VILLAGE_COMMITTEE, parent=orgs[shaping.code])
        people.append((f"hs_village{k}", "Hs@village2024", office, Role.REPORTER, shaping, village,
                       f"{village.name}填报员（模拟）"))
    logins = []
    for username, password, org, role, view, capture, who in people:
        user_ensure(actor=system, username=username, password=password, organization=org, role=role,
                    view_scope=view, capture_scope=capture, display_name=who,
                    email=f"{username}@demo.bqw.invalid")  # simulated address (.invalid never delivers)
        logins.append(DemoLogin(username, password, Role(role).label, who))
    return logins


ZONES = [  # special zones named in the articles, with their parent unit
    (JIANGMEN, "江门大型产业集聚区"),
    (HESHAN, "鹤山主平台"),
    (XINHUI, "江门大型产业集聚区新会片区"),
    ("441200000000", "肇庆高新区"),
]


def build_zones() -> dict[str, Region]:
    from bqw.regions.services import zone_create

    zones = {}
    for parent_code, name in ZONES:
        parent = _region(parent_code)
        zones[name] = (Region.objects.filter(parent=parent, name=name).first()
                       or zone_create(actor=system_user(), parent=parent, name=name))
    return zones


def demo_steps() -> list[Callable[[dict[str, Organization]], object]]:
    """Each installed app's `demo.step`, in INSTALLED_APPS order (an app's data may build on the apps above it)."""
    return [m.step for m in app_modules("demo") if m.__name__ != "bqw.demo.demo" and hasattr(m, "step")]


@transaction.atomic
def build_demo() -> list[DemoLogin]:
    orgs = build_organizations()
    logins = build_users(orgs)
    build_zones()
    for step in demo_steps():
        step(orgs)
    return logins
