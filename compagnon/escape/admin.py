"""Staff author scenarios here: versions, rooms, puzzles and their answer rules.

A published version is read-only (its sessions keep playing it); the action « Copy
into a new draft » starts the next version. Saves go through the services, which
refuse a frozen version and a puzzle whose rule cannot be played. Sessions, teams
and what they did are read-only: they change through the facilitator console.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from compagnon.core.admin import ClubStaffAdminMixin, ReadOnlyAdminMixin
from compagnon.escape import services
from compagnon.escape.models import GameSession, Puzzle, Room, Scenario, ScenarioVersion, Team


def _frozen(obj) -> bool:
    version = obj if isinstance(obj, ScenarioVersion) else getattr(obj, "version", None)
    if isinstance(obj, Puzzle):
        version = obj.room.version
    return bool(version and version.is_published)


class VersionInline(ClubStaffAdminMixin, admin.TabularInline):
    model = ScenarioVersion
    fields = ("number", "duration_minutes", "published_at")
    readonly_fields = ("published_at",)
    extra = 0
    show_change_link = True


@admin.register(Scenario)
class ScenarioAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title_fr", "title_en", "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = [VersionInline]


class RoomInline(ClubStaffAdminMixin, admin.TabularInline):
    model = Room
    fields = ("position", "title_fr", "title_en")
    extra = 0
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(ScenarioVersion)
class ScenarioVersionAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("scenario", "number", "published_at")
    readonly_fields = ("published_at",)
    inlines = [RoomInline]
    actions = ["publish", "copy"]

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    @admin.action(description=_("Publish (freeze) the selected versions"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                services.scenario_version_publish(version=version)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)

    @admin.action(description=_("Copy into a new draft"))
    def copy(self, request, queryset):
        for version in queryset:
            draft = services.scenario_version_copy(version=version)
            self.message_user(request, _("Draft %(name)s created.") % {"name": draft})


class PuzzleInline(ClubStaffAdminMixin, admin.StackedInline):
    model = Puzzle
    extra = 0
    show_change_link = True
    fields = ("position", "title_fr", "title_en", "artefact_kind", "rule")

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(Room)
class RoomAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title_fr", "version", "position")
    list_select_related = ("version__scenario",)
    inlines = [PuzzleInline]

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.room_save(room=obj)


class PuzzleAdminForm(forms.ModelForm):
    class Meta:
        model = Puzzle
        fields = [
            "room",
            "position",
            "title_fr",
            "title_en",
            "prompt_fr",
            "prompt_en",
            "artefact_kind",
            "artefact",
            "rule",
            "answer",
            "answer_shown_fr",
            "answer_shown_en",
            "hints",
            "hint_penalty_seconds",
            "lesson_fr",
            "lesson_en",
            "learning_lesson",
        ]

    def clean(self):
        cleaned = super().clean()
        room = cleaned.get("room")
        if room is not None and room.version.is_published:
            raise ValidationError(_("This version is published: copy it into a new draft."))
        candidate = Puzzle(
            rule=cleaned.get("rule") or "",
            answer=cleaned.get("answer"),
            hints=cleaned.get("hints") or [],
            artefact=cleaned.get("artefact") or {},
        )
        services.puzzle_check(candidate)
        return cleaned


@admin.register(Puzzle)
class PuzzleAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    form = PuzzleAdminForm
    list_display = ("title_fr", "room", "rule", "artefact_kind")
    list_filter = ("rule", "artefact_kind")
    list_select_related = ("room__version__scenario",)
    raw_id_fields = ("learning_lesson",)

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.puzzle_save(puzzle=obj)


class TeamInline(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.TabularInline):
    model = Team
    fields = ("name", "solved_count", "penalty_seconds", "finished_at")
    extra = 0


@admin.register(GameSession)
class GameSessionAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title", "version", "status", "started_at")
    list_filter = ("status",)
    inlines = [TeamInline]
