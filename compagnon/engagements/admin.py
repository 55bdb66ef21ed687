"""Admin for engagements: read-only. Engagements are set up, logged, confirmed and closed
on their pages, which call `engagements.services`."""

from __future__ import annotations

from django.contrib import admin

from compagnon.core.admin import ClubStaffAdminMixin, ReadOnlyAdminMixin
from compagnon.engagements.models import Engagement, LedgerEntry, StatusReport


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = (
        "case",
        "expert",
        "asker",
        "starts_on",
        "ends_on",
        "half_days_per_week",
        "status",
    )
    list_filter = ("status",)
    search_fields = ("case__title", "expert__last_name")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("engagement", "worked_on", "half_days", "status", "logged_at", "decided_at")
    list_filter = ("status",)


@admin.register(StatusReport)
class StatusReportAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("engagement", "author", "created_at")
