from __future__ import annotations

from django.contrib import admin

from compagnon.core.admin import ClubStaffAdminMixin
from compagnon.webhooks.models import Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    """Endpoints are registered and switched on the staff page (/staff/webhooks/)."""

    list_display = ("url", "is_active", "consecutive_failures", "created_at")
    readonly_fields = (
        "url",
        "description",
        "events",
        "is_active",
        "consecutive_failures",
        "disabled_at",
        "disabled_reason",
        "created_by",
    )

    def has_add_permission(self, request, *args):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("event", "endpoint", "status", "attempts", "last_status_code", "created_at")
    list_filter = ("status", "event")
    readonly_fields = [field.name for field in Delivery._meta.fields]

    def has_add_permission(self, request, *args):
        return False
