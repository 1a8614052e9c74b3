"""Indicators, reported values with their workflow, maintained rollups, and staged targets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from bqw.core.comparators import Comparator, symbol
from bqw.core.numbers import fmt
from bqw.core.periods import Period, PeriodError
from bqw.regions.models import Region

# Code prefixes of indicators the platform computes from other apps' records (e.g. "pair_" for pairing coverage),
# registered by those apps in AppConfig.ready(): they are never on an entry form and never reported by hand,
# only written by services.datavalues_record_derived.
COMPUTED_PREFIXES: set[str] = set()


class Indicator(models.Model):
    """What is measured, where it is reported, and how it adds up in space (rule) and time (temporal)."""

    class Direction(models.TextChoices):
        UP = "up", "越高越好"
        DOWN = "down", "越低越好"

    class Periodicity(models.TextChoices):
        MONTHLY = "M", "月报"
        QUARTERLY = "Q", "季报"
        YEARLY = "Y", "年报"

    class Rule(models.TextChoices):
        SUM = "sum", "求和"
        MEAN = "mean", "平均"
        MIN = "min", "最小值"
        MAX = "max", "最大值"
        RATIO = "ratio", "比率（Σ分子÷Σ分母×系数）"
        COUNT_WHERE = "count_where", "达标单位数"
        SHARE_WHERE = "share_where", "达标单位占比(%)"

    class Temporal(models.TextChoices):
        FLOW = "flow", "流量（月→季→年求和）"
        STOCK = "stock", "存量（取期末值）"

    BASE_RULES = ("sum", "mean", "min", "max")
    DERIVED_RULES = ("ratio", "count_where", "share_where")

    code = models.CharField("指标代码", max_length=60, unique=True)
    name = models.CharField("指标名称", max_length=100)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    direction = models.CharField("方向", max_length=4, choices=Direction.choices, default=Direction.UP)
    level = models.PositiveSmallIntegerField("填报层级", choices=Region.Level.choices, default=Region.Level.VILLAGE)
    periodicity = models.CharField("填报周期", max_length=1, choices=Periodicity.choices, default=Periodicity.MONTHLY)
    rule = models.CharField("汇总规则", max_length=12, choices=Rule.choices, default=Rule.SUM)
    temporal = models.CharField("时间汇总", max_length=5, choices=Temporal.choices, default=Temporal.STOCK)
    numerator = models.ForeignKey("self", verbose_name="分子指标", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    denominator = models.ForeignKey("self", verbose_name="分母指标", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    factor = models.DecimalField("系数", max_digits=12, decimal_places=4, default=1)
    source = models.ForeignKey("self", verbose_name="达标判断指标", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    comparator = models.CharField("达标比较", max_length=6, choices=Comparator.choices, blank=True)
    threshold = models.DecimalField("达标阈值", max_digits=20, decimal_places=4, null=True, blank=True)
    min_value = models.DecimalField("允许最小值", max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField("允许最大值", max_digits=20, decimal_places=4, null=True, blank=True)
    integer = models.BooleanField("只能填整数", default=False)
    outlier_ratio = models.DecimalField("异常波动阈值", max_digits=6, decimal_places=2, default=3,
                                        help_text="与本单位前几期平均值相比超过该倍数（或不足其倒数）时须填写说明")
    description = models.TextField("说明", blank=True)
    four_eyes = models.BooleanField("双人审核", default=False, db_default=False,
                                    help_text="开启后，该指标的数据须由填报（提交）人以外的审核员审核（四眼原则）")
    owner = models.ForeignKey(Region, verbose_name="定义单位", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="定义该指标的指挥部所在地区；空为全省通用指标")

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(rule="ratio") | models.Q(numerator__isnull=False, denominator__isnull=False),
                name="indicator_ratio_has_parts"),
            models.CheckConstraint(
                condition=~models.Q(rule__in=["count_where", "share_where"])
                | models.Q(source__isnull=False, threshold__isnull=False),
                name="indicator_where_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    @property
    def yes_no(self) -> bool:
        """A 是/否 indicator (allowed values exactly 0 and 1): entered with two choices, shown as 是/否."""
        return self.min_value == 0 and self.max_value == 1 and (self.integer or "是0否" in self.name)

    @property
    def display_name(self) -> str:
        """The name without the "（1是0否）" coding note (the page shows 是/否 choices instead)."""
        return self.name.replace("（1是0否）", "").replace("(1是0否)", "")

    @property
    def derived(self) -> bool:
        """Derived indicators are computed from others and never reported."""
        return self.rule in self.DERIVED_RULES

    @property
    def computed(self) -> bool:
        """Computed by the platform from another app's records (see COMPUTED_PREFIXES): never reported."""
        return bool(COMPUTED_PREFIXES) and self.code.startswith(tuple(COMPUTED_PREFIXES))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.rule == "ratio" and not (self.numerator_id and self.denominator_id):
            raise ValidationError("比率指标须指定分子和分母指标")
        if self.rule in ("count_where", "share_where") and not (self.source_id and self.comparator
                                                                 and self.threshold is not None):
            raise ValidationError("达标类指标须指定判断指标、比较符和阈值")
        for part in (self.numerator, self.denominator, self.source):
            if part is not None and part.derived:
                raise ValidationError("派生指标只能基于填报指标")

    def periods_of(self, period: Period) -> list[Period]:
        """The rollup periods a reported period feeds: itself, its quarter and its year."""
        out = [period]
        if period.kind == "M":
            out.append(period.quarter())
        if period.kind != "Y":
            out.append(period.year_period())
        return out


class DataValue(models.Model):
    """One reported number: (unit, indicator, period) → value, with its review state and version."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        APPROVED = "approved", "已审核"
        RETURNED = "returned", "已退回"

    # no single-column indexes: (region, indicator, period), (indicator, period, state) and (period, region)
    # lead with them, and every extra index costs a bulk load ~ as much as the table itself
    region = models.ForeignKey(Region, verbose_name="单位", on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="values",
                                  db_index=False)
    period = models.CharField("期间", max_length=7)
    value = models.DecimalField("数值", max_digits=24, decimal_places=6)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT,
                             db_default=State.DRAFT)
    version = models.PositiveIntegerField("版本", default=1, db_default=1)
    comment = models.TextField("填报说明", blank=True, default="", db_default="")
    reason = models.TextField("退回原因", blank=True, default="", db_default="")
    is_simulated = models.BooleanField("模拟数据", default=False, db_default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="最后修改人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    updated_at = models.DateTimeField("最后修改时间", auto_now=True, db_default=Now())
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False,
                                   help_text="最后录入该数值的人（双人审核时不能审核自己填报的数据）")

    class Meta:
        verbose_name = "填报数据"
        verbose_name_plural = "填报数据"
        constraints = [
            models.UniqueConstraint(fields=["region", "indicator", "period"], name="datavalue_unique_key"),
        ]
        indexes = [models.Index(fields=["indicator", "period", "state"], name="datavalue_ind_period_state"),
                   # a period's values by unit without touching the table: the month-end recount
                   models.Index(fields=["period", "region"], name="datavalue_period_region")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.indicator_id}/{self.period} = {self.value}"

    @property
    def locked(self) -> bool:
        return self.state == self.State.APPROVED

    def get_period(self) -> Period:
        return Period.parse(self.period)


class Rollup(models.Model):
    """The maintained value of (unit, indicator, period): the unit's own value when it has one, otherwise the
    aggregate of its children's rows. Kept with the parts needed for incremental upkeep (see rollups.py)."""

    # A derived table rewritten in bulk: no database FK constraints (they cost a trigger per inserted row);
    # Django still cascades deletes of regions and indicators to it.
    region = models.ForeignKey(Region, verbose_name="单位", on_delete=models.CASCADE, related_name="+",
                               db_index=False, db_constraint=False)
    parent = models.ForeignKey(Region, verbose_name="上级", null=True, on_delete=models.CASCADE, related_name="+",
                               db_index=False, db_constraint=False)
    level = models.PositiveSmallIntegerField("层级")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="+",
                                  db_index=False, db_constraint=False)
    period = models.CharField("期间", max_length=7)
    value = models.FloatField("值", null=True)
    own = models.FloatField("本单位填报值", null=True)
    agg = models.FloatField("下级汇总值", null=True)
    n = models.IntegerField("参与汇总单位数", default=0)
    hits = models.IntegerField("达标单位数", default=0)
    num = models.FloatField("分子合计", null=True)
    den = models.FloatField("分母合计", null=True)
    simulated = models.BooleanField("含模拟数据", default=False)
    # reported values not yet approved that `value` includes (the unit's own, or its children's when it has
    # none), and the children's count kept for when the own value goes away
    pending = models.IntegerField("含未审核项数", default=0, db_default=0)
    pending_agg = models.IntegerField("下级含未审核项数", default=0, db_default=0)

    class Meta:
        verbose_name = "汇总值"
        verbose_name_plural = "汇总值"
        constraints = [
            models.UniqueConstraint(fields=["region", "indicator", "period"], name="rollup_unique_key"),
        ]
        indexes = [
            models.Index(fields=["parent", "period", "indicator"], name="rollup_parent_period"),
            models.Index(fields=["indicator", "period", "level"], name="rollup_ind_period_level"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.indicator_id}/{self.period} = {self.value}"


class Target(models.Model):
    """A staged goal with its source: e.g. 自然村生活污水治理率 ≥ 90% by 2024 for 江门市."""

    class Scope(models.TextChoices):
        REGION = "region", "单个单位"
        CLASS = "class", "某类单位（如创先类县）"
        LEVEL = "level", "某级全部单位（如鹤山市各村）"

    class Kind(models.TextChoices):
        LEVEL = "level", "水平值"
        GROWTH = "growth", "年均增速(%)"
        RELATIVE = "relative", "增速高于对标单位"

    class Stage(models.TextChoices):
        START = "2023", "开局起步（2023年）"
        EARLY = "2025", "初见成效（2025年）"
        VISIBLE = "2027", "显著变化（2027年）"
        FUNDAMENTAL = "2032", "根本改变（2032年）"

    title = models.CharField("目标名称", max_length=200, blank=True)
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="targets")
    scope = models.CharField("范围", max_length=6, choices=Scope.choices, default=Scope.REGION)
    region = models.ForeignKey(Region, verbose_name="单位（或上级单位）", on_delete=models.PROTECT, related_name="+")
    class_scheme = models.CharField("分类方案", max_length=50, blank=True)
    class_year = models.PositiveSmallIntegerField("分类年度", null=True, blank=True)
    class_value = models.CharField("类别", max_length=50, blank=True)
    scope_level = models.PositiveSmallIntegerField("层级", choices=Region.Level.choices, null=True, blank=True)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.LEVEL)
    comparator = models.CharField("比较", max_length=6, choices=Comparator.choices, default=Comparator.GE)
    value = models.DecimalField("目标值", max_digits=24, decimal_places=6,
                                help_text="水平值；年均增速(%)；或相对目标须高出对标单位的百分点（通常为 0）")
    baseline_value = models.DecimalField("基期值", max_digits=24, decimal_places=6, null=True, blank=True,
                                         help_text="留空则取各单位在基期的实际值")
    baseline_period = models.CharField("基期", max_length=7, default="202301")
    deadline = models.CharField("完成期限", max_length=7, help_text="如 2025、2024Q4、202406")
    stage = models.CharField("阶段", max_length=4, choices=Stage.choices, default=Stage.EARLY)
    benchmark = models.ForeignKey(Region, verbose_name="对标单位", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", help_text="相对目标：如 增速高于全省平均水平 → 广东省")
    at_risk_band = models.DecimalField("预警区间", max_digits=6, decimal_places=4, default="0.10",
                                       help_text="落后于预期进度不超过（目标值−基期值）的该比例为“有风险”")
    source_document = models.CharField("来源文件", max_length=200, blank=True)
    source_quote = models.TextField("原文", blank=True)
    is_simulated = models.BooleanField("演示数据", default=False)
    archived = models.BooleanField("已归档", default=False, help_text="归档的目标不再参与评价和展示，历史保留")

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(kind="relative") | models.Q(benchmark__isnull=False),
                                   name="target_relative_has_benchmark"),
            models.CheckConstraint(condition=~models.Q(scope="level") | models.Q(scope_level__isnull=False),
                                   name="target_level_scope_has_level"),
        ]

    def __str__(self) -> str:
        unit = "%" if self.kind in (self.Kind.GROWTH, self.Kind.RELATIVE) else self.indicator.unit
        goal = f"{self.comparator_symbol} {fmt(self.value, unit)}"
        return self.title or f"{self.region.name} {self.indicator.name} {goal}"

    @property
    def deadline_label(self) -> str:
        """The deadline as offices write it: 2025年, 2024年第4季度, 2024年6月."""
        try:
            return Period.parse(self.deadline).label
        except PeriodError:
            return self.deadline

    @property
    def comparator_symbol(self) -> str:
        return symbol(self.comparator)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        for name in ("deadline", "baseline_period"):
            try:
                Period.parse(getattr(self, name))
            except PeriodError as exc:
                raise ValidationError({name: str(exc)})
        if self.scope == self.Scope.CLASS and not (self.class_scheme and self.class_value):
            raise ValidationError("分类范围须指定分类方案和类别")


class ValidationRule(models.Model):
    """A check between indicators at entry, like DHIS2's validation rules: left expression, operator, right
    expression, severity — e.g. {已完成污水治理自然村数} ≤ {自然村数}. Expressions reference indicators in braces
    (by code or name) with numbers and + − × ÷; applies to values of units inside `region`."""

    class Severity(models.TextChoices):
        ERROR = "error", "错误（拒绝保存）"
        WARNING = "warning", "警告（审核时提示）"

    name = models.CharField("规则名称", max_length=120)
    region = models.ForeignKey(Region, verbose_name="适用地区", on_delete=models.PROTECT, related_name="+",
                               help_text="规则适用于该地区及其下级单位的填报")
    left = models.CharField("左侧表达式", max_length=300)
    operator = models.CharField("比较", max_length=6, choices=Comparator.choices)
    right = models.CharField("右侧表达式", max_length=300)
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices, default=Severity.ERROR)
    indicators = models.ManyToManyField(Indicator, verbose_name="涉及指标", related_name="validation_rules",
                                        blank=True)
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "校验规则"
        verbose_name_plural = "校验规则"
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name
