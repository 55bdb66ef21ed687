"""The escape game: scenarios authored in versions, and live sessions where teams play one.

A scenario's content (rooms, puzzles, answer rules, hints) belongs to a
`ScenarioVersion`. A published version is frozen: the services refuse to change it
and the admin shows it read-only. Editing means copying it into a new draft. A
session points at the version it started with, so a running game never changes
under the players' feet.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def bilingual(french: str, english: str) -> str:
    if (get_language() or "fr").startswith("en"):
        return english or french
    return french or english


class Scenario(models.Model):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title_fr = models.CharField(_("French title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("escape scenario")
        verbose_name_plural = _("escape scenarios")
        ordering = ["title_fr"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return bilingual(self.title_fr, self.title_en)


class ScenarioVersion(models.Model):
    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, related_name="versions", verbose_name=_("scenario")
    )
    number = models.PositiveIntegerField(_("version"))
    story_fr = models.TextField(_("French story"), blank=True, help_text=_("Markdown."))
    story_en = models.TextField(_("English story"), blank=True, help_text=_("Markdown."))
    duration_minutes = models.PositiveSmallIntegerField(
        _("planned duration (minutes)"), default=45, validators=[MinValueValidator(5)]
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scenario version")
        verbose_name_plural = _("scenario versions")
        ordering = ["scenario", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "number"], name="escape_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scenario} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def story(self) -> str:
        return bilingual(self.story_fr, self.story_en)


class Room(models.Model):
    version = models.ForeignKey(
        ScenarioVersion, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("version")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title_fr = models.CharField(_("French title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200)
    story_fr = models.TextField(_("French story"), blank=True, help_text=_("Markdown."))
    story_en = models.TextField(_("English story"), blank=True, help_text=_("Markdown."))

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return bilingual(self.title_fr, self.title_en)

    @property
    def story(self) -> str:
        return bilingual(self.story_fr, self.story_en)


class ArtefactKind(models.TextChoices):
    TABLE = "table", _("Table")
    CHART = "chart", _("Chart")
    CONFUSION_MATRIX = "confusion_matrix", _("Confusion matrix")
    MODEL_CARD = "model_card", _("Model card")
    LOG = "log", _("Log")


class AnswerRule(models.TextChoices):
    EXACT = "exact", _("Exact (one of the accepted answers)")
    SET = "set", _("Set (every item, in any order)")
    NUMBER = "number", _("Number with a tolerance")
    PATTERN = "pattern", _("Pattern (regular expression)")


class Puzzle(models.Model):
    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, related_name="puzzles", verbose_name=_("room")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title_fr = models.CharField(_("French title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200)
    prompt_fr = models.TextField(_("French question"), help_text=_("Markdown."))
    prompt_en = models.TextField(_("English question"), help_text=_("Markdown."))
    artefact_kind = models.CharField(_("artefact"), max_length=20, choices=ArtefactKind.choices)
    # The artefact's data; any text in it may be {"fr": "…", "en": "…"}. See docs/escape.md.
    artefact = models.JSONField(_("artefact data"), default=dict)
    rule = models.CharField(_("answer rule"), max_length=10, choices=AnswerRule.choices)
    # Never sent to the browser before the puzzle is solved. See escape/answers.py.
    answer = models.JSONField(_("answer"), default=dict)
    answer_shown_fr = models.CharField(_("answer shown in the debrief (French)"), max_length=300)
    answer_shown_en = models.CharField(_("answer shown in the debrief (English)"), max_length=300)
    hints = models.JSONField(
        _("hints"), default=list, blank=True, help_text=_('[{"fr": "…", "en": "…"}], in order.')
    )
    hint_penalty_seconds = models.PositiveIntegerField(
        _("time added per hint (seconds)"), default=120, validators=[MaxValueValidator(3600)]
    )
    lesson_fr = models.TextField(_("what it teaches (French)"), help_text=_("Markdown."))
    lesson_en = models.TextField(_("what it teaches (English)"), help_text=_("Markdown."))
    learning_lesson = models.ForeignKey(
        "learning.Lesson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lesson to go further"),
    )

    class Meta:
        verbose_name = _("puzzle")
        verbose_name_plural = _("puzzles")
        ordering = ["room__position", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return bilingual(self.title_fr, self.title_en)

    @property
    def prompt(self) -> str:
        return bilingual(self.prompt_fr, self.prompt_en)

    @property
    def answer_shown(self) -> str:
        return bilingual(self.answer_shown_fr, self.answer_shown_en)

    @property
    def teaches(self) -> str:
        return bilingual(self.lesson_fr, self.lesson_en)

    def hint_text(self, index: int) -> str:
        hint = self.hints[index]
        return bilingual(hint.get("fr", ""), hint.get("en", ""))


def join_code() -> str:
    return secrets.token_urlsafe(9)


class SessionStatus(models.TextChoices):
    READY = "ready", _("Ready")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    FINISHED = "finished", _("Finished")


class GameSession(models.Model):
    version = models.ForeignKey(
        ScenarioVersion,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("scenario version"),
    )
    title = models.CharField(_("title"), max_length=200)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    code = models.CharField(_("join code"), max_length=20, unique=True, default=join_code)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.READY
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("seconds paused"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("escape session")
        verbose_name_plural = _("escape sessions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("escape:console", kwargs={"pk": self.pk})


class Role(models.TextChoices):
    LEAD = "lead", _("Project lead")
    ANALYST = "analyst", _("Data analyst")
    ETHICS = "ethics", _("Ethics and compliance")
    SCRIBE = "scribe", _("Scribe")


class Team(models.Model):
    session = models.ForeignKey(
        GameSession, on_delete=models.CASCADE, related_name="teams", verbose_name=_("session")
    )
    name = models.CharField(_("name"), max_length=80)
    solved_count = models.PositiveSmallIntegerField(_("puzzles solved"), default=0)
    penalty_seconds = models.PositiveIntegerField(_("time added by hints"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The game clock (without penalties) when the last puzzle fell.
    finished_clock_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["session", "name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="escape_team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("escape:team", kwargs={"pk": self.pk})


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    joined_at = models.DateTimeField(auto_now_add=True)
    # One team per person and session.
    session = models.ForeignKey(GameSession, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="escape_one_team_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.team})"


class PuzzleSolve(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="solves")
    puzzle = models.ForeignKey(Puzzle, on_delete=models.CASCADE, related_name="+")
    solved_at = models.DateTimeField()
    solved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unlocked_by_facilitator = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "puzzle"], name="escape_solve_once")]

    def __str__(self) -> str:
        return f"{self.team} · {self.puzzle}"


class Attempt(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="attempts")
    puzzle = models.ForeignKey(Puzzle, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    given = models.CharField(max_length=300)
    correct = models.BooleanField()
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["team", "at"])]

    def __str__(self) -> str:
        return f"{self.team} · {self.puzzle} · {self.given}"


class HintUse(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="hints_used")
    puzzle = models.ForeignKey(Puzzle, on_delete=models.CASCADE, related_name="+")
    index = models.PositiveSmallIntegerField()
    penalty_seconds = models.PositiveIntegerField()
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField()

    class Meta:
        ordering = ["used_at", "index"]
        constraints = [
            models.UniqueConstraint(fields=["team", "puzzle", "index"], name="escape_hint_once")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.puzzle} · {self.index + 1}"


class Broadcast(models.Model):
    """A clue the facilitator sends to every team of the session."""

    session = models.ForeignKey(GameSession, on_delete=models.CASCADE, related_name="broadcasts")
    text = models.CharField(_("clue"), max_length=500)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.text
