"""Reads of the hierarchy, always through the acting user's view scope."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count
from django.db.models.functions import Substr

from bqw.accounts.models import User

from .models import PREFIX_LENGTH, Region, RegionClass, RegionQuerySet

LEVEL_KEYS = {1: "province", 2: "city", 3: "county", 4: "town", 5: "village"}


def visible_regions(user: User) -> RegionQuerySet:
    """The units in the user's view scope (all of them for a superuser)."""
    qs = Region.objects.all()
    if user.is_superuser:
        return qs
    if user.view_scope is None:
        return qs.none()
    return qs.within(user.view_scope)


def region_stats(region: Region) -> dict:
    """Administrative units per level in the subtree (the unit itself included), and 村/社区 split."""
    rows = (Region.objects.within(region).administrative()
            .values("level", "village_type").annotate(n=Count("id")).order_by())
    levels: dict[str, int] = {LEVEL_KEYS[lv]: 0 for lv in range(region.level, 6)}
    village_types = {"村": 0, "社区": 0}
    for r in rows:
        levels[LEVEL_KEYS[r["level"]]] += r["n"]
        if r["level"] == 5:
            village_types[r["village_type"]] += r["n"]
    return {"levels": levels, "village_types": village_types}


def region_children(*, user: User, region: Region) -> list[Region]:
    """Children visible to the user, each with `counts` of administrative units below it by level.

    One grouped query over the subtree (by child code prefix), not one per child.
    """
    children = list(visible_regions(user).filter(parent=region).order_by("code"))
    if not children or region.level >= 4:
        for c in children:
            c.counts = {}
        return children
    width = PREFIX_LENGTH[region.level + 1]
    rows = (Region.objects.within(region, include_self=False).administrative()
            .filter(level__gt=region.level + 1)
            .annotate(branch=Substr("code", 1, width))
            .values("branch", "level").annotate(n=Count("id")).order_by())
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        counts[r["branch"]][LEVEL_KEYS[r["level"]]] = r["n"]
    for c in children:
        c.counts = counts.get(c.prefix, {})
    return children


def region_ancestors(region: Region) -> list[Region]:
    """Province … parent, by code prefixes (one query, no recursion)."""
    codes = [region.code[:n].ljust(12, "0") for lv, n in PREFIX_LENGTH.items() if lv < region.level]
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    chain = [found[c] for c in codes if c in found]
    if region.parent_id and all(r.pk != region.parent_id for r in chain):
        chain.append(region.parent)  # zones and towns of 东莞/中山 skip a level
    return chain


def four_eyes_rules(regions: Iterable[Region]) -> dict[int, Region]:
    """双人审核 (issue 18): for each unit whose own setting or a unit above it requires four eyes, the nearest
    such unit (one query: the few units with the setting on). A setting covers the unit's whole subtree; a
    lower unit cannot lift it."""
    regions = list(regions)
    if not regions:
        return {}
    ruled = sorted(Region.objects.filter(four_eyes=True), key=lambda r: -r.level)
    out: dict[int, Region] = {}
    for region in regions:
        rule = next((r for r in ruled if r.contains(region)), None)
        if rule is not None:
            out[region.pk] = rule
    return out


def classes_by_region(regions: list[Region]) -> dict[int, list[RegionClass]]:
    out: dict[int, list[RegionClass]] = defaultdict(list)
    for rc in RegionClass.objects.filter(region__in=regions).order_by("-year", "scheme"):
        out[rc.region_id].append(rc)
    return out


class RegionResolver:
    """Resolve what offices write in a unit column: a code (440784 or 12 digits), a full name
    (江门市鹤山市, with or without 广东省) or a unique short name (鹤山市). Loads names once per import."""

    def __init__(self, *, user: User | None = None, within: Region | None = None) -> None:
        self.user = user
        qs = Region.objects.all()
        if within is not None:
            qs = qs.within(within)
        self._rows = list(qs.values_list("id", "code", "name", "full_name", "level"))
        self._by_code = {r[1]: r for r in self._rows}
        self._regions: dict[int, Region] = {}
        self._by_full: dict[str, list] = defaultdict(list)
        self._by_name: dict[str, list] = defaultdict(list)
        for r in self._rows:
            self._by_full[r[3]].append(r)
            self._by_name[r[2]].append(r)

    def resolve(self, text: str) -> Region:
        """Raise ValueError with a Chinese reason for unknown, ambiguous or out-of-scope units."""
        s = str(text).strip().replace(" ", "")
        if s.endswith(".0"):
            s = s[:-2]
        hits: list = []
        if s.isdigit():
            code = s.ljust(12, "0") if len(s) in PREFIX_LENGTH.values() else s
            hits = [self._by_code[code]] if code in self._by_code else []
        else:
            name = s.removeprefix("广东省") if s != "广东省" else s
            hits = self._by_full.get(name) or self._by_name.get(name) or []
        if not hits:
            raise ValueError(f"未找到单位“{text}”")
        if len(hits) > 1:
            sample = "、".join(f"{h[3]}({h[1]})" for h in hits[:3])
            raise ValueError(f"单位“{text}”有{len(hits)}个同名，请写全称或代码（如 {sample}）")
        region = self._regions.get(hits[0][0])
        if region is None:  # an import names each unit on 20 rows or so: one read per unit
            region = self._regions[hits[0][0]] = Region.objects.get(pk=hits[0][0])
        if self.user is not None and not self.user.can_view(region):
            raise ValueError(f"单位“{text}”不在您的管辖范围内")
        return region
