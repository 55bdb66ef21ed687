"""Workshops: sessions, seats, the waiting list, attendance and feedback.

Times are stored in UTC; `Workshop.time_zone` (copied from the base when the
workshop is planned) is the zone its sessions are shown and exported in.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.core.storage import private_storage

SUMMARY_MAX_LENGTH = 20_000


class WorkshopFormat(models.TextChoices):
    HALF_DAY = "half_day", _("Half a day")
    ONE_DAY = "one_day", _("One day")
    TWO_DAYS = "two_days", _("Two days")
    SERIES = "series", _("Series of sessions")


class Mode(models.TextChoices):
    ONSITE = "onsite", _("On site")
    REMOTE = "remote", _("Remote")
    HYBRID = "hybrid", _("Hybrid")


class SeatKind(models.TextChoices):
    """Which seat a registration takes: hybrid workshops count each kind separately."""

    ONSITE = "onsite", _("On site")
    REMOTE = "remote", _("Remote")


class Audience(models.TextChoices):
    MEMBERS = "members", _("Members")
    MEMBERS_AND_RESIDENTS = "members_residents", _("Members and residents")
    PUBLIC = "public", _("Public")


class WorkshopStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Registration closed")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Workshop(models.Model):
    """Half a day to two days (or a series) on a real case, on site, remote or both."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"), max_length=SUMMARY_MAX_LENGTH, blank=True, help_text=_("Markdown.")
    )
    origin_case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshops",
        verbose_name=_("origin case"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    format = models.CharField(
        _("format"), max_length=10, choices=WorkshopFormat.choices, default=WorkshopFormat.HALF_DAY
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ONSITE)
    base = models.ForeignKey(
        "members.Base",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workshops",
        verbose_name=_("base"),
    )
    room = models.CharField(_("room"), max_length=120, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Paris",
        help_text=_("Copied from the base when the workshop is planned."),
    )
    video_url = models.URLField(
        _("video link"), blank=True, help_text=_("Shown only to registered people.")
    )
    onsite_seats = models.PositiveIntegerField(_("on-site seats"), null=True, blank=True)
    remote_seats = models.PositiveIntegerField(_("remote seats"), null=True, blank=True)
    per_organisation_cap = models.PositiveSmallIntegerField(
        _("seats per organisation"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no cap."),
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.MEMBERS
    )
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="fr"
    )
    hosts = models.ManyToManyField(
        "members.Person", blank=True, related_name="workshops_hosted", verbose_name=_("hosts")
    )
    invitees = models.ManyToManyField(
        "members.Person",
        blank=True,
        related_name="workshops_invited",
        verbose_name=_("invitees"),
        help_text=_("May register during the priority window, before registration opens to all."),
    )
    tags = models.ManyToManyField(
        "members.Tag", blank=True, related_name="workshops", verbose_name=_("tags")
    )
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("Markdown."))
    prerequisites = models.TextField(_("prerequisites"), blank=True, help_text=_("Markdown."))
    terms = models.TextField(
        _("confidentiality terms"),
        blank=True,
        help_text=_("When set, people must accept them to register."),
    )
    excluded_organisations = models.ManyToManyField(
        "members.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("excluded organisations"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=WorkshopStatus.choices,
        default=WorkshopStatus.DRAFT,
        db_index=True,
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens to all at"),
        null=True,
        blank=True,
        help_text=_("Before this, only invitees and hosts may register. Empty: on publication."),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes at"),
        null=True,
        blank=True,
        help_text=_("Empty: when the first session starts."),
    )
    # Denormalised from the sessions (kept by the services) so that calendars filter
    # and sort on the workshop row alone.
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True, db_index=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_reason = models.TextField(_("cancellation reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:workshop_detail", kwargs={"pk": self.pk})

    @property
    def has_onsite(self) -> bool:
        return self.mode in (Mode.ONSITE, Mode.HYBRID)

    @property
    def has_remote(self) -> bool:
        return self.mode in (Mode.REMOTE, Mode.HYBRID)


class Session(models.Model):
    """One sitting of a workshop; a series has several."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("workshop")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title or str(self.workshop)


class MaterialKind(models.TextChoices):
    REPOSITORY = "repository", _("Code repository")
    NOTEBOOK = "notebook", _("Notebook")
    SLIDES = "slides", _("Slides")
    DATA = "data", _("Data")
    OTHER = "other", _("Other")


def material_upload_to(instance: Material, filename: str) -> str:
    return f"workshops/{instance.workshop_id}/materials/{secrets.token_hex(8)}/{filename}"


class Material(models.Model):
    """A link or an uploaded file for a workshop; uploads are always served as downloads."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="materials", verbose_name=_("workshop")
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=MaterialKind.choices, default=MaterialKind.OTHER
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(
        _("file"), upload_to=material_upload_to, storage=private_storage, blank=True
    )
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    registered_only = models.BooleanField(
        _("registered people only"),
        default=False,
        help_text=_("Otherwise everyone who can see the workshop can open it."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="material_has_link_or_file"
            )
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    OFFERED = "offered", _("Seat offered, awaiting confirmation")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Offer expired")


# Statuses that hold a seat (an offered seat is kept for the person until it expires).
SEAT_HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)
ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED, RegistrationStatus.WAITING)


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", _("Not marked")
    PRESENT = "present", _("Present")
    NO_SHOW = "no_show", _("No-show")


class Registration(models.Model):
    """One person's place at a workshop: one row per person and workshop, reused on return."""

    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("workshop"),
    )
    person = models.ForeignKey(
        "members.Person",
        on_delete=models.CASCADE,
        related_name="workshop_registrations",
        verbose_name=_("person"),
    )
    # Snapshot of the person's organisation at registration, for the per-organisation cap.
    organisation = models.ForeignKey(
        "members.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation"),
    )
    seat = models.CharField(
        _("seat"), max_length=10, choices=SeatKind.choices, default=SeatKind.ONSITE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, db_index=True
    )
    queued_at = models.DateTimeField(
        _("queued at"), help_text=_("Order on the waiting list: first come, first promoted.")
    )
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("attendance marked by"),
    )
    shown_in_attendees = models.BooleanField(
        _("shown in “who's going”"),
        default=False,
        help_text=_("The person chose to appear in the workshop's list of participants."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "person"], name="one_registration_per_person"
            )
        ]
        indexes = [models.Index(fields=["workshop", "status", "seat", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.person} → {self.workshop}"


class CalendarFeed(models.Model):
    """The secret address of a person's calendar of registrations; rotating it revokes the old."""

    person = models.OneToOneField(
        "members.Person",
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("person"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.person)


class Feedback(models.Model):
    """What an attendee says after the workshop: the club's own measure is "what did you learn?"."""

    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("registration"),
    )
    learned = models.TextField(_("what did you learn?"), max_length=5000, blank=True)
    # Consent, given by the attendee and off unless they tick it: "what I learned" may appear,
    # without a name, in their organisation's insights report (insights.selectors).
    learned_quotable = models.BooleanField(
        _("may be quoted anonymously in my organisation's report"), default=False
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    follow_up_idea = models.TextField(_("idea for a follow-up"), max_length=2000, blank=True)
    keep_working_with_people = models.ManyToManyField(
        "members.Person",
        blank=True,
        related_name="+",
        verbose_name=_("people to keep working with"),
    )
    keep_working_with_organisations = models.ManyToManyField(
        "members.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("organisations to keep working with"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return str(self.registration)


class FeedbackLevel(models.Model):
    """Level before and after the workshop (1-4) on one of its tags."""

    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="levels", verbose_name=_("feedback")
    )
    tag = models.ForeignKey(
        "members.Tag", on_delete=models.CASCADE, related_name="+", verbose_name=_("tag")
    )
    before = models.PositiveSmallIntegerField(
        _("level before"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    after = models.PositiveSmallIntegerField(
        _("level after"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        verbose_name = _("level change")
        verbose_name_plural = _("level changes")
        constraints = [
            models.UniqueConstraint(fields=["feedback", "tag"], name="one_level_per_feedback_tag")
        ]

    def __str__(self) -> str:
        return f"{self.tag}: {self.before} → {self.after}"


class AttendeeMessage(models.Model):
    """An email staff or a host sent to a workshop's participants: the log of what was said."""

    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.CASCADE,
        related_name="attendee_messages",
        verbose_name=_("workshop"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=10_000)
    include_waiting = models.BooleanField(_("waiting list included"), default=False)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message to participants")
        verbose_name_plural = _("messages to participants")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class VisitorRequest(models.Model):
    """A visitor's request to register for a public workshop, waiting for the emailed link.

    Written when the form is sent; the seat is decided only when the visitor opens the
    link and confirms (`workshops.visitors.visitor_request_confirm`), then `registration`
    points at the row it made. Single use: a confirmed request confirms nothing more.
    """

    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.CASCADE,
        related_name="visitor_requests",
        verbose_name=_("workshop"),
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"), max_length=254)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    seat = models.CharField(_("seat"), max_length=10, choices=SeatKind.choices, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="fr")
    ip_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    registration = models.ForeignKey(
        Registration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registration"),
    )

    class Meta:
        verbose_name = _("visitor request")
        verbose_name_plural = _("visitor requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} → {self.workshop_id}"
