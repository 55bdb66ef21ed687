"""Admin for the awards: staff set up editions, categories and criteria here.

Applications, reviews, decisions and votes are state: they change through the
pages (which call `awards.services`), so the admin shows them read-only, with an
eligibility action that goes through the service.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from compagnon.awards.models import (
    Application,
    Category,
    Criterion,
    Decision,
    Edition,
    Juror,
    PublicVote,
    Review,
)
from compagnon.awards.services import application_check_eligibility
from compagnon.core.admin import ClubStaffAdminMixin, ReadOnlyAdminMixin, service_action_run


class CategoryInline(ClubStaffAdminMixin, admin.TabularInline):
    model = Category
    extra = 0
    fields = (
        "position",
        "name",
        "slug",
        "eligibility",
        "for_organisations",
        "scale_min",
        "scale_max",
    )


class CriterionInline(ClubStaffAdminMixin, admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("position", "name", "weight", "description")


@admin.register(Edition)
class EditionAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("name", "deadline_on", "ceremony_on", "blind_review", "public_vote")
    prepopulated_fields = {"slug": ("name",)}
    # Publication goes through the deliberation board (edition_publish).
    readonly_fields = ("shortlist_published", "winners_published")
    raw_id_fields = ("ceremony_workshop",)
    inlines = (CategoryInline,)


@admin.register(Category)
class CategoryAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("name", "edition", "eligibility", "scale_min", "scale_max")
    list_filter = ("edition",)
    inlines = (CriterionInline,)


@admin.register(Application)
class ApplicationAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title", "edition", "category", "status", "outcome", "submitted_at")
    list_filter = ("edition", "status", "outcome")
    search_fields = ("title",)
    fields = (
        "title",
        "edition",
        "category",
        "applicant",
        "organisation",
        "status",
        "outcome",
        "submitted_at",
        "eligibility_note",
        "eligibility_checked_by",
        "story",
    )
    # Only the winners page story is edited here; the rest belongs to the applicant or the board.
    readonly_fields = tuple(f for f in fields if f != "story")
    actions = ("mark_eligible",)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Mark as eligible"))
    def mark_eligible(self, request, queryset):
        service_action_run(
            self,
            request,
            queryset.order_by("pk"),
            lambda a: application_check_eligibility(application=a, eligible=True, by=request.user),
        )


@admin.register(Juror)
class JurorAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("person", "edition", "status", "invited_at")
    list_filter = ("edition", "status")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("application", "juror", "assigned_at", "submitted_at")
    list_filter = ("application__edition",)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("application", "outcome", "decided_by", "decided_at")


@admin.register(PublicVote)
class PublicVoteAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("application", "edition", "created_at", "confirmed_at")
    fields = ("edition", "application", "created_at", "confirmed_at")
