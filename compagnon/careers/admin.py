"""Careers in the admin: read and look, state changes go through the site's pages
(moderation, pipelines), which call the services."""

from __future__ import annotations

from django.contrib import admin

from compagnon.careers.models import CandidateProfile, Offer, RecruitmentSession, SessionSlot
from compagnon.core.admin import ClubStaffAdminMixin


@admin.register(CandidateProfile)
class CandidateProfileAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("person", "lab", "defence_on", "visibility")
    list_filter = ("visibility",)
    search_fields = ("person__last_name", "thesis_title", "lab")
    raw_id_fields = ("person",)
    # The CV is never shown here: it is read through the logged download page.
    exclude = ("cv",)
    readonly_fields = ("visibility", "cv_name")


@admin.register(Offer)
class OfferAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title", "organisation", "status", "audience", "expires_on")
    list_filter = ("status", "audience")
    search_fields = ("title", "organisation__name")
    raw_id_fields = ("posted_by",)
    readonly_fields = ("status", "moderated_by", "published_at")


class SessionSlotInline(admin.TabularInline):
    model = SessionSlot
    extra = 3


@admin.register(RecruitmentSession)
class RecruitmentSessionAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title", "starts_at", "place")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("organisations",)
    inlines = [SessionSlotInline]
