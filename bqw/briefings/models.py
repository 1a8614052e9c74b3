"""An issued briefing (通报): its number, the data it was written from, and the files offices download."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Briefing(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已生成"
        FAILED = "failed", "生成失败"
        REVOKED = "revoked", "已撤销"

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="地区")
    period = models.CharField("期间", max_length=8)
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveIntegerField("期号")
    title = models.CharField("标题", max_length=200)
    issuer = models.CharField("印发机关", max_length=100)
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    step = models.CharField("当前步骤", max_length=100, blank=True)
    error = models.TextField("失败原因", blank=True)
    snapshot = models.JSONField("数据快照", null=True, blank=True)
    docx = models.BinaryField("Word 文件", null=True, blank=True)
    xlsx = models.BinaryField("Excel 文件", null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="发起人")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通报"
        ordering = ["-year", "-number"]
        constraints = [
            # a number is issued once per region and year; a revoked briefing frees its number
            models.UniqueConstraint(fields=["region", "year", "number"], condition=~Q(state="revoked"),
                                    name="briefing_number_once"),
        ]

    def __str__(self) -> str:
        return self.title
