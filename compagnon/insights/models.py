from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
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


class PastTenure(models.Model):
    """A person's earlier stretch at a member organisation, imported from a CSV by staff
    (`tenure_import.py`): tenure the profile's since/until cannot hold (they were somewhere else
    before, or the club's records go back further). Finished stretches only: one still running is
    the profile's "at the organisation since". Linked to the person, so the analysis reads the
    days they took part during it from the club's own records."""

    person = models.ForeignKey(
        "members.Person",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role_family = models.CharField(_("role"), max_length=20, choices=RoleFamily.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("left on"))
    tenure_import = models.ForeignKey(
        "insights.TenureImport",
        on_delete=models.PROTECT,
        related_name="tenures",
        verbose_name=_("import"),
    )

    class Meta:
        verbose_name = _("past tenure")
        verbose_name_plural = _("past tenures")
        ordering = ["person", "started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__gt=models.F("started_on")),
                name="past_tenure_ends_after_start",
                violation_error_message=_("The leaving date comes before the start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.organisation_id} {self.started_on}/{self.ended_on}"


class TenureImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed")
    APPLIED = "applied", _("Imported")


class TenureImport(models.Model):
    """An uploaded CSV of past tenure: kept between the preview and the apply, re-checked when
    applied (all rows or none), and the record of who imported what."""

    filename = models.CharField(_("file name"), max_length=255)
    content = models.TextField(_("content"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TenureImportStatus.choices,
        default=TenureImportStatus.PREVIEWED,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)

    class Meta:
        verbose_name = _("tenure import")
        verbose_name_plural = _("tenure imports")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class SnapshotRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


RUN_ACTIVE = (SnapshotRunStatus.QUEUED, SnapshotRunStatus.RUNNING)


class SnapshotRun(models.Model):
    """One computation of a snapshot asked by a page (none yet, or out of date), with its
    progress for the page to show. At most one queued or running per scope (the constraints):
    asking twice finds the first, so a page reloaded ten times queues one computation."""

    organisation = models.ForeignKey(
        "members.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SnapshotRunStatus.choices,
        default=SnapshotRunStatus.QUEUED,
    )
    step = models.PositiveSmallIntegerField(_("step"), default=0)
    steps = models.PositiveSmallIntegerField(_("steps"), default=1)
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("snapshot computation")
        verbose_name_plural = _("snapshot computations")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # The club's run has no organisation: 0 stands for it, so one rule covers both.
            models.UniqueConstraint(
                Coalesce("organisation", models.Value(0)),
                condition=models.Q(status__in=RUN_ACTIVE),
                name="one_active_snapshot_run",
                violation_error_message=_("These figures are already being computed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id or 'club'} {self.status} {self.step}/{self.steps}"

    @property
    def percent(self) -> int:
        return round(100 * min(self.step, self.steps) / max(self.steps, 1))
