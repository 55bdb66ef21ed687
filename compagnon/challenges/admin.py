"""The staff admin for challenges: a view on everything; scores and statuses are the task's."""

from __future__ import annotations

from django.contrib import admin

from compagnon.challenges.models import (
    Challenge,
    DataFile,
    RulesAcceptance,
    Score,
    SolutionVersion,
    Submission,
    Team,
    TeamInvitation,
    TeamMembership,
)
from compagnon.core.admin import ClubStaffAdminMixin


class DataFileInline(ClubStaffAdminMixin, admin.TabularInline):
    model = DataFile
    fields = ("name", "description", "size", "uploaded_at")
    readonly_fields = ("name", "size", "uploaded_at")
    extra = 0


@admin.register(Challenge)
class ChallengeAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title", "status", "visibility", "starts_at", "ends_at", "organiser")
    list_filter = ("status", "visibility")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ("organiser", "workshop", "created_by")
    inlines = [DataFileInline]


class ReadOnly:
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SolutionVersion)
class SolutionVersionAdmin(ReadOnly, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("challenge", "number", "rows", "public_rows", "created_at")
    list_select_related = ("challenge",)


class TeamMembershipInline(ClubStaffAdminMixin, admin.TabularInline):
    model = TeamMembership
    fields = ("user", "joined_at")
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Team)
class TeamAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("name", "challenge", "merged_into", "created_at")
    list_filter = ("challenge",)
    search_fields = ("name",)
    raw_id_fields = ("challenge", "merged_into")
    inlines = [TeamMembershipInline]


@admin.register(Submission)
class SubmissionAdmin(ReadOnly, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = (
        "pk",
        "challenge",
        "team",
        "status",
        "public_score",
        "private_score",
        "attempts",
        "counts_toward_quota",
        "created_at",
    )
    list_filter = ("status", "is_baseline", "challenge")
    list_select_related = ("challenge", "team")


@admin.register(Score)
class ScoreAdmin(ReadOnly, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("submission", "solution_version", "public", "private", "scored_at")
    list_select_related = ("submission__challenge", "solution_version__challenge")


admin.site.register(
    RulesAcceptance,
    type(
        "RulesAcceptanceAdmin",
        (ReadOnly, ClubStaffAdminMixin, admin.ModelAdmin),
        {"list_display": ("challenge", "user", "accepted_at")},
    ),
)
admin.site.register(
    TeamInvitation,
    type(
        "TeamInvitationAdmin",
        (ReadOnly, ClubStaffAdminMixin, admin.ModelAdmin),
        {"list_display": ("team", "invitee", "status", "created_at")},
    ),
)
