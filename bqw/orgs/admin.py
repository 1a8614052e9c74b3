from django.contrib import admin

from bqw.accounts.admin import AuditedAdmin

from .models import Organization


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "region", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "region__full_name"]
    raw_id_fields = ["region", "parent"]
