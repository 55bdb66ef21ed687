"""The staff admin for learning: authoring the catalogue; progress and awards are read-only.

Video files and captions go through the lesson's media page (`lesson_media`),
which checks them; quiz questions are checked by `quiz_question_check`.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from compagnon.core.admin import ClubStaffAdminMixin, ReadOnlyAdminMixin
from compagnon.learning.models import (
    Audience,
    Badge,
    Caption,
    Certificate,
    Cohort,
    CohortMember,
    DiscussionPost,
    Lesson,
    LessonProgress,
    Module,
    Programme,
    QuizAttempt,
    QuizQuestion,
    SkillProposal,
)
from compagnon.learning.services import chapters_check, quiz_question_check


class ModuleInline(ClubStaffAdminMixin, admin.TabularInline):
    model = Module
    fields = ("position", "title_fr", "title_en", "skill_level")
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title_en", "kind", "is_published")
    list_filter = ("kind", "is_published")
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = [ModuleInline]
    raw_id_fields = ("workshop",)


class LessonInline(ClubStaffAdminMixin, admin.TabularInline):
    model = Lesson
    fields = ("position", "title_fr", "title_en", "kind", "duration_minutes", "level")
    extra = 0
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title_en", "programme", "position")
    list_filter = ("programme",)
    filter_horizontal = ("tags",)
    inlines = [LessonInline]


class QuizQuestionForm(forms.ModelForm):
    class Meta:
        model = QuizQuestion
        fields = (
            "position",
            "kind",
            "prompt_fr",
            "prompt_en",
            "choices",
            "expected_number",
            "tolerance",
            "explanation_fr",
            "explanation_en",
        )

    def _post_clean(self):
        super()._post_clean()
        try:
            quiz_question_check(self.instance)
        except ValidationError as error:
            self._update_errors(error)


class QuizQuestionInline(ClubStaffAdminMixin, admin.StackedInline):
    model = QuizQuestion
    form = QuizQuestionForm
    extra = 0


class LessonForm(forms.ModelForm):
    audiences = forms.MultipleChoiceField(
        label=_("audiences"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        choices=(("fr", _("French")), ("en", _("English"))),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Lesson
        fields = (
            "module",
            "position",
            "title_fr",
            "title_en",
            "kind",
            "duration_minutes",
            "level",
            "audiences",
            "languages",
            "prerequisites",
            "licence",
            "body_fr",
            "body_en",
            "video_seconds",
            "chapters",
            "pass_mark",
            "draw_count",
            "dataset_csv",
            "question_fr",
            "question_en",
            "expected_answer",
            "tolerance",
        )

    def clean_chapters(self):
        return chapters_check(
            self.cleaned_data.get("chapters") or [],
            length_seconds=self.cleaned_data.get("video_seconds"),
        )


@admin.register(Lesson)
class LessonAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    form = LessonForm
    list_display = ("title_en", "module", "kind", "duration_minutes", "level")
    list_filter = ("kind", "level", "module__programme")
    filter_horizontal = ("prerequisites",)
    readonly_fields = ("media_link",)
    inlines = [QuizQuestionInline]

    @admin.display(description=_("video and captions"))
    def media_link(self, obj):
        if not obj.pk:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("learning:lesson_media", args=[obj.pk]), _("Upload")
        )


class ReadOnly(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Caption)
class CaptionAdmin(ReadOnly):
    list_display = ("lesson", "language", "uploaded_at")


@admin.register(LessonProgress)
class LessonProgressAdmin(ReadOnly):
    list_display = ("user", "lesson", "share_watched", "quiz_score", "completed_at")
    list_filter = ("lesson__module__programme",)


@admin.register(QuizAttempt)
class QuizAttemptAdmin(ReadOnly):
    list_display = ("user", "lesson", "number", "score", "created_at")


@admin.register(Badge)
class BadgeAdmin(ReadOnly):
    list_display = ("user", "module", "awarded_at")


@admin.register(Certificate)
class CertificateAdmin(ReadOnly):
    list_display = ("holder_name", "programme_title", "issued_at", "code")


@admin.register(SkillProposal)
class SkillProposalAdmin(ReadOnly):
    list_display = ("user", "tag", "level", "status")


class CohortMemberInline(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.TabularInline):
    model = CohortMember
    fields = ("email", "organisation", "invited_at", "joined_at", "wants_more_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Cohort)
class CohortAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    """Cohorts are launched from the site (checks who may launch for whom); dates may be fixed here."""

    list_display = ("title", "programme", "starts_on", "ends_on")
    fields = ("title", "starts_on", "ends_on", "reminder_weekday", "enrol_by_domain")
    inlines = [CohortMemberInline]

    def has_add_permission(self, request, *args):
        return False


@admin.register(DiscussionPost)
class DiscussionPostAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    """Staff may remove a post; nobody edits another's words."""

    list_display = ("cohort", "module", "author", "created_at")
    readonly_fields = ("cohort", "module", "author", "body", "created_at")

    def has_add_permission(self, request, *args):
        return False
