"""Assessment schemes (赛马): which units compete (a level under a region, optionally one class), on which
items with which weights and methods, bonus/penalty items, frozen publications, and external rankings."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bqw.indicators.models import Indicator, Target
from bqw.regions.models import Region

from .engine import AGGREGATIONS, MISSING, NORMALISATIONS


class Scheme(models.Model):
    """An assessment: the units of `level` under `region` (optionally one class of a classification), ranked
    within their class; e.g. 江门市各县（市、区）按县域分类赛马, 鹤山市各镇街擂台赛."""

    name = models.CharField("方案名称", max_length=100, unique=True)
    region = models.ForeignKey(Region, verbose_name="组织地区", on_delete=models.PROTECT, related_name="+",
                               help_text="参评单位为该地区下某一层级的全部行政单位；也决定谁能查看与管理")
    level = models.PositiveSmallIntegerField("参评层级", choices=Region.Level.choices)
    class_scheme = models.CharField("分类方案", max_length=50, blank=True,
                                    help_text="按该分类分组排名（如 县域分类）；留空则全部单位同组")
    class_year = models.PositiveSmallIntegerField("分类年度", null=True, blank=True)
    class_value = models.CharField("只评该类", max_length=50, blank=True, help_text="如 创先类；留空则各类分别排名")
    period = models.CharField("默认考核期", max_length=7, blank=True, help_text="如 2026Q3、2026、202609")
    aggregation = models.CharField("汇总方法", max_length=5, choices=list(AGGREGATIONS.items()), default="arith")
    missing = models.CharField("缺失数据处理", max_length=7, choices=list(MISSING.items()), default="exclude")
    red_task_points = models.FloatField("每项红灯任务加减分", default=-1.0)
    late_notice_points = models.FloatField("每份督办单逾期未回复加减分", default=-0.5)
    perturb = models.FloatField("权重扰动幅度", default=0.2,
                                validators=[MinValueValidator(0), MaxValueValidator(0.9)],
                                help_text="敏感性分析中各权重在 ±该比例内随机变动")
    runs = models.PositiveIntegerField("敏感性模拟次数", default=1000, validators=[MaxValueValidator(20000)])
    seed = models.PositiveIntegerField("随机种子", default=20230101, help_text="相同种子得到相同的位次区间")
    alternatives = models.BooleanField("同时检验其他标准化方法", default=True)
    description = models.TextField("说明", blank=True)
    is_simulated = models.BooleanField("演示数据", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["region__code", "level", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=2, level__lte=5), name="scheme_level_2_to_5"),
            models.CheckConstraint(condition=models.Q(class_value="") | ~models.Q(class_scheme=""),
                                   name="scheme_class_value_needs_scheme"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/assessment/{self.pk}/"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from bqw.core.periods import Period, PeriodError

        if self.region_id and self.level <= self.region.level:
            raise ValidationError({"level": "参评层级须低于组织地区的层级"})
        if self.class_scheme and not self.class_year:
            raise ValidationError({"class_year": "按分类分组时须指定分类年度"})
        if self.period:
            try:
                Period.parse(self.period)
            except PeriodError as exc:
                raise ValidationError({"period": str(exc)})


class SchemeItem(models.Model):
    """One scored item of a scheme: indicator, weight, direction and normalisation."""

    class Direction(models.IntegerChoices):
        UP = 1, "越高越好"
        DOWN = -1, "越低越好"

    scheme = models.ForeignKey(Scheme, verbose_name="方案", on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="+")
    weight = models.FloatField("权重", validators=[MinValueValidator(0)])
    direction = models.SmallIntegerField("方向", choices=Direction.choices, default=Direction.UP)
    normalisation = models.CharField("标准化方法", max_length=8, choices=list(NORMALISATIONS.items()),
                                     default="minmax")
    goal_lo = models.FloatField("下限", null=True, blank=True, help_text="固定上下限法：得 0 分的值")
    goal_hi = models.FloatField("上限", null=True, blank=True, help_text="固定上下限法：得 100 分的值")
    target = models.ForeignKey(Target, verbose_name="对标目标", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", help_text="目标距离法：无本单位目标时采用该目标值")
    target_value = models.FloatField("目标值", null=True, blank=True, help_text="目标距离法：无平台目标时采用")
    position = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "考核指标项"
        verbose_name_plural = "考核指标项"
        ordering = ["scheme", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="schemeitem_indicator_once"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="schemeitem_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}（权重{self.weight:g}）"


class Adjustment(models.Model):
    """A manual bonus or penalty (加减分) for one unit in one period, with its reason."""

    scheme = models.ForeignKey(Scheme, verbose_name="方案", on_delete=models.CASCADE, related_name="adjustments")
    region = models.ForeignKey(Region, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("考核期", max_length=7)
    points = models.FloatField("分值", help_text="加分为正，减分为负")
    reason = models.CharField("事由", max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "加减分"
        verbose_name_plural = "加减分"
        ordering = ["scheme", "period", "region__code", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="adjustment_has_reason")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.points:+g}：{self.reason}"


class Publication(models.Model):
    """A published result: inputs (values, weights, scheme) frozen so it reproduces the same ranking later."""

    scheme = models.ForeignKey(Scheme, verbose_name="方案", on_delete=models.PROTECT, related_name="publications")
    period = models.CharField("考核期", max_length=7)
    title = models.CharField("标题", max_length=200)
    inputs = models.JSONField("冻结的输入")
    result = models.JSONField("发布结果")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    is_simulated = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "发布结果"
        verbose_name_plural = "发布结果"
        ordering = ["-period", "scheme__name"]
        constraints = [models.UniqueConstraint(fields=["scheme", "period"], name="publication_once_per_period")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/assessment/publications/{self.pk}/"


class ExternalRanking(models.Model):
    """A ranking published by others (全国镇域经济500强, 全国百强县…): recorded as a fact with its source."""

    region = models.ForeignKey(Region, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    list_name = models.CharField("榜单", max_length=100, help_text="如 全国镇域经济500强")
    year = models.PositiveSmallIntegerField("年度")
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True, help_text="如 入选（不排名次）")
    source = models.CharField("来源", max_length=300)
    is_simulated = models.BooleanField("演示数据", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "外部排名"
        verbose_name_plural = "外部排名"
        ordering = ["-year", "list_name", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["region", "list_name", "year"], name="external_ranking_once"),
            models.CheckConstraint(condition=~models.Q(source=""), name="external_ranking_has_source"),
        ]

    def __str__(self) -> str:
        place = f"第{self.rank}名" if self.rank else (self.note or "入选")
        return f"{self.region.name} {self.year}年{self.list_name}{place}"
