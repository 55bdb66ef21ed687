"""Expert engagements: a case answered by an expert's help over weeks, with its time ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SCOPE_MAX_LENGTH = 5000
TERMS_MAX_LENGTH = 3000
REPORT_MAX_LENGTH = 10_000
NOTE_MAX_LENGTH = 500
REASON_MAX_LENGTH = 1000


class EngagementStatus(models.TextChoices):
    ACTIVE = "active", _("Running")
    CLOSED = "closed", _("Closed")


class HalfDaysPerWeek(models.IntegerChoices):
    HALF = 1, _("Half a day a week")
    ONE = 2, _("One day a week")
    ONE_AND_HALF = 3, _("One and a half days a week")
    TWO = 4, _("Two days a week")


class Engagement(models.Model):
    """An expert helping the person who brought a case, a few half-days a week over weeks."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="engagements",
        verbose_name=_("case"),
    )
    expert = models.ForeignKey(
        "members.Person",
        on_delete=models.PROTECT,
        related_name="engagements_given",
        verbose_name=_("expert"),
    )
    # The person who asked: they confirm the expert's time. The case's bringer when set up.
    asker = models.ForeignKey(
        "members.Person",
        on_delete=models.PROTECT,
        related_name="engagements_asked",
        verbose_name=_("asked by"),
    )
    scope = models.TextField(
        _("agreed scope"), max_length=SCOPE_MAX_LENGTH, help_text=_("Markdown.")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    half_days_per_week = models.PositiveSmallIntegerField(
        _("time per week"), choices=HalfDaysPerWeek.choices, default=HalfDaysPerWeek.ONE
    )
    confidentiality_terms = models.TextField(
        _("confidentiality terms"),
        max_length=TERMS_MAX_LENGTH,
        blank=True,
        help_text=_("What the expert may see, keep and tell: data, code, results. Markdown."),
    )
    # An anonymised case hides its organisation from other organisations' people, the
    # expert included, unless the organisation agrees to name itself to them.
    organisation_shown_to_expert = models.BooleanField(
        _("the expert may know who asked"),
        default=True,
        help_text=_(
            "On an anonymised case, tick only if the organisation agreed to be named to the "
            "expert. Otherwise the expert sees “a member organisation”."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EngagementStatus.choices,
        default=EngagementStatus.ACTIVE,
    )
    outcome = models.ForeignKey(
        "knowledge.Outcome",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagements",
        verbose_name=_("outcome"),
    )
    closing_summary = models.TextField(
        _("closing summary"), max_length=REPORT_MAX_LENGTH, blank=True, help_text=_("Markdown.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set up by"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("expert engagement")
        verbose_name_plural = _("expert engagements")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="engagement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(half_days_per_week__gte=1, half_days_per_week__lte=4),
                name="engagement_half_days_per_week_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} / {self.expert}"

    def get_absolute_url(self) -> str:
        return reverse("engagements:detail", kwargs={"pk": self.pk})

    @property
    def days_per_week(self) -> float:
        return self.half_days_per_week / 2


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")


class LedgerEntry(models.Model):
    """Half-days the expert gave on one date, confirmed or disputed by the person who asked."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="entries", verbose_name=_("engagement")
    )
    worked_on = models.DateField(_("date"))
    half_days = models.PositiveSmallIntegerField(
        _("time"), choices=[(1, _("Half a day")), (2, _("A full day"))], default=1
    )
    note = models.CharField(_("what was done"), max_length=NOTE_MAX_LENGTH, blank=True)
    logged_by = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    logged_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    decided_by = models.ForeignKey(
        "members.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed or disputed by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.TextField(_("why disputed"), max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["worked_on", "pk"]
        indexes = [
            models.Index(fields=["engagement", "worked_on"]),
            models.Index(fields=["status", "logged_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(half_days__gte=1, half_days__lte=2), name="entry_half_days_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} {self.worked_on} x{self.half_days}"

    @property
    def iso_week(self) -> tuple[int, int]:
        year, week, _day = self.worked_on.isocalendar()
        return year, week


class StatusReport(models.Model):
    """Where the engagement stands, written by the expert (or staff) as it goes."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="reports", verbose_name=_("engagement")
    )
    author = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("report"), max_length=REPORT_MAX_LENGTH, help_text=_("Markdown."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.engagement_id} {self.created_at:%Y-%m-%d}"
