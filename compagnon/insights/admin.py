"""Staff admin for insights: the imported history and the snapshots, read-only."""

from __future__ import annotations

from django.contrib import admin

from compagnon.core.admin import ClubStaffAdminMixin
from compagnon.insights.models import (
    PastTenure,
    Snapshot,
    SnapshotRun,
    TenureImport,
    TenureRecord,
)


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


@admin.register(PastTenure)
class PastTenureAdmin(_ReadOnly):
    """Written only by the CSV import (insights: "Import past tenure")."""

    list_display = ("person", "organisation", "role_family", "started_on", "ended_on")
    list_filter = ("role_family",)
    list_select_related = ("person", "organisation")
    raw_id_fields = ("person", "organisation", "tenure_import")


@admin.register(TenureImport)
class TenureImportAdmin(_ReadOnly):
    list_display = ("filename", "status", "uploaded_by", "uploaded_at", "rows_created")
    list_select_related = ("uploaded_by",)
    exclude = ("content",)


@admin.register(SnapshotRun)
class SnapshotRunAdmin(_ReadOnly):
    list_display = ("organisation", "status", "step", "steps", "requested_at", "finished_at")
    list_filter = ("status",)
    list_select_related = ("organisation",)
