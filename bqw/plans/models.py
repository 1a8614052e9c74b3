"""Plans → actions → tasks (→ subtasks down the hierarchy), milestones, progress reports with evidence,
and the supervision ladder (reminder → 督办单 → listed in the briefing) with in-app notifications."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bqw.core.evidence import EvidenceFile
from bqw.core.periods import DUE, ONGOING, RECURRING, Deadline
from bqw.orgs.models import Organization
from bqw.regions.models import Region


class Plan(models.Model):
    """A work plan such as 2024年江门市"百千万工程"工作要点 or 肇庆三年行动计划 (2023—2025)."""

    name = models.CharField("名称", max_length=200, unique=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="plans",
                               help_text="印发计划的地区；决定谁能看到与管理")
    issuer = models.ForeignKey(Organization, verbose_name="印发机构", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    start_on = models.DateField("起始日期")
    end_on = models.DateField("截止日期")
    source = models.CharField("来源", max_length=300, blank=True)
    doc_number = models.CharField("文号", max_length=60, blank=True, default="",
                                  help_text="如 江百千万指〔2024〕3号")
    archived = models.BooleanField("已归档", default=False, help_text="归档后不再出现在计划列表和督办中，可恢复")
    created = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "工作计划"
        verbose_name_plural = "工作计划"
        ordering = ["region__code", "-start_on", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_on__gte=models.F("start_on")), name="plan_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/plans/{self.pk}/"

    @property
    def year(self) -> int:
        """The year that resolves deadlines written without one (年底前, 6月底)."""
        return self.start_on.year


class Action(models.Model):
    """An action line of a plan: 大抓产业发展, 县域经济创先进位消薄行动, 全面加强交通基础设施建设 …"""

    plan = models.ForeignKey(Plan, verbose_name="计划", on_delete=models.CASCADE, related_name="actions")
    name = models.CharField("名称", max_length=120)
    group = models.CharField("分组", max_length=60, blank=True, help_text="如 十大行动 / 十大建设、富县 / 强镇 / 兴村")
    number = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "行动"
        verbose_name_plural = "行动"
        ordering = ["plan", "number", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="action_unique_name_in_plan")]

    def __str__(self) -> str:
        return self.name


class TaskState(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "进行中"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    DONE = "done", "已办结"


class DeadlineKind(models.TextChoices):
    DUE = DUE, "限期"
    RECURRING = RECURRING, "周期性"
    ONGOING = ONGOING, "长期坚持"


class Task(models.Model):
    """A task with lead units, a deadline as written and its parsed due date, weight and progress.

    `region` is the owning unit (scope: who sees and administers it); `regions` are the units it concerns.
    A parent's progress is the weighted progress of its children (kept by services.task_rollup).
    """

    plan = models.ForeignKey(Plan, verbose_name="计划", on_delete=models.CASCADE, related_name="tasks")
    action = models.ForeignKey(Action, verbose_name="所属行动", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="tasks")
    parent = models.ForeignKey("self", verbose_name="上级任务", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    number = models.CharField("序号", max_length=20, blank=True)
    content = models.TextField("任务内容")
    region = models.ForeignKey(Region, verbose_name="责任区划", on_delete=models.PROTECT, related_name="+")
    regions = models.ManyToManyField(Region, verbose_name="涉及地区", blank=True, related_name="plan_tasks")
    lead_units = models.ManyToManyField(Organization, verbose_name="牵头单位", through="TaskLead",
                                        related_name="led_tasks")
    cooperating_units = models.ManyToManyField(Organization, verbose_name="配合单位", blank=True,
                                               related_name="cooperating_tasks")
    deadline_text = models.CharField("完成时限", max_length=60, help_text="照原文填写，如 2024年底前、每季度、长期坚持")
    deadline_kind = models.CharField("时限类型", max_length=10, choices=DeadlineKind.choices, default=DUE)
    due_on = models.DateField("到期日", null=True, blank=True, db_index=True)
    start_on = models.DateField("开始日期", null=True, blank=True, help_text="空则取计划起始日期")
    every = models.CharField("周期", max_length=1, blank=True, help_text="周期性任务：M 月、Q 季度、H 半年、Y 年")
    weight = models.DecimalField("权重", max_digits=6, decimal_places=2, default=1,
                                 validators=[MinValueValidator(0)])
    progress = models.PositiveSmallIntegerField("进度(%)", default=0, validators=[MaxValueValidator(100)])
    state = models.CharField("状态", max_length=12, choices=TaskState.choices, default=TaskState.NOT_STARTED,
                             db_index=True)
    done_on = models.DateField("办结日期", null=True, blank=True)
    last_report_on = models.DateField("最近报送日期", null=True, blank=True)
    targets = models.ManyToManyField("indicators.Target", verbose_name="服务目标", blank=True, related_name="tasks",
                                     help_text="任务所服务的量化目标")
    simulated = models.BooleanField("模拟数据", default=False)
    created = models.DateTimeField("创建时间", auto_now_add=True)
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["plan", "action__number", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="task_progress_0_100"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="task_weight_not_negative"),
            models.CheckConstraint(condition=~models.Q(state="done") | models.Q(done_on__isnull=False),
                                   name="task_done_has_date"),
        ]
        indexes = [models.Index(fields=["plan", "state"], name="task_plan_state")]

    def __str__(self) -> str:
        text = self.content if len(self.content) <= 40 else self.content[:39] + "…"
        return f"{self.number} {text}".strip()

    def save(self, *args, **kwargs) -> None:
        """Model.save; a task read without its timestamps (a board's, see selectors.task_rows) still stamps
        `updated` on a plain save() (Django would save only the loaded fields, and auto_now stamps only those)."""
        deferred = self.get_deferred_fields() if kwargs.get("update_fields") is None and not args else ()
        if "updated" in deferred and not self._state.adding:
            kwargs["update_fields"] = [f.attname for f in self._meta.concrete_fields
                                       if not f.primary_key and f.attname not in deferred] + ["updated"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"/plans/tasks/{self.pk}/"

    @property
    def deadline(self) -> Deadline:
        return Deadline(self.deadline_kind, self.deadline_text, due=self.due_on, start=self.start_on,
                        every=self.every or None)

    def due_at(self, on: date) -> date | None:
        """The date the task (or its current cycle, for 每季度-style tasks) falls due."""
        if self.deadline_kind != RECURRING:  # Deadline.next_due's answer, without building one per task on a board
            return self.due_on
        return self.deadline.next_due(on)

    @property
    def is_done(self) -> bool:
        return self.state == TaskState.DONE


class TaskLead(models.Model):
    """A task's lead unit; `assumed` marks units inferred (the obvious bureau) rather than named in the source."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="lead_links")
    organization = models.ForeignKey(Organization, verbose_name="牵头单位", on_delete=models.PROTECT,
                                     related_name="task_lead_links")
    assumed = models.BooleanField("推定", default=False, help_text="原文未点名，按职能推定的牵头单位")
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "牵头单位"
        verbose_name_plural = "牵头单位"
        ordering = ["task", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "organization"], name="tasklead_unique")]

    def __str__(self) -> str:
        return f"{self.organization}{'（推定）' if self.assumed else ''}"


class Milestone(models.Model):
    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField("节点", max_length=120)
    due_on = models.DateField("节点日期")
    done = models.BooleanField("已完成", default=False)
    done_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "节点"
        verbose_name_plural = "节点"
        ordering = ["task", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.due_on:%Y-%m-%d}）"


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    ACCEPTED = "accepted", "已采纳"
    RETURNED = "returned", "已退回"


class ProgressReport(models.Model):
    """Progress reported by a lead unit; headquarters accepts (the task takes its percent) or returns it."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="reports")
    organization = models.ForeignKey(Organization, verbose_name="报送单位", on_delete=models.PROTECT,
                                     related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    percent = models.PositiveSmallIntegerField("进度(%)", validators=[MaxValueValidator(100)])
    text = models.TextField("进展情况")
    reported_on = models.DateField("报送日期")
    state = models.CharField("状态", max_length=10, choices=ReportState.choices, default=ReportState.SUBMITTED)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reason = models.TextField("退回理由", blank=True)
    created = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "进度报送"
        verbose_name_plural = "进度报送"
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="report_percent_0_100"),
            models.CheckConstraint(condition=~models.Q(state="returned") | ~models.Q(reason=""),
                                   name="report_returned_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.reported_on:%Y-%m-%d} {self.percent}%"


class Evidence(EvidenceFile):
    report = models.ForeignKey(ProgressReport, verbose_name="进度报送", on_delete=models.CASCADE,
                               related_name="evidence")

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"


class SupervisionKind(models.TextChoices):
    REMINDER = "reminder", "到期提醒"
    NOTICE = "notice", "督办单"
    BRIEFING = "briefing", "通报"


class SupervisionNotice(models.Model):
    """One rung of the supervision ladder for one task and one deadline cycle.

    Unique per (task, kind, cycle_due): running the daily pass twice, or on another day of the same
    cycle, never sends the same rung twice. 督办单 carry a number (督办〔2024〕12号) and a reply deadline.
    """

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="supervision")
    kind = models.CharField("类型", max_length=10, choices=SupervisionKind.choices)
    cycle_due = models.DateField("所督到期日")
    issued_on = models.DateField("日期", db_index=True)
    organization = models.ForeignKey(Organization, verbose_name="主送单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="supervision_notices")
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    seq = models.PositiveIntegerField("编号", null=True, blank=True)
    reply_due = models.DateField("回复期限", null=True, blank=True)
    replied_on = models.DateField("回复日期", null=True, blank=True)
    text = models.TextField("内容", blank=True)

    class Meta:
        verbose_name = "督办记录"
        verbose_name_plural = "督办记录"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "cycle_due"], name="supervision_once_per_cycle"),
            models.UniqueConstraint(fields=["year", "seq"], condition=models.Q(kind="notice"),
                                    name="supervision_notice_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.get_kind_display()} {self.task}"

    @property
    def number(self) -> str:
        return f"督办〔{self.year}〕{self.seq}号" if self.kind == SupervisionKind.NOTICE and self.seq else ""


class Notification(models.Model):
    """An in-app message (reminders, 督办单, returned reports); e-mail is sent alongside where an address exists."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                             related_name="notifications")
    task = models.ForeignKey(Task, verbose_name="任务", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField("类型", max_length=20)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    created = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title


class OrgChannel(models.Model):
    """An organization's group robot (企业微信 or 钉钉 webhook URL; 钉钉's signing secret when it uses one)."""

    class Kind(models.TextChoices):
        WECOM = "wecom", "企业微信群机器人"
        DINGTALK = "dingtalk", "钉钉群机器人"

    organization = models.ForeignKey(Organization, verbose_name="机构", on_delete=models.CASCADE,
                                     related_name="channels")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    url = models.URLField("Webhook 地址", max_length=500)
    secret = models.CharField("加签密钥", max_length=200, blank=True, help_text="钉钉机器人启用“加签”时填写")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "群机器人"
        verbose_name_plural = "群机器人"

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_kind_display()}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not self.url.lower().startswith(("http://", "https://")):
            raise ValidationError({"url": "Webhook 地址须以 http:// 或 https:// 开头"})


class Delivery(models.Model):
    """One message to one robot or one e-mail address: attempts, the last error and the next try are kept, so
    failures are visible. A robot message has a channel; an e-mail has an address and no channel."""

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已送达"
        RETRYING = "retrying", "失败待重试"
        FAILED = "failed", "发送失败"

    channel = models.ForeignKey(OrgChannel, verbose_name="渠道", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="deliveries")
    email = models.EmailField("收件邮箱", blank=True, default="")
    organization = models.ForeignKey(Organization, verbose_name="机构", on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, verbose_name="任务", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    kind = models.CharField("类型", max_length=20)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    error = models.CharField("最近错误", max_length=500, blank=True)
    created = models.DateTimeField("创建时间", auto_now_add=True)
    last_try = models.DateTimeField("最近尝试", null=True, blank=True)
    next_try = models.DateTimeField("下次重试", null=True, blank=True)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息投递"
        verbose_name_plural = "消息投递"
        ordering = ["-created", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(channel__isnull=False) | ~models.Q(email=""),
                                              name="delivery_has_recipient")]

    def __str__(self) -> str:
        return f"{self.title} → {self.channel or self.email}"

    @property
    def medium(self) -> str:
        """How it goes: 企业微信群机器人 / 钉钉群机器人 / 邮件."""
        return self.channel.get_kind_display() if self.channel_id else "邮件"
