from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models

from .audit import audit_record, snapshot
from .models import ApiToken, AuditEntry, Unit, User


def _is_region(obj: object) -> bool:
    return isinstance(obj, models.Model) and obj._meta.label == "regions.Region"


def _region_of(obj: models.Model) -> Unit | None:
    """The region an admin change belongs to: the object itself, its `region`, or a user's view scope."""
    if _is_region(obj):
        return obj
    region = getattr(obj, "region", None)
    return region if _is_region(region) else getattr(obj, "view_scope", None)


class AuditedAdmin(admin.ModelAdmin):
    """Admin saves and deletes write an audit row like any service does."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.filter(pk=obj.pk).first()) if change else None
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action=f"admin.{'change' if change else 'add'}", obj=obj,
                     region=_region_of(obj),
                     before=before, after=snapshot(obj))

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action="admin.delete", obj=obj, region=_region_of(obj),
                     before=snapshot(obj))
        super().delete_model(request, obj)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "organization", "role", "view_scope", "capture_scope", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["organization", "view_scope", "capture_scope"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("机构与范围", {"fields": ["organization", "role", "view_scope", "capture_scope"]}),
    ]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_repr", "region"]
    list_filter = ["action"]
    search_fields = ["object_repr", "actor__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created"]
    readonly_fields = ["digest"]
