"""Uploaded policy documents and the draft items extracted from them, awaiting review."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from bqw.core.comparators import Comparator, symbol
from bqw.regions.models import Region


class SourceDocument(models.Model):
    """A policy text as pasted or uploaded; its draft items are reviewed one by one."""

    title = models.CharField("标题", max_length=200)
    text = models.TextField("正文")
    filename = models.CharField("文件名", max_length=200, blank=True)
    year = models.PositiveSmallIntegerField("文件年份", null=True, blank=True)
    subject = models.CharField("发文主体", max_length=60, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.title


class DraftItem(models.Model):
    """One extracted statement or task; every field is editable until it is accepted or rejected."""

    class Kind(models.TextChoices):
        TARGET = "target", "目标"
        ACHIEVED = "achieved", "已实现"
        TASK = "task", "任务"

    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        ACCEPTED = "accepted", "已采纳"
        REJECTED = "rejected", "已驳回"

    document = models.ForeignKey(SourceDocument, verbose_name="文件", on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveIntegerField("序号")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    indicator = models.CharField("指标/任务内容", max_length=500, blank=True)
    comparator = models.CharField("比较", max_length=6, choices=Comparator.choices, blank=True)
    value = models.DecimalField("数值", max_digits=24, decimal_places=6, null=True, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True)
    deadline = models.CharField("期限", max_length=20, blank=True, help_text="2025、2025Q2、2025-06 或 2025-12-31")
    subject = models.CharField("主体", max_length=60, blank=True)
    lead_units = models.CharField("牵头单位", max_length=300, blank=True, help_text="多个单位以顿号分隔")
    deadline_text = models.CharField("完成时限", max_length=60, blank=True)
    quote = models.TextField("原文")
    start = models.PositiveIntegerField("起始位置")
    end = models.PositiveIntegerField("结束位置")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    task = models.ForeignKey("plans.Task", verbose_name="生成的任务", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="draft_items", help_text="采纳后生成的任务；原文保留在本条目的原文中")
    target = models.ForeignKey("indicators.Target", verbose_name="生成的目标", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="draft_items")
    object_type = models.CharField("生成对象类型", max_length=60, blank=True)
    object_id = models.CharField("生成对象ID", max_length=64, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "提取草稿"
        verbose_name_plural = "提取草稿"
        ordering = ["document", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["document", "seq"], name="extraction_item_seq_unique"),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="extraction_item_span"),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.TASK:
            return f"任务：{self.indicator[:40]}"
        return f"{self.indicator} {self.comparator_symbol} {self.value_display}{self.unit}"

    @property
    def comparator_symbol(self) -> str:
        return symbol(self.comparator)

    @property
    def value_display(self) -> str:
        if self.value is None:
            return ""
        s = format(self.value.normalize(), "f")
        return s

    @property
    def value_human(self) -> str:
        """Large values as offices write them: 400000000000 元 → 4000亿."""
        if self.value is None:
            return ""
        for size, word in ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")):
            if abs(self.value) >= size and (self.value / size) == (self.value / size).quantize(Decimal("0.01")):
                return format((self.value / size).normalize(), "f") + word
        return self.value_display

    @property
    def lead_unit_list(self) -> list[str]:
        return [x for x in self.lead_units.replace("，", "、").split("、") if x.strip()]
