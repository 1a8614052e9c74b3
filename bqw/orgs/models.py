"""Organizations: headquarters, agencies, SOEs, banks, enterprises, universities, hospitals, schools, chambers of
commerce, village committees."""

from __future__ import annotations

from django.db import models

from bqw.regions.models import Region


class Organization(models.Model):
    class Kind(models.TextChoices):
        HEADQUARTERS = "hq", "指挥部"
        AGENCY = "agency", "党政机关"
        TOWN_OFFICE = "town", "镇街"
        VILLAGE_COMMITTEE = "village", "村(居)委会"
        SOE = "soe", "国有企业"
        BANK = "bank", "银行"
        ENTERPRISE = "enterprise", "企业"
        UNIVERSITY = "university", "高校"
        HOSPITAL = "hospital", "医院"
        SCHOOL = "school", "学校"
        CHAMBER = "chamber", "商会"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=120)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.AGENCY)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="organizations")
    parent = models.ForeignKey("self", verbose_name="上级机构", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="children")

    class Meta:
        verbose_name = "组织机构"
        verbose_name_plural = "组织机构"
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="organization_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name
