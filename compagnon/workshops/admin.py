"""Admin for workshops: a safety net for staff; the pages and services are the main way in."""

from django.contrib import admin

from compagnon.workshops.models import (
    Feedback,
    FeedbackLevel,
    Material,
    Registration,
    Session,
    Workshop,
)


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ("kind", "title", "url", "file", "registered_only")


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "format", "mode", "base", "starts_at")
    list_filter = ("status", "format", "mode", "audience", "base")
    search_fields = ("title",)
    date_hierarchy = "starts_at"
    raw_id_fields = ("origin_case", "parent", "created_by")
    filter_horizontal = ("hosts", "invitees", "tags", "excluded_organisations")
    readonly_fields = ("starts_at", "ends_at", "published_at", "cancelled_at", "time_zone")
    inlines = [SessionInline, MaterialInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("person", "workshop", "status", "seat", "attendance", "queued_at")
    list_filter = ("status", "seat", "attendance")
    search_fields = ("person__first_name", "person__last_name", "workshop__title")
    raw_id_fields = ("workshop", "person", "organisation", "attendance_marked_by")


class FeedbackLevelInline(admin.TabularInline):
    model = FeedbackLevel
    extra = 0


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("registration", "rating", "created_at")
    raw_id_fields = ("registration",)
    filter_horizontal = ("keep_working_with_people", "keep_working_with_organisations")
    inlines = [FeedbackLevelInline]
