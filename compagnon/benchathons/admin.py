"""The staff admin for benchathons: to look, not to write.

Grids, items, assignments and evaluations change on the benchathon pages, through
the services (which lock the grid once answers exist and keep the report in step);
here staff read them, and may remove a benchathon with everything it holds.
"""

from __future__ import annotations

from django.contrib import admin

from compagnon.benchathons.models import Benchathon, Criterion, Evaluation, Grid, Item, Score
from compagnon.core.admin import ClubStaffAdminMixin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CriterionInline(ReadOnlyInline):
    model = Criterion
    fields = ("position", "name", "scale", "unit", "weight")


class ItemInline(ReadOnlyInline):
    model = Item
    fields = ("name", "url", "version")


class ScoreInline(ReadOnlyInline):
    model = Score
    fields = ("criterion", "number", "text")


class ReadOnlyAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Grid)
class GridAdmin(ReadOnlyAdmin):
    list_display = ("title", "copied_from", "created_at")
    search_fields = ("title",)
    inlines = (CriterionInline,)


@admin.register(Benchathon)
class BenchathonAdmin(ReadOnlyAdmin):
    list_display = ("workshop", "status", "evaluators_per_item", "published_at")
    list_filter = ("status",)
    list_select_related = ("workshop",)
    search_fields = ("workshop__title",)
    exclude = ("report_chart_svg",)
    inlines = (ItemInline,)


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("item", "evaluator", "submitted_at")
    list_filter = ("submitted_at",)
    list_select_related = ("item", "evaluator")
    search_fields = ("item__name", "evaluator__last_name", "evaluator__email")
    inlines = (ScoreInline,)
