"""The staff admin for challenges: a view on everything; scores and statuses are the task's.

State moves through `challenges.services`: publishing, archiving and revealing
the private leaderboard are actions; a metric change (which rescores everything),
data files, teams and memberships go through the challenge desk.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from compagnon.challenges.models import (
    Challenge,
    ChallengeStatus,
    DataFile,
    DiscussionPost,
    RulesAcceptance,
    Score,
    SolutionVersion,
    Submission,
    Team,
    TeamInvitation,
    TeamMembership,
)
from compagnon.challenges.services import (
    CHALLENGE_FIELDS,
    challenge_check,
    challenge_reveal_private,
    challenge_update,
    discussion_post_remove,
)
from compagnon.core.admin import ClubStaffAdminMixin, ReadOnlyAdminMixin, service_action_run


class DataFileInline(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.TabularInline):
    """Uploads are checked (size, zip) by `data_file_add` on the challenge desk."""

    model = DataFile
    fields = ("name", "description", "size", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


class ChallengeAdminForm(forms.ModelForm):
    """The challenge desk's checks, shown on the form instead of failing on save."""

    class Meta:
        model = Challenge
        fields = CHALLENGE_FIELDS

    def _post_clean(self):
        super()._post_clean()
        try:
            challenge_check(challenge=self.instance)
        except ValidationError as error:
            self._update_errors(error)


@admin.register(Challenge)
class ChallengeAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    form = ChallengeAdminForm
    list_display = ("title", "status", "visibility", "starts_at", "ends_at", "organiser")
    list_filter = ("status", "visibility")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ("organiser", "workshop", "created_by")
    readonly_fields = (
        "status",
        "metric",
        "higher_is_better",
        "private_revealed_at",
        "created_by",
        "created_at",
        "updated_at",
    )
    inlines = [DataFileInline]
    actions = ("publish", "archive", "reveal_private")

    def has_add_permission(self, request, *args):
        return False  # the challenge desk creates them, with the solution and the files

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in form.changed_data if name in CHALLENGE_FIELDS
        }
        fresh = Challenge.objects.get(pk=obj.pk)
        challenge_update(challenge=fresh, actor=request.user, **fields)
        obj.refresh_from_db()

    def _status(self, request, queryset, status: str) -> None:
        service_action_run(
            self,
            request,
            queryset.order_by("pk"),
            lambda c: challenge_update(challenge=c, actor=request.user, status=status),
        )

    @admin.action(description=_("Publish"))
    def publish(self, request, queryset):
        self._status(request, queryset, ChallengeStatus.PUBLISHED)

    @admin.action(description=_("Archive"))
    def archive(self, request, queryset):
        self._status(request, queryset, ChallengeStatus.ARCHIVED)

    @admin.action(description=_("Reveal the private leaderboard"))
    def reveal_private(self, request, queryset):
        service_action_run(
            self,
            request,
            queryset.order_by("pk"),
            lambda c: challenge_reveal_private(challenge=c, actor=request.user),
        )


ReadOnly = ReadOnlyAdminMixin


@admin.register(SolutionVersion)
class SolutionVersionAdmin(ReadOnly, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("challenge", "number", "rows", "public_rows", "created_at")
    list_select_related = ("challenge",)


class TeamMembershipInline(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.TabularInline):
    """Joining, leaving and merging go through the team services (quota, one team each)."""

    model = TeamMembership
    fields = ("user", "joined_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Team)
class TeamAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("name", "challenge", "merged_into", "created_at")
    list_filter = ("challenge",)
    search_fields = ("name",)
    raw_id_fields = ("challenge", "merged_into")
    readonly_fields = ("challenge", "merged_into", "created_at")
    inlines = [TeamMembershipInline]

    def has_add_permission(self, request, *args):
        return False


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


@admin.register(DiscussionPost)
class DiscussionPostAdmin(ReadOnly, ClubStaffAdminMixin, admin.ModelAdmin):
    """Moderation: a message is taken down with the action, through the service."""

    list_display = ("challenge", "author", "created_at", "__str__")
    list_select_related = ("challenge", "author")
    search_fields = ("body",)
    actions = ("remove",)

    def has_delete_permission(self, request, obj=None):
        return False  # the action below, which goes through the service

    @admin.action(description=_("Take the messages down"))
    def remove(self, request, queryset):
        service_action_run(
            self,
            request,
            queryset.select_related("challenge").order_by("pk"),
            lambda post: discussion_post_remove(post=post, actor=request.user),
        )
