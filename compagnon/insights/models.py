from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.members.models import RoleFamily


class TenureRecord(models.Model):
    """A stretch of a data person's tenure at a member organisation, from the club's records
    before the platform (a spreadsheet, the demo's synthetic history): the "imported history"
    that completes Person since/until for the retention analysis.

    Already in the analysis's shape (see survival.py): observed from a landmark one year
    after the person (or their organisation) joined the club, with whether they took part
    during that first year. No name: these rows are for counts only.
    """

    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role_family = models.CharField(_("role"), max_length=20, choices=RoleFamily.choices)
    seniority_years = models.FloatField(_("years at the organisation at the landmark"))
    took_part = models.BooleanField(_("took part in the club during the first year"))
    landmark_on = models.DateField(_("observed from"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("tenure record")
        verbose_name_plural = _("tenure records")
        ordering = ["organisation", "landmark_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("landmark_on")),
                name="tenure_left_after_landmark",
                violation_error_message=_("The leaving date comes before the landmark."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.role_family} {self.landmark_on}"


class SnapshotScope(models.TextChoices):
    CLUB = "club", _("Club")
    ORGANISATION = "organisation", _("Organisation")


class Snapshot(models.Model):
    """The computed figures for the club or one organisation: what the pages read.

    Written by `services.snapshot_compute` (the nightly task, or staff's "recompute now").
    Invalidation rule: a snapshot is replaced by the next computation; pages treat one older
    than `INSIGHTS_MAX_AGE_HOURS` as stale, say so and queue a recomputation.
    """

    scope = models.CharField(_("scope"), max_length=20, choices=SnapshotScope.choices)
    organisation = models.ForeignKey(
        "members.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    payload = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    duration_ms = models.PositiveIntegerField(_("computation time (ms)"), default=0)

    class Meta:
        verbose_name = _("insights snapshot")
        verbose_name_plural = _("insights snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["scope"],
                condition=models.Q(organisation__isnull=True),
                name="one_club_snapshot",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(organisation__isnull=False),
                name="one_snapshot_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.organisation_id or ''} {self.computed_at:%Y-%m-%d %H:%M}"
