from django.contrib import admin

from bqw.accounts.admin import AuditedAdmin

from .models import Action, Delivery, Milestone, OrgChannel, Plan, ProgressReport, SupervisionNotice, Task, TaskLead


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["name", "region", "start_on", "end_on"]
    raw_id_fields = ["region", "issuer"]


@admin.register(Action)
class ActionAdmin(AuditedAdmin):
    list_display = ["name", "plan", "group", "number"]
    list_filter = ["plan"]


class TaskLeadInline(admin.TabularInline):
    model = TaskLead
    raw_id_fields = ["organization"]
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Task)
class TaskAdmin(AuditedAdmin):
    list_display = ["number", "content", "plan", "deadline_text", "due_on", "progress", "state"]
    list_filter = ["plan", "state", "deadline_kind"]
    search_fields = ["content", "number"]
    raw_id_fields = ["plan", "action", "parent", "region", "regions", "cooperating_units"]
    inlines = [TaskLeadInline, MilestoneInline]


@admin.register(ProgressReport)
class ProgressReportAdmin(AuditedAdmin):
    list_display = ["task", "organization", "percent", "reported_on", "state"]
    list_filter = ["state"]
    raw_id_fields = ["task", "organization", "author", "reviewer"]


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(AuditedAdmin):
    list_display = ["__str__", "kind", "task", "organization", "issued_on", "reply_due"]
    list_filter = ["kind"]
    raw_id_fields = ["task", "organization"]


@admin.register(OrgChannel)
class OrgChannelAdmin(AuditedAdmin):
    list_display = ["organization", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["organization__name"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created", "organization", "medium", "email", "title", "state", "attempts", "error"]
    list_filter = ["state"]
    readonly_fields = ["attempts", "error", "last_try", "next_try", "sent_at"]
