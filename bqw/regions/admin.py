from django.contrib import admin

from bqw.accounts.admin import AuditedAdmin

from .models import Region, RegionClass


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "full_name", "level", "kind", "village_type", "four_eyes"]
    list_filter = ["level", "kind", "village_type", "four_eyes"]
    search_fields = ["code", "full_name"]
    raw_id_fields = ["parent"]


@admin.register(RegionClass)
class RegionClassAdmin(AuditedAdmin):
    list_display = ["region", "scheme", "year", "value"]
    list_filter = ["scheme", "year", "value"]
    raw_id_fields = ["region"]
