from django.contrib import admin

from bqw.accounts.admin import AuditedAdmin

from .models import Adjustment, ExternalRanking, Publication, Scheme, SchemeItem


class SchemeItemInline(admin.TabularInline):
    model = SchemeItem
    extra = 0
    raw_id_fields = ["indicator", "target"]


@admin.register(Scheme)
class SchemeAdmin(AuditedAdmin):
    list_display = ["name", "region", "level", "class_scheme", "class_value", "aggregation"]
    search_fields = ["name"]
    raw_id_fields = ["region", "created_by"]
    inlines = [SchemeItemInline]


@admin.register(Publication)
class PublicationAdmin(AuditedAdmin):
    list_display = ["title", "scheme", "period", "published_at", "published_by"]
    readonly_fields = ["inputs", "result"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a publication is frozen


admin.site.register(Adjustment, AuditedAdmin)


@admin.register(ExternalRanking)
class ExternalRankingAdmin(AuditedAdmin):
    list_display = ["region", "list_name", "year", "rank", "source"]
    raw_id_fields = ["region"]
