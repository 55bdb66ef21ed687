"""Benchathons: a workshop where participants evaluate items (libraries, tools) on a shared grid.

A benchathon is a workshop kind without a new engine: the workshop keeps its
sessions, seats and registrations, and the benchathon adds what is evaluated
(`Item`), on what (`Grid` and its `Criterion` rows), by whom (`Evaluation`: one
row per item and evaluator, made by the assignment, filled in by the evaluator)
and the `Score` each evaluator gives each criterion. The results go to the
workshop's report in `knowledge` when the organisers publish them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

TEXT_MAX_LENGTH = 5000


class Scale(models.TextChoices):
    ONE_TO_FIVE = "1_5", _("1 to 5")
    YES_NO = "yes_no", _("Yes or no")
    NUMBER = "number", _("A number with a unit")
    TEXT = "text", _("Free text")


class Grid(models.Model):
    """An evaluation grid: its criteria, in order. Copied (never shared) from past benchathons."""

    title = models.CharField(_("title"), max_length=200)
    copied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation grid")
        verbose_name_plural = _("evaluation grids")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    grid = models.ForeignKey(
        Grid, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("grid")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)
    unit = models.CharField(
        _("unit"), max_length=30, blank=True, help_text=_("For numbers only: seconds, MB, %…")
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("How much it counts in the overall score (1-5 and yes/no criteria)."),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "name"], name="criterion_name_unique_in_grid")
        ]

    def __str__(self) -> str:
        return self.name


class BenchathonStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing the grid and items")
    EVALUATING = "evaluating", _("Evaluating")
    PUBLISHED = "published", _("Report published")


class Benchathon(models.Model):
    """The benchathon side of a workshop: its grid, its items, and when its report went out."""

    workshop = models.OneToOneField(
        "workshops.Workshop",
        on_delete=models.CASCADE,
        related_name="benchathon",
        verbose_name=_("workshop"),
    )
    grid = models.OneToOneField(
        Grid, on_delete=models.PROTECT, related_name="benchathon", verbose_name=_("grid")
    )
    goal = models.TextField(
        _("goal"),
        max_length=TEXT_MAX_LENGTH,
        blank=True,
        help_text=_("Markdown. What the participants want to learn from the comparison."),
    )
    evaluators_per_item = models.PositiveSmallIntegerField(
        _("evaluators per item"), default=2, validators=[MinValueValidator(2)]
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=BenchathonStatus.choices,
        default=BenchathonStatus.PREPARING,
    )
    # A snapshot of the heatmap taken when the report was published: the report shows
    # what was published, even if an evaluation is corrected afterwards.
    report_chart_svg = models.TextField(blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("benchathon")
        verbose_name_plural = _("benchathons")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(self.workshop)

    def get_absolute_url(self) -> str:
        return reverse("benchathons:detail", kwargs={"pk": self.pk})


class Item(models.Model):
    """One thing under evaluation: a library, a tool, a service."""

    benchathon = models.ForeignKey(
        Benchathon, on_delete=models.CASCADE, related_name="items", verbose_name=_("benchathon")
    )
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("link"), blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("item under evaluation")
        verbose_name_plural = _("items under evaluation")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["benchathon", "name", "version"], name="item_unique_in_benchathon"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


class Evaluation(models.Model):
    """One evaluator's work on one item: made by the assignment, then filled in and submitted."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("item")
    )
    evaluator = models.ForeignKey(
        "members.Person",
        on_delete=models.CASCADE,
        related_name="benchathon_evaluations",
        verbose_name=_("evaluator"),
    )
    evidence = models.TextField(
        _("evidence links"),
        max_length=TEXT_MAX_LENGTH,
        blank=True,
        help_text=_("Notebooks, code, issues: one link per line."),
    )
    notes = models.TextField(_("notes"), max_length=TEXT_MAX_LENGTH, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["item__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "evaluator"], name="one_evaluation_per_item_evaluator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} — {self.evaluator}"

    def get_absolute_url(self) -> str:
        return reverse("benchathons:evaluation", kwargs={"pk": self.pk})

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def evidence_links(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]


class Score(models.Model):
    """One answer of an evaluation: a number (1-5, yes = 1 / no = 0, a measure) or a text."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="scores", verbose_name=_("evaluation")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    number = models.FloatField(_("value"), null=True, blank=True)
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="one_score_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=False) | ~Q(text=""), name="score_has_a_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.number if self.number is not None else self.text}"
