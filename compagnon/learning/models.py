"""The catalogue (programmes > modules > lessons), progress, certificates and cohorts.

A lesson is one of four kinds: a video (served with range requests, captions in
French and English, a transcript made from the captions, chapters), a Markdown
text, a quiz, or an exercise whose answer is checked by value.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from compagnon.core.storage import private_storage


class Audience(models.TextChoices):
    ALL_EMPLOYEES = "all", _("All employees")
    MANAGERS = "managers", _("Managers")
    HR = "hr", _("HR")
    DPO = "dpo", _("Data protection officers")
    DATA_SCIENTISTS = "data_scientists", _("Data scientists")


class LessonLevel(models.IntegerChoices):
    INTRODUCTION = 1, _("Introduction")
    INTERMEDIATE = 2, _("Intermediate")
    ADVANCED = 3, _("Advanced")


class LessonKind(models.TextChoices):
    VIDEO = "video", _("Video")
    TEXT = "text", _("Text")
    QUIZ = "quiz", _("Quiz")
    EXERCISE = "exercise", _("Exercise")


class ProgrammeKind(models.TextChoices):
    ONLINE = "online", _("Online programme")
    ESCAPE_GAME = "escape_game", _("Escape game")
    TRAINING = "training", _("Classic training")
    ACADEMIC = "academic", _("Academic module")


class CaptionLanguage(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")


LICENCES = (
    ("CC-BY-SA-4.0", "CC BY-SA 4.0"),
    ("CC-BY-4.0", "CC BY 4.0"),
    ("CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0"),
    ("members-only", _("Members only, all rights reserved")),
)


class Programme(models.Model):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title_fr = models.CharField(_("French title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200)
    summary_fr = models.TextField(_("French summary"), blank=True, help_text=_("Markdown."))
    summary_en = models.TextField(_("English summary"), blank=True, help_text=_("Markdown."))
    kind = models.CharField(
        _("kind"), max_length=20, choices=ProgrammeKind.choices, default=ProgrammeKind.ONLINE
    )
    partner = models.CharField(
        _("partner"), max_length=200, blank=True, help_text=_("E.g. Sorbonne Université.")
    )
    # Classic trainings reuse the workshops' registration (seats, waiting list, .ics).
    workshop = models.ForeignKey(
        "workshops.Workshop",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programmes",
        verbose_name=_("training session (workshop)"),
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["title_en"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:programme_detail", kwargs={"slug": self.slug})

    @property
    def title(self) -> str:
        return _bilingual(self.title_fr, self.title_en)

    @property
    def summary(self) -> str:
        return _bilingual(self.summary_fr, self.summary_en)


def _bilingual(french: str, english: str) -> str:
    if (get_language() or "fr").startswith("en"):
        return english or french
    return french or english


class Module(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="modules", verbose_name=_("programme")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title_fr = models.CharField(_("French title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200)
    tags = models.ManyToManyField(
        "members.Tag", blank=True, related_name="learning_modules", verbose_name=_("tags")
    )
    skill_level = models.PositiveSmallIntegerField(
        _("skill level proposed on completion"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("1 Notions … 4 Expert, proposed on the module's tags to people who consent."),
    )

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["programme", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _bilingual(self.title_fr, self.title_en)


def lesson_video_upload_to(instance: Lesson, filename: str) -> str:
    return f"learning/videos/{uuid.uuid4().hex}.mp4"


class Lesson(models.Model):
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("module")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title_fr = models.CharField(_("French title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=LessonKind.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=10, validators=[MinValueValidator(1)]
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=LessonLevel.choices, default=LessonLevel.INTRODUCTION
    )
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="unlocks",
        verbose_name=_("prerequisites"),
    )
    licence = models.CharField(
        _("licence"), max_length=40, choices=LICENCES, default="CC-BY-SA-4.0"
    )
    # Text lessons (and the introduction of the others): Markdown, rendered sanitised.
    body_fr = models.TextField(_("French text"), blank=True, help_text=_("Markdown."))
    body_en = models.TextField(_("English text"), blank=True, help_text=_("Markdown."))
    # Video lessons.
    video = models.FileField(
        _("video"), upload_to=lesson_video_upload_to, storage=private_storage, blank=True
    )
    video_seconds = models.PositiveIntegerField(_("video length (seconds)"), null=True, blank=True)
    chapters = models.JSONField(
        _("chapters"), default=list, blank=True, help_text=_('[{"start": 0, "title": "…"}]')
    )
    # Quiz lessons: the share of points needed to pass.
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    draw_count = models.PositiveSmallIntegerField(
        _("questions drawn per attempt"),
        default=0,
        help_text=_("0 asks every question; otherwise each attempt draws this many from the bank."),
    )
    # Exercise lessons: a small CSV and a question answered by one number.
    dataset_csv = models.TextField(_("dataset (CSV)"), blank=True, max_length=200_000)
    question_fr = models.TextField(_("French question"), blank=True)
    question_en = models.TextField(_("English question"), blank=True)
    expected_answer = models.FloatField(_("expected answer"), null=True, blank=True)
    tolerance = models.FloatField(_("tolerance"), default=0.0, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["module", "position", "id"]
        indexes = [models.Index(fields=["kind", "level"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:lesson_detail", kwargs={"pk": self.pk})

    @property
    def title(self) -> str:
        return _bilingual(self.title_fr, self.title_en)

    @property
    def body(self) -> str:
        return _bilingual(self.body_fr, self.body_en)

    @property
    def question(self) -> str:
        return _bilingual(self.question_fr, self.question_en)

    @property
    def length_seconds(self) -> int:
        """What the heartbeat measures against: the video's length, else the planned duration."""
        return self.video_seconds or self.duration_minutes * 60

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels[a]) for a in self.audiences if a in labels]


class Caption(models.Model):
    """One WebVTT file, validated on upload; its cues make the searchable transcript."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(_("language"), max_length=2, choices=CaptionLanguage.choices)
    vtt = models.TextField(_("WebVTT"))
    cues = models.JSONField(default=list, editable=False)
    transcript = models.TextField(editable=False, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("captions")
        verbose_name_plural = _("captions")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "language"], name="caption_lesson_language")
        ]

    def __str__(self) -> str:
        return f"{self.lesson} ({self.language})"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    NUMBER = "number", _("Number with a tolerance")
    ORDERING = "ordering", _("Put in order")


class QuizQuestion(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    prompt_fr = models.TextField(_("French prompt"))
    prompt_en = models.TextField(_("English prompt"))
    # Choices as [{"fr": "…", "en": "…", "correct": true, "feedback_fr": "…", "feedback_en": "…"}];
    # for an ordering question, the items in their right order.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    expected_number = models.FloatField(_("expected number"), null=True, blank=True)
    tolerance = models.FloatField(_("tolerance"), default=0.0, validators=[MinValueValidator(0)])
    explanation_fr = models.TextField(_("French explanation"), blank=True)
    explanation_en = models.TextField(_("English explanation"), blank=True)

    class Meta:
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        ordering = ["lesson", "position", "id"]

    def __str__(self) -> str:
        return self.prompt

    @property
    def prompt(self) -> str:
        return _bilingual(self.prompt_fr, self.prompt_en)

    @property
    def explanation(self) -> str:
        return _bilingual(self.explanation_fr, self.explanation_en)

    def choice_labels(self) -> list[str]:
        return [_bilingual(c.get("fr", ""), c.get("en", "")) for c in self.choices]


class LessonProgress(models.Model):
    """One person's progress on one lesson: started, share watched, completed, quiz score."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    position_seconds = models.FloatField(default=0.0)
    watched_seconds = models.FloatField(default=0.0)
    share_watched = models.FloatField(
        default=0.0, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    quiz_score = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="progress_user_lesson"),
            models.CheckConstraint(
                condition=models.Q(share_watched__gte=0, share_watched__lte=1),
                name="progress_share_0_1",
            ),
        ]
        indexes = [models.Index(fields=["lesson", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson}"

    @property
    def percent_watched(self) -> int:
        return round(self.share_watched * 100)


class Badge(models.Model):
    """A completed module, shown on the profile."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="badges")
    awarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="badge_once")]

    def __str__(self) -> str:
        return str(self.module)


def certificate_code() -> str:
    return uuid.uuid4().hex


class Certificate(models.Model):
    """A completed programme. Name and title are copied so the verification page stays true."""

    code = models.CharField(max_length=32, unique=True, default=certificate_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="learning_certificates",
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="certificates")
    holder_name = models.CharField(_("holder"), max_length=200)
    programme_title = models.CharField(_("programme"), max_length=200)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["user", "programme"], name="certificate_once")
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} · {self.programme_title}"

    def get_verify_url(self) -> str:
        return reverse("learning:certificate_verify", kwargs={"code": self.code})


class LearnerConsent(models.Model):
    """Whether completed modules may propose skill levels on the person's profile."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_consent"
    )
    propose_skills = models.BooleanField(_("propose skills from completed modules"), default=False)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("learner consent")
        verbose_name_plural = _("learner consents")

    def __str__(self) -> str:
        return f"{self.user}: {self.propose_skills}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class SkillProposal(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_proposals"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey("members.Tag", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("skill proposal")
        verbose_name_plural = _("skill proposals")
        constraints = [
            models.UniqueConstraint(fields=["user", "module", "tag"], name="proposal_once")
        ]

    def __str__(self) -> str:
        return f"{self.tag} ({self.level})"


def invite_token() -> str:
    return secrets.token_urlsafe(24)


class Cohort(models.Model):
    """An internal MOOC: a programme run for one or several organisations, week by week."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=200)
    organisations = models.ManyToManyField(
        "members.Organisation", related_name="learning_cohorts", verbose_name=_("organisations")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    reminder_weekday = models.PositiveSmallIntegerField(
        _("weekly reminder day"),
        default=0,
        validators=[MaxValueValidator(6)],
        help_text=_("0 is Monday."),
    )
    enrol_by_domain = models.BooleanField(
        _("anyone with an address at the organisations' domains may join"), default=True
    )
    invite_token = models.CharField(
        max_length=64, unique=True, default=invite_token, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="cohort_dates_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:cohort_detail", kwargs={"pk": self.pk})


class CohortMember(models.Model):
    """Someone invited to a cohort (by email) or who joined it (by link or domain)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="learning_cohorts",
    )
    organisation = models.ForeignKey(
        "members.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)
    wants_more_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("cohort member")
        verbose_name_plural = _("cohort members")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "email"], name="cohort_member_email"),
        ]

    def __str__(self) -> str:
        return self.email


class DiscussionPost(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="posts")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("discussion post")
        verbose_name_plural = _("discussion posts")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["cohort", "module", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]


class QuizAttempt(models.Model):
    """One sending of a quiz: its score, and each answer's correctness (for item analysis)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField(default=1)
    score = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        indexes = [models.Index(fields=["lesson", "user", "number"])]

    def __str__(self) -> str:
        return f"{self.lesson} #{self.number}: {self.score}"


class QuizAnswer(models.Model):
    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="answers")
    correct = models.BooleanField()

    class Meta:
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")

    def __str__(self) -> str:
        return f"{self.question_id}: {self.correct}"
