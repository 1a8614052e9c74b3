"""Projects and the people accountable for them.

Project library (lifecycle 谋划 → 签约 → 储备 → 前期 → 在建 → 竣工 → 投产, milestones, investment per month,
progress reports with evidence), the 招商 pipeline (teams and leads that land as projects), leaders with their
contact assignments (regions, enterprises, projects), the command structure (指挥部 posts, 工作专班) and the
yearly 责任书 (targets and tasks whose statuses are its standing).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from bqw.core.evidence import EvidenceFile
from bqw.orgs.models import Organization
from bqw.regions.models import Region

YI = Decimal(100_000_000)  # 1亿元


class Stage(models.TextChoices):
    IDEA = "idea", "谋划"
    SIGNED = "signed", "签约"
    RESERVE = "reserve", "储备"
    PREP = "prep", "前期"
    BUILDING = "building", "在建"
    COMPLETED = "completed", "竣工"
    PRODUCING = "producing", "投产"


STAGE_ORDER = [s.value for s in Stage]


class Category(models.TextChoices):
    INDUSTRY = "industry", "产业"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    LIVELIHOOD = "livelihood", "民生"
    ECOLOGY = "ecology", "生态"
    ASSISTANCE = "assistance", "帮扶"
    OTHER = "other", "其他"


class Source(models.TextChoices):
    INVESTMENT_PROMOTION = "promotion", "招商引资"
    GOVERNMENT = "government", "政府投资"
    SOCIAL = "social", "社会投资"
    ASSISTANCE = "assistance", "帮扶"


class Leader(models.Model):
    """A leading official with a post (市委书记, 副市长, 镇委书记 …) in an organization; `user` is their login,
    if they have one (their page then opens for them)."""

    name = models.CharField("姓名", max_length=60)
    post = models.CharField("职务", max_length=60)
    organization = models.ForeignKey(Organization, verbose_name="所在单位", on_delete=models.PROTECT,
                                     related_name="leaders")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="leader")
    rank = models.PositiveSmallIntegerField("排序", default=0)
    simulated = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "领导"
        verbose_name_plural = "领导"
        ordering = ["region__code", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "name", "post"], name="leader_unique_in_region")]

    def __str__(self) -> str:
        return self.name if self.post in self.name else f"{self.post}{self.name}"

    def get_absolute_url(self) -> str:
        return f"/projects/leaders/{self.pk}/"


class Project(models.Model):
    """A project of the library. Investment in 元; `completed_investment` is the sum of its monthly rows."""

    name = models.CharField("项目名称", max_length=200)
    region = models.ForeignKey(Region, verbose_name="所在地区", on_delete=models.PROTECT, related_name="projects",
                               help_text="县（市、区）、镇（街）、村或功能区")
    category = models.CharField("类别", max_length=16, choices=Category.choices, default=Category.INDUSTRY)
    source = models.CharField("来源", max_length=12, choices=Source.choices, default=Source.INVESTMENT_PROMOTION)
    industry = models.CharField("行业", max_length=60, blank=True)
    investor = models.CharField("投资主体", max_length=120, blank=True)
    planned_investment = models.DecimalField("计划总投资(元)", max_digits=18, decimal_places=2)
    completed_investment = models.DecimalField("累计完成投资(元)", max_digits=18, decimal_places=2, default=0)
    responsible = models.ForeignKey(Organization, verbose_name="责任单位", on_delete=models.PROTECT,
                                    related_name="responsible_projects")
    leader = models.ForeignKey(Leader, verbose_name="联系领导", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="projects")
    stage = models.CharField("阶段", max_length=10, choices=Stage.choices, default=Stage.IDEA, db_index=True)
    intro_on = models.DateField("入库（引进）日期", help_text="计入当月引进项目数与计划投资")
    planned_start_on = models.DateField("计划开工日期", null=True, blank=True)
    planned_end_on = models.DateField("计划竣工日期", null=True, blank=True)
    started_on = models.DateField("实际开工日期", null=True, blank=True)
    completed_on = models.DateField("竣工日期", null=True, blank=True)
    producing_on = models.DateField("投产日期", null=True, blank=True)
    last_report_on = models.DateField("最近报送日期", null=True, blank=True)
    archived = models.BooleanField("已归档", default=False)
    simulated = models.BooleanField("模拟数据", default=False)
    note = models.TextField("备注", blank=True)
    created = models.DateTimeField("创建时间", auto_now_add=True)
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["region__code", "-planned_investment", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(planned_investment__gte=0), name="project_planned_not_negative"),
            models.UniqueConstraint(fields=["region", "name"], name="project_unique_name_in_region"),
            models.CheckConstraint(
                condition=~models.Q(stage__in=["building", "completed", "producing"])
                | models.Q(started_on__isnull=False), name="project_building_has_start"),
        ]
        indexes = [models.Index(fields=["region", "stage"], name="project_region_stage")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/projects/{self.pk}/"

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.stage)

    @property
    def is_major(self) -> bool:
        """亿元以上项目."""
        return self.planned_investment >= YI


class StageChange(models.Model):
    """History of the lifecycle: who moved the project, from which stage to which, when and why."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField("原阶段", max_length=10, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=10, choices=Stage.choices)
    on = models.DateField("日期")
    reason = models.TextField("理由")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "阶段变更"
        verbose_name_plural = "阶段变更"
        ordering = ["project", "on", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_stage_display() or '入库'} → {self.get_to_stage_display()}（{self.on}）"


class ProjectMilestone(models.Model):
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField("节点", max_length=60, help_text="如 签约、供地、开工、竣工、投产")
    planned_on = models.DateField("计划日期")
    actual_on = models.DateField("实际日期", null=True, blank=True)

    class Meta:
        verbose_name = "项目节点"
        verbose_name_plural = "项目节点"
        ordering = ["project", "planned_on", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="project_milestone_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.planned_on}）"


class Investment(models.Model):
    """Investment completed by a project in one month (元)."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="investments")
    period = models.CharField("月份", max_length=6, help_text="如 202309")
    amount = models.DecimalField("完成投资(元)", max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = "完成投资"
        verbose_name_plural = "完成投资"
        ordering = ["project", "period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="investment_unique_month"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="investment_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.period} {self.amount}"


class ProjectReport(models.Model):
    """Progress reported for a project (text, optional investment of the month, evidence files)."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    reported_on = models.DateField("报送日期")
    text = models.TextField("进展情况")
    created = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "项目进展"
        verbose_name_plural = "项目进展"
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.reported_on}"


class ProjectEvidence(EvidenceFile):
    report = models.ForeignKey(ProjectReport, verbose_name="项目进展", on_delete=models.CASCADE,
                               related_name="evidence")

    class Meta:
        verbose_name = "项目佐证材料"
        verbose_name_plural = "项目佐证材料"


class ProjectNotice(models.Model):
    """A rung of the supervision ladder for a project: a reminder (no report for N days) or a 督办单 (red light),
    once per (project, kind, cause) so re-running the daily pass never sends twice."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "提醒"
        NOTICE = "notice", "督办单"

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    cause = models.CharField("事由键", max_length=60)
    issued_on = models.DateField("日期")
    organization = models.ForeignKey(Organization, verbose_name="主送单位", on_delete=models.PROTECT,
                                     related_name="+")
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    seq = models.PositiveIntegerField("编号", null=True, blank=True)
    text = models.TextField("内容")

    class Meta:
        verbose_name = "项目督办"
        verbose_name_plural = "项目督办"
        ordering = ["-issued_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["project", "kind", "cause"], name="project_notice_once")]

    def __str__(self) -> str:
        return self.number or f"{self.get_kind_display()} {self.project}"

    @property
    def number(self) -> str:
        return f"项目督办〔{self.year}〕{self.seq}号" if self.kind == self.Kind.NOTICE and self.seq else ""


# ---------------------------------------------------------------- 招商


class InvestmentTeam(models.Model):
    """A 招商小组: a leading official, members, and the leads it works."""

    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    head = models.ForeignKey(Leader, verbose_name="牵头领导", on_delete=models.PROTECT, related_name="led_teams")
    members = models.ManyToManyField(Leader, verbose_name="成员", blank=True, related_name="member_teams")
    focus = models.CharField("招商方向", max_length=120, blank=True)
    simulated = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "招商小组"
        verbose_name_plural = "招商小组"
        ordering = ["region__code", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/projects/teams/{self.pk}/"


class LeadStage(models.TextChoices):
    LEAD = "lead", "线索"
    TALKS = "talks", "洽谈"
    SIGNED = "signed", "签约"
    LANDED = "landed", "落地"


LEAD_ORDER = [s.value for s in LeadStage]


class InvestmentLead(models.Model):
    """A 招商 lead: 线索 → 洽谈 → 签约 → 落地 (becomes a project); `dropped` keeps the stage it reached."""

    team = models.ForeignKey(InvestmentTeam, verbose_name="招商小组", on_delete=models.CASCADE, related_name="leads")
    name = models.CharField("项目名称", max_length=200)
    investor = models.CharField("投资方", max_length=120, blank=True)
    industry = models.CharField("行业", max_length=60, blank=True)
    region = models.ForeignKey(Region, verbose_name="拟落地地区", on_delete=models.PROTECT, related_name="+")
    planned_investment = models.DecimalField("意向投资(元)", max_digits=18, decimal_places=2, default=0)
    stage = models.CharField("阶段", max_length=8, choices=LeadStage.choices, default=LeadStage.LEAD)
    dropped = models.BooleanField("已终止", default=False)
    found_on = models.DateField("获取日期")
    signed_on = models.DateField("签约日期", null=True, blank=True)
    landed_on = models.DateField("落地日期", null=True, blank=True)
    project = models.OneToOneField(Project, verbose_name="落地项目", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="lead")
    simulated = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "招商线索"
        verbose_name_plural = "招商线索"
        ordering = ["team", "-found_on", "id"]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- leaders' assignments, command, letters


class Assignment(models.Model):
    """A leader's contact assignment: 定点联系/挂钩 a region, an enterprise or a project (exactly one)."""

    class Kind(models.TextChoices):
        CONTACT = "contact", "定点联系"
        LINK = "link", "挂钩联系"
        GUARANTEE = "guarantee", "包保"

    leader = models.ForeignKey(Leader, verbose_name="领导", on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField("方式", max_length=10, choices=Kind.choices, default=Kind.CONTACT)
    region = models.ForeignKey(Region, verbose_name="联系地区", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    enterprise = models.ForeignKey(Organization, verbose_name="联系企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, verbose_name="联系项目", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="assignments")
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    simulated = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "挂钩联系"
        verbose_name_plural = "挂钩联系"
        ordering = ["leader", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(region__isnull=False, enterprise__isnull=True, project__isnull=True)
                           | models.Q(region__isnull=True, enterprise__isnull=False, project__isnull=True)
                           | models.Q(region__isnull=True, enterprise__isnull=True, project__isnull=False)),
                name="assignment_exactly_one_object"),
        ]

    def __str__(self) -> str:
        obj = self.region or self.enterprise or self.project
        return f"{self.leader} {self.get_kind_display()} {obj}"


class CommandPost(models.Model):
    """A seat in a headquarters (指挥部): 总指挥, 第一副总指挥, 副总指挥, 成员."""

    class Role(models.TextChoices):
        COMMANDER = "commander", "总指挥"
        FIRST_DEPUTY = "first_deputy", "第一副总指挥"
        DEPUTY = "deputy", "副总指挥"
        MEMBER = "member", "成员"

    headquarters = models.ForeignKey(Organization, verbose_name="指挥部", on_delete=models.CASCADE,
                                     related_name="command_posts")
    leader = models.ForeignKey(Leader, verbose_name="领导", on_delete=models.CASCADE, related_name="command_posts")
    role = models.CharField("职务", max_length=14, choices=Role.choices)

    class Meta:
        verbose_name = "指挥部职务"
        verbose_name_plural = "指挥部职务"
        ordering = ["headquarters", "id"]
        constraints = [models.UniqueConstraint(fields=["headquarters", "leader"], name="command_post_unique")]

    def __str__(self) -> str:
        return f"{self.headquarters} {self.get_role_display()} {self.leader}"


class WorkTeam(models.Model):
    """A 工作专班 of a headquarters, led by one leader."""

    headquarters = models.ForeignKey(Organization, verbose_name="指挥部", on_delete=models.CASCADE,
                                     related_name="work_teams")
    name = models.CharField("名称", max_length=100)
    head = models.ForeignKey(Leader, verbose_name="牵头领导", on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(Organization, verbose_name="成员单位", blank=True, related_name="+")
    duty = models.TextField("职责", blank=True)

    class Meta:
        verbose_name = "工作专班"
        verbose_name_plural = "工作专班"
        ordering = ["headquarters", "id"]
        constraints = [models.UniqueConstraint(fields=["headquarters", "name"], name="work_team_unique")]

    def __str__(self) -> str:
        return self.name


class Letter(models.Model):
    """A 责任书 for a year between a county (or town) and the level above: its targets and tasks; its
    standing is their statuses and lights."""

    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(Region, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    issuer = models.ForeignKey(Region, verbose_name="上级", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("标题", max_length=200)
    signed_on = models.DateField("签订日期", null=True, blank=True)
    issuer_signatory = models.ForeignKey(Leader, verbose_name="上级签订人", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    signatory = models.ForeignKey(Leader, verbose_name="责任人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    targets = models.ManyToManyField("indicators.Target", verbose_name="目标", blank=True, related_name="letters")
    tasks = models.ManyToManyField("plans.Task", verbose_name="任务", blank=True, related_name="letters")
    simulated = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "责任书"
        verbose_name_plural = "责任书"
        ordering = ["-year", "region__code"]
        constraints = [models.UniqueConstraint(fields=["year", "region"], name="letter_once_per_year")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/projects/letters/{self.pk}/"
