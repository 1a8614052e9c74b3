"""Pairing assistance (结对帮扶): who helps whom, what was promised, what arrived, and the co-built projects.

The co-built projects are projects of the project library (`projects.Project`, source 帮扶), linked by
PairingProject.

A Pairing has one helped unit (a region or an organization such as a school or hospital) and one or more
helpers (organizations, or regions for county–county and town–town pairs); several helpers make a group
(组团). Commitments are what a side promised; Deliveries are what arrived per period, with evidence.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from bqw.core.evidence import EvidenceFile
from bqw.orgs.models import Organization
from bqw.projects.models import Project
from bqw.regions.models import Region


class PairingType(models.TextChoices):
    GROUP = "group", "组团纵向帮扶"
    COUNTY = "county", "县域结对"
    EAST_WEST = "eastwest", "对口帮扶协作"
    ENTERPRISE_TOWN = "ent_town", "千企帮千镇"
    ENTERPRISE_VILLAGE = "ent_village", "万企兴万村"
    UNIVERSITY = "university", "校地共建"
    MEDICAL = "medical", "医疗帮扶"
    EDUCATION = "education", "教育帮扶"
    CHAMBER = "chamber", "商会结对"
    PARTY = "party", "党建结对"


class PairingStatus(models.TextChoices):
    PLANNED = "planned", "筹备中"
    ACTIVE = "active", "进行中"
    ENDED = "ended", "已结束"
    CANCELLED = "cancelled", "已终止"


# organization kinds whose pairing with a village counts as an enterprise pair (万企兴万村, 商会 included)
ENTERPRISE_KINDS = (Organization.Kind.SOE, Organization.Kind.ENTERPRISE, Organization.Kind.BANK,
                    Organization.Kind.CHAMBER)


class Pairing(models.Model):
    """One helped unit and its helpers. `region` is where the helped unit lies: it decides who sees the pairing
    (view scope) and who administers it (admins of that region)."""

    name = models.CharField("名称", max_length=200, blank=True)
    kind = models.CharField("帮扶类型", max_length=12, choices=PairingType.choices)
    helped_region = models.ForeignKey(Region, verbose_name="受帮扶地区", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    helped_org = models.ForeignKey(Organization, verbose_name="受帮扶单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               help_text="受帮扶地区本身，或受帮扶单位所在区划")
    coordinator = models.ForeignKey(Organization, verbose_name="牵头协调单位", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=PairingStatus.choices, default=PairingStatus.ACTIVE)
    note = models.TextField("备注", blank=True)
    is_simulated = models.BooleanField("模拟数据", default=False)
    created = models.DateTimeField("创建时间", auto_now_add=True)
    projects = models.ManyToManyField(Project, verbose_name="共建项目", through="PairingProject", blank=True,
                                      related_name="pairings")

    class Meta:
        verbose_name = "结对帮扶"
        verbose_name_plural = "结对帮扶"
        ordering = ["region__code", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(helped_region__isnull=False, helped_org__isnull=True)
                           | models.Q(helped_region__isnull=True, helped_org__isnull=False)),
                name="pairing_one_helped_unit"),
            models.CheckConstraint(condition=models.Q(end_on__isnull=True) | models.Q(end_on__gte=models.F("start_on")),
                                   name="pairing_end_after_start"),
        ]
        indexes = [models.Index(fields=["kind", "status"], name="pairing_kind_status")]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()}：{self.helped_name}"

    def get_absolute_url(self) -> str:
        return f"/pairing/{self.pk}/"

    @property
    def helped_name(self) -> str:
        if self.helped_org_id:
            return self.helped_org.name
        return self.helped_region.name if self.helped_region_id else ""

    @property
    def is_group(self) -> bool:
        return self.kind == PairingType.GROUP

    def active_in(self, year: int) -> bool:
        """Counted for a year's coverage: not cancelled, and its dates overlap the year."""
        if self.status in (PairingStatus.CANCELLED, PairingStatus.PLANNED):
            return False
        return self.start_on <= date(year, 12, 31) and (self.end_on is None or self.end_on >= date(year, 1, 1))


class Helper(models.Model):
    """One helping side of a pairing: an organization, or a region (county–county, town–town pairs)."""

    pairing = models.ForeignKey(Pairing, verbose_name="结对", on_delete=models.CASCADE, related_name="helpers")
    organization = models.ForeignKey(Organization, verbose_name="帮扶单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="pairing_helps")
    region = models.ForeignKey(Region, verbose_name="帮扶地区", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    position = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "帮扶方"
        verbose_name_plural = "帮扶方"
        ordering = ["pairing_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(organization__isnull=False, region__isnull=True)
                           | models.Q(organization__isnull=True, region__isnull=False)),
                name="helper_org_or_region"),
            models.UniqueConstraint(fields=["pairing", "organization"], name="helper_unique_org"),
            models.UniqueConstraint(fields=["pairing", "region"], name="helper_unique_region"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.organization.name if self.organization_id else self.region.name


class CommitmentKind(models.TextChoices):
    FUNDS = "funds", "帮扶资金"
    PROJECTS = "projects", "帮扶项目"
    PEOPLE = "people", "选派人员"
    TRAINING = "training", "培训场次"
    PURCHASES = "purchases", "消费帮扶（采购农产品）"


COMMITMENT_UNITS = {"funds": "元", "projects": "个", "people": "人", "training": "场", "purchases": "元"}


class Commitment(models.Model):
    """What one side promised over a period (start → due): funds in 元, projects, people, training, purchases."""

    pairing = models.ForeignKey(Pairing, verbose_name="结对", on_delete=models.CASCADE, related_name="commitments")
    helper = models.ForeignKey(Helper, verbose_name="承诺方", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="commitments", help_text="留空表示整个帮扶组团")
    kind = models.CharField("承诺类型", max_length=10, choices=CommitmentKind.choices)
    amount = models.DecimalField("承诺数量", max_digits=18, decimal_places=2)
    start_on = models.DateField("起始日期")
    due_on = models.DateField("完成期限")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "帮扶承诺"
        verbose_name_plural = "帮扶承诺"
        ordering = ["pairing_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="commitment_amount_positive"),
            models.CheckConstraint(condition=models.Q(due_on__gte=models.F("start_on")),
                                   name="commitment_due_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}{self.unit}"

    @property
    def unit(self) -> str:
        return COMMITMENT_UNITS[self.kind]


class Delivery(models.Model):
    """What arrived against a commitment in one period (month or quarter), reported with evidence."""

    commitment = models.ForeignKey(Commitment, verbose_name="承诺", on_delete=models.CASCADE,
                                   related_name="deliveries")
    period = models.CharField("期间", max_length=7, help_text="如 202406 或 2024Q2")
    amount = models.DecimalField("到位数量", max_digits=18, decimal_places=2)
    note = models.TextField("说明", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField("报送时间", auto_now_add=True)
    is_simulated = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "帮扶到位"
        verbose_name_plural = "帮扶到位"
        ordering = ["commitment_id", "period", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="delivery_amount_nonneg")]

    def __str__(self) -> str:
        return f"{self.period} {self.amount}"


class DeliveryEvidence(EvidenceFile):
    delivery = models.ForeignKey(Delivery, verbose_name="到位报送", on_delete=models.CASCADE,
                                 related_name="evidence")

    class Meta:
        verbose_name = "到位佐证材料"
        verbose_name_plural = "到位佐证材料"


class PairingProject(models.Model):
    """A co-built / assistance project (共建项目, 帮扶项目) of a pairing: the project itself is a project of the one
    project library (`projects.Project`, source 帮扶); this row is the pairing's side of the link (pairing sits
    above projects), one pairing per project."""

    pairing = models.ForeignKey(Pairing, verbose_name="结对", on_delete=models.CASCADE, related_name="project_links")
    project = models.OneToOneField(Project, verbose_name="项目", on_delete=models.CASCADE,
                                   related_name="pairing_link")

    class Meta:
        verbose_name = "结对共建项目"
        verbose_name_plural = "结对共建项目"
        ordering = ["pairing_id", "project_id"]

    def __str__(self) -> str:
        return f"{self.pairing}：{self.project}"
