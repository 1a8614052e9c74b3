from django.contrib import admin

from bqw.accounts.admin import AuditedAdmin

from .models import Commitment, Delivery, Helper, Pairing, PairingProject


class HelperInline(admin.TabularInline):
    model = Helper
    raw_id_fields = ["organization", "region"]
    extra = 0


@admin.register(Pairing)
class PairingAdmin(AuditedAdmin):
    list_display = ["__str__", "kind", "region", "start_on", "end_on", "status", "is_simulated"]
    list_filter = ["kind", "status", "is_simulated"]
    raw_id_fields = ["helped_region", "helped_org", "region", "coordinator"]
    inlines = [HelperInline]


@admin.register(Commitment)
class CommitmentAdmin(AuditedAdmin):
    list_display = ["pairing", "kind", "amount", "start_on", "due_on"]
    raw_id_fields = ["pairing", "helper"]


@admin.register(Delivery)
class DeliveryAdmin(AuditedAdmin):
    list_display = ["commitment", "period", "amount", "reported_by"]
    raw_id_fields = ["commitment", "reported_by"]


@admin.register(PairingProject)
class PairingProjectAdmin(AuditedAdmin):
    list_display = ["project", "pairing"]
    raw_id_fields = ["pairing", "project"]
