from django.contrib import admin

from bqw.accounts.admin import AuditedAdmin

from .models import DataValue, Indicator, Target


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["code", "name", "unit", "level", "periodicity", "rule", "temporal"]
    list_filter = ["level", "periodicity", "rule"]
    search_fields = ["code", "name"]
    raw_id_fields = ["numerator", "denominator", "source"]


@admin.register(DataValue)
class DataValueAdmin(AuditedAdmin):
    """Read-only: values change through the services (checks, versions, rollups)."""

    list_display = ["region", "indicator", "period", "value", "state", "version", "is_simulated"]
    list_filter = ["state", "is_simulated"]
    raw_id_fields = ["region", "indicator", "updated_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ["__str__", "indicator", "region", "scope", "kind", "comparator", "value", "deadline", "stage"]
    list_filter = ["stage", "kind", "scope"]
    raw_id_fields = ["indicator", "region", "benchmark"]
