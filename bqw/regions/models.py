"""The official five-level hierarchy, special zones, and per-year unit classes."""

from __future__ import annotations

from django.db import models

CODE_LENGTH = 12
# Significant code digits per level: 44 | 4407 | 440784 | 440784001 | 440784001001
PREFIX_LENGTH = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}


def code_range(prefix: str) -> tuple[str, str]:
    """Lowest and highest 12-digit code under a prefix: a subtree is one index range scan."""
    return prefix.ljust(CODE_LENGTH, "0"), prefix.ljust(CODE_LENGTH, "9")


class RegionQuerySet(models.QuerySet):
    def within(self, region: Region, *, include_self: bool = True) -> RegionQuerySet:
        lo, hi = code_range(region.prefix)
        qs = self.filter(code__gte=lo, code__lte=hi)
        return qs if include_self else qs.exclude(pk=region.pk)

    def administrative(self) -> RegionQuerySet:
        return self.filter(kind=Region.Kind.ADMINISTRATIVE)


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, "省"
        CITY = 2, "市"
        COUNTY = 3, "县(市、区)"
        TOWN = 4, "镇(街)"
        VILLAGE = 5, "村(社区)"

    class Kind(models.TextChoices):
        ADMINISTRATIVE = "admin", "行政区划"
        QUASI = "quasi", "类似乡级单位"  # 林场, 监狱, 开发区… (town codes ≥ 400) and their villages
        ZONE = "zone", "功能区"  # special zones: 产业集聚区, 高新区, 主平台…

    class VillageType(models.TextChoices):
        NONE = "", "—"
        VILLAGE = "村", "村"
        COMMUNITY = "社区", "社区"

    code = models.CharField("统计用区划代码", max_length=CODE_LENGTH, unique=True)
    name = models.CharField("名称", max_length=100)
    full_name = models.CharField("全称", max_length=200, db_index=True, help_text="市县镇村名称连写，用于按名称匹配")
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, db_index=True)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.ADMINISTRATIVE)
    village_type = models.CharField("村/社区", max_length=4, choices=VillageType.choices, blank=True, default="")
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    four_eyes = models.BooleanField(
        "双人审核", default=False, db_default=False,
        help_text="开启后，本单位及下辖各级的填报数据须由填报（提交）人以外的审核员审核（四眼原则）；上级开启的，下级不能取消")

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "区划单位"
        verbose_name_plural = "区划单位"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="region_level_1_to_5"),
        ]
        indexes = [models.Index(fields=["parent", "code"], name="region_parent_code"),
                   # "every village of 江门": the set-based target evaluation reads a level's units of a code range
                   # from this index alone (no row of the table is read)
                   models.Index(fields=["level", "kind", "code"], name="region_level_kind_code")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/regions/{self.code}/"

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    def contains(self, other: Region) -> bool:
        return other.code.startswith(self.prefix)

    def subtree_codes(self) -> tuple[str, str]:
        """The code range of this unit's subtree (itself included)."""
        return code_range(self.prefix)


class RegionClass(models.Model):
    """A unit's class in a classification scheme for one year (分类施策), e.g. 典型县 2023 = 创先类."""

    region = models.ForeignKey(Region, verbose_name="单位", on_delete=models.CASCADE, related_name="classes")
    scheme = models.CharField("分类方案", max_length=50, help_text="如 典型县、县域分类、镇街类型、典型村")
    year = models.PositiveSmallIntegerField("年度")
    value = models.CharField("类别", max_length=50)

    class Meta:
        verbose_name = "单位分类"
        verbose_name_plural = "单位分类"
        ordering = ["scheme", "-year", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "scheme", "year"], name="regionclass_one_per_scheme_year"),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year}{self.scheme}：{self.value}"
