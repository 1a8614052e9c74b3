from django.contrib import admin

from bqw.accounts.admin import AuditedAdmin

from .models import Assignment, CommandPost, InvestmentLead, InvestmentTeam, Leader, Letter, Project, WorkTeam


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ["name", "region", "category", "source", "stage", "planned_investment", "simulated"]
    list_filter = ["stage", "category", "source", "simulated"]
    search_fields = ["name", "investor"]
    raw_id_fields = ["region", "responsible", "leader"]

    def has_add_permission(self, request) -> bool:  # projects change through services (aggregates, history)
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


for model in (Leader, Assignment, CommandPost, WorkTeam, InvestmentTeam, InvestmentLead, Letter):
    admin.site.register(model, AuditedAdmin)
