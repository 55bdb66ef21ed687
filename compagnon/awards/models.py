"""Awards: editions, their categories and criteria, applications, the jury and its scores.

Every state change goes through `services.py`; what a person may see is decided in
`selectors.py` (a juror's conflicts are enforced there, not in the views).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.core.storage import private_storage
from compagnon.core.validators import validate_web_url
from compagnon.members.models import Organisation, Person


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("Unknown time zone %(zone)s: use a name such as Europe/Paris."),
            params={"zone": value},
        ) from error


class Edition(models.Model):
    """One year of the awards, with its calendar on its own clock (`time_zone`)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Markdown."))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", validators=[validate_time_zone]
    )
    call_opens_on = models.DateField(_("call opens on"))
    # The deadline is a wall-clock time in the edition's zone; the instant is computed
    # with zoneinfo, so "23:59 in Paris" stays right across daylight-saving changes.
    deadline_on = models.DateField(_("deadline (day)"))
    deadline_time = models.TimeField(_("deadline (time)"), default=dt.time(23, 59))
    jury_starts_on = models.DateField(_("jury work starts on"))
    jury_ends_on = models.DateField(_("jury work ends on"))
    ceremony_on = models.DateField(_("ceremony on"))
    ceremony_workshop = models.ForeignKey(
        "workshops.Workshop",
        verbose_name=_("ceremony event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The ceremony as a workshop, so people register the usual way."),
    )
    blind_review = models.BooleanField(
        _("blind review"), default=False, help_text=_("Jurors see no names or organisations.")
    )
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviews per application"), default=3
    )
    public_vote = models.BooleanField(_("public vote"), default=False)
    shortlist_published = models.BooleanField(_("shortlist published"), default=False)
    winners_published = models.BooleanField(_("winners published"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-deadline_on", "-pk"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("awards:edition", args=[self.slug])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def deadline_at(self) -> dt.datetime:
        """The instant the call closes: the first moment at which submitting is refused.

        A wall time that falls twice (autumn) is the first of the two (fold=0); one
        that does not exist (spring gap) is read with the offset before the gap.
        """
        local = dt.datetime.combine(self.deadline_on, self.deadline_time, tzinfo=self.zone)
        # In UTC: Python never finds an ambiguous local time equal to anything in another zone.
        return local.astimezone(dt.UTC)

    @property
    def call_opens_at(self) -> dt.datetime:
        local = dt.datetime.combine(self.call_opens_on, dt.time(0, 0), tzinfo=self.zone)
        return local.astimezone(dt.UTC)

    def clean(self) -> None:
        order = [
            ("call_opens_on", self.call_opens_on),
            ("deadline_on", self.deadline_on),
            ("jury_starts_on", self.jury_starts_on),
            ("jury_ends_on", self.jury_ends_on),
            ("ceremony_on", self.ceremony_on),
        ]
        for (_name, before), (name, after) in itertools.pairwise(order):
            if before and after and after < before:
                raise ValidationError(
                    {
                        name: _(
                            "The dates go in this order: call opens, deadline, jury work, ceremony."
                        )
                    }
                )


class Eligibility(models.TextChoices):
    MEMBERS = "members", _("Member organisations only")
    OPEN = "open", _("Open to all")


class Category(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories")
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    eligibility = models.CharField(
        _("who may apply"), max_length=10, choices=Eligibility.choices, default=Eligibility.OPEN
    )
    for_organisations = models.BooleanField(
        _("rewards an organisation"),
        default=False,
        help_text=_("The prize goes to an organisation rather than a project team."),
    )
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=10)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["edition", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="awards_category_slug"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="awards_category_scale"
            ),
        ]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["category", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="awards_criterion_weight"),
        ]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")


class Outcome(models.TextChoices):
    NONE = "", _("No decision yet")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    WINNER = "winner", _("Winner")
    NOT_RETAINED = "not_retained", _("Not retained")


class Application(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="applications")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="award_applications"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_applications",
    )
    team = models.ManyToManyField(
        Person, blank=True, related_name="award_teams", verbose_name=_("team")
    )
    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=1500)
    problem = models.TextField(_("problem"), blank=True, max_length=5000)
    data = models.TextField(_("data"), blank=True, max_length=5000)
    method = models.TextField(_("method"), blank=True, max_length=5000)
    impact = models.TextField(_("impact, with figures"), blank=True, max_length=5000)
    responsible_ai = models.TextField(_("responsible-AI statement"), blank=True, max_length=5000)
    video_url = models.URLField(_("video link"), blank=True, validators=[validate_web_url])
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default="draft"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    eligibility_note = models.TextField(_("eligibility note"), blank=True)
    eligibility_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    eligibility_checked_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=14, choices=Outcome.choices, default="", blank=True
    )
    story = models.TextField(
        _("the project's story"), blank=True, help_text=_("Markdown, shown on the winners page.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["edition", "category", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("awards:application_edit", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT


# The key of an attachment stored under a random name (`attachment_key`); anything else is
# an older key that may spell the applicant's file name (`services.attachments_rekey`).
ATTACHMENT_KEY = re.compile(r"^awards/[0-9]+/[0-9]+/[0-9a-f]{32}(\.[^/]*)?$")


def attachment_key(*, edition_id: int, application_id: int, token: str, filename: str) -> str:
    """Where an attachment is stored: its application's folder, `token`, the extension only."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"awards/{edition_id}/{application_id}/{token}{extension}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # A random name with the extension only: the name the applicant gave (often their own or
    # their company's) stays in `Attachment.name`. On S3 the key is spelled in the download
    # link, which a blind juror must not learn it from.
    return attachment_key(
        edition_id=instance.application.edition_id,
        application_id=instance.application_id,
        token=secrets.token_hex(16),
        filename=filename,
    )


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path, storage=private_storage, max_length=500)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # The older key this file was copied from, until that object is deleted
    # (`services.attachment_rekey`): a run stopped in between finishes on the next one.
    replaced_key = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class JurorStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Juror(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="jurors")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="award_juries")
    status = models.CharField(
        _("status"), max_length=10, choices=JurorStatus.choices, default="invited"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["edition", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "person"], name="awards_juror_once"),
        ]
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")

    def __str__(self) -> str:
        return str(self.person)


class ConflictDeclaration(models.Model):
    """A conflict the juror declared, on top of the ones the platform knows
    (their own organisation, a team they are in)."""

    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="conflicts")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("why"), max_length=300, blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(application__isnull=False),
                name="awards_conflict_has_target",
            ),
        ]
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")

    def __str__(self) -> str:
        return f"{self.juror} / {self.organisation or self.application}"


class Review(models.Model):
    """One juror assigned to one application; scored when `submitted_at` is set."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="reviews")
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    assigned_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "juror"], name="awards_review_once"),
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.application} / {self.juror}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="awards_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class Decision(models.Model):
    """The board's decisions, append-only: who decided what, when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"


class PublicVote(models.Model):
    """One vote per confirmed email and edition (double opt-in: counted once confirmed)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="votes")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="votes")
    email = models.EmailField(max_length=254)
    token = models.CharField(max_length=64, unique=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "email"],
                condition=Q(confirmed_at__isnull=False),
                name="awards_one_confirmed_vote",
            ),
        ]
        verbose_name = _("public vote")
        verbose_name_plural = _("public votes")

    def __str__(self) -> str:
        return f"{self.application} ({self.created_at:%Y-%m-%d})"
