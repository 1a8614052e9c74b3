from django.contrib import admin

from bqw.accounts.admin import AuditedAdmin

from .models import DraftItem, SourceDocument


class DraftItemInline(admin.TabularInline):
    model = DraftItem
    extra = 0
    fields = ["seq", "kind", "indicator", "comparator", "value", "unit", "deadline", "subject", "state"]
    readonly_fields = fields
    can_delete = False


@admin.register(SourceDocument)
class SourceDocumentAdmin(AuditedAdmin):
    list_display = ["title", "year", "subject", "region", "uploaded_by", "created"]
    search_fields = ["title", "subject"]
    raw_id_fields = ["region", "uploaded_by"]
    inlines = [DraftItemInline]


@admin.register(DraftItem)
class DraftItemAdmin(AuditedAdmin):
    list_display = ["document", "seq", "kind", "indicator", "comparator", "value", "unit", "deadline", "state"]
    list_filter = ["kind", "state"]
    search_fields = ["indicator", "quote"]
    raw_id_fields = ["document", "decided_by"]
