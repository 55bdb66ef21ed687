"""The staff admin for reports, notes and outcomes.

Reports and notes saved here are re-indexed for search after their
many-to-many fields are saved; the pages remain the main way to write them.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from compagnon.core.admin import ClubStaffAdminMixin, service_action_run
from compagnon.knowledge.models import Note, Outcome, Report
from compagnon.knowledge.services import (
    report_publish,
    report_unpublish,
    search_document_sync_note,
    search_document_sync_report,
)


@admin.register(Report)
class ReportAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title", "workshop", "status", "visibility", "published_at")
    list_filter = ("status", "visibility")
    list_select_related = ("workshop",)
    search_fields = ("title", "workshop__title")
    autocomplete_fields = ("authors",)
    raw_id_fields = ("workshop",)
    readonly_fields = ("status", "published_at", "created_by", "created_at", "updated_at")
    actions = ("publish", "unpublish")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search_document_sync_report(report=form.instance)

    @admin.action(description=_("Publish (with the visibility each report has)"))
    def publish(self, request, queryset):
        service_action_run(
            self,
            request,
            queryset.select_related("workshop").order_by("pk"),
            lambda r: report_publish(report=r, actor=request.user),
        )

    @admin.action(description=_("Back to draft"))
    def unpublish(self, request, queryset):
        service_action_run(
            self,
            request,
            queryset.select_related("workshop").order_by("pk"),
            lambda r: report_unpublish(report=r, actor=request.user),
        )


@admin.register(Note)
class NoteAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title", "author", "visibility", "created_at")
    list_filter = ("visibility",)
    list_select_related = ("author",)
    search_fields = ("title", "author__last_name")
    autocomplete_fields = ("author", "tags")
    raw_id_fields = ("workshops",)
    readonly_fields = ("created_at", "updated_at")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search_document_sync_note(note=form.instance)


@admin.register(Outcome)
class OutcomeAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "date", "case", "workshop")
    list_filter = ("kind",)
    list_select_related = ("case", "workshop")
    search_fields = ("title", "description")
    autocomplete_fields = ("organisations",)
    raw_id_fields = ("case", "workshop")
    readonly_fields = ("created_by", "created_at")
