"""Staff admin for insights: the imported history and the snapshots, read-only."""

from __future__ import annotations

from django.contrib import admin

from compagnon.core.admin import ClubStaffAdminMixin
from compagnon.insights.models import Snapshot, TenureRecord


class _ReadOnly(ClubStaffAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TenureRecord)
class TenureRecordAdmin(_ReadOnly):
    list_display = (
        "organisation",
        "role_family",
        "seniority_years",
        "took_part",
        "landmark_on",
        "left_on",
        "source",
    )
    list_filter = ("took_part", "role_family", "is_demo")
    list_select_related = ("organisation",)


@admin.register(Snapshot)
class SnapshotAdmin(_ReadOnly):
    list_display = ("scope", "organisation", "computed_at", "duration_ms")
    list_select_related = ("organisation",)
    exclude = ("payload",)
