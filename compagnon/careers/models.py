"""Careers: young doctors' profiles, member organisations' offers, applications, messages,
recruitment sessions and help to recruit.

A candidate is a club `members.Person` (a PhD candidate or young doctor, usually a
researcher member) with a `CandidateProfile`; their skills are the person's own
skills from the shared taxonomy. Candidates from outside the club ask to join
through the desk's membership request (`RequestKind.PHD`); `CandidateApplication`
keeps the thesis details they gave until staff accept them.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.core.storage import private_storage
from compagnon.core.validators import validate_web_url


class CandidateVisibility(models.TextChoices):
    CLUB = "club", _("The whole club")
    RECRUITERS = "recruiters", _("Recruiters of member organisations only")
    HIDDEN = "hidden", _("Hidden")


class ContractKind(models.TextChoices):
    PERMANENT = "permanent", _("Permanent contract")
    FIXED_TERM = "fixed_term", _("Fixed-term contract")
    POSTDOC = "postdoc", _("Postdoc")
    FREELANCE = "freelance", _("Freelance")
    INTERNSHIP = "internship", _("Internship")


class OfferLevel(models.TextChoices):
    JUNIOR = "junior", _("Junior")
    CONFIRMED = "confirmed", _("Confirmed")
    SENIOR = "senior", _("Senior")


class WorkPlace(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    HYBRID = "hybrid", _("Hybrid")
    REMOTE = "remote", _("Remote")


def cv_upload_to(instance: CandidateProfile, filename: str) -> str:
    # A random name: the original may carry the candidate's name and must not be guessable.
    return f"careers/cv/{secrets.token_hex(16)}.pdf"


class CandidateProfile(models.Model):
    person = models.OneToOneField(
        "members.Person",
        on_delete=models.CASCADE,
        related_name="candidate_profile",
        verbose_name=_("person"),
    )
    thesis_title = models.CharField(_("thesis title"), max_length=300, blank=True)
    thesis_abstract = models.TextField(_("thesis abstract"), max_length=5000, blank=True)
    lab = models.CharField(_("laboratory"), max_length=200, blank=True)
    supervisor = models.CharField(_("supervisor"), max_length=200, blank=True)
    defence_on = models.DateField(_("defence date"), null=True, blank=True)
    hal_url = models.URLField(_("HAL link"), blank=True, validators=[validate_web_url])
    thesis_url = models.URLField(_("thesis link"), blank=True, validators=[validate_web_url])
    orcid = models.CharField(_("ORCID"), max_length=19, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    bases = models.ManyToManyField(
        "members.Base", blank=True, related_name="+", verbose_name=_("bases I would move to")
    )
    remote_ok = models.BooleanField(_("open to remote work"), default=True)
    contracts = models.JSONField(_("contracts wished"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    visibility = models.CharField(
        _("who may see my profile"),
        max_length=12,
        choices=CandidateVisibility.choices,
        default=CandidateVisibility.RECRUITERS,
    )
    cv = models.FileField(
        _("CV"), upload_to=cv_upload_to, storage=private_storage, blank=True, max_length=255
    )
    cv_name = models.CharField(_("CV file name"), max_length=255, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("candidate profile")
        verbose_name_plural = _("candidate profiles")
        ordering = ["-updated_at", "pk"]
        indexes = [models.Index(fields=["visibility", "updated_at"])]

    def __str__(self) -> str:
        return self.person.full_name

    def get_absolute_url(self) -> str:
        return reverse("careers:candidate_detail", kwargs={"pk": self.pk})

    @property
    def consents_to_recruiters(self) -> bool:
        return self.visibility != CandidateVisibility.HIDDEN


class PublicationSource(models.TextChoices):
    BIBTEX = "bibtex", _("BibTeX")
    ORCID = "orcid", _("ORCID record")


class Publication(models.Model):
    profile = models.ForeignKey(
        CandidateProfile, on_delete=models.CASCADE, related_name="publications"
    )
    title = models.CharField(_("title"), max_length=500)
    authors = models.CharField(_("authors"), max_length=1000, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    doi = models.CharField(_("DOI"), max_length=200, blank=True)
    url = models.URLField(_("link"), blank=True, max_length=500)
    source = models.CharField(_("source"), max_length=10, choices=PublicationSource.choices)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-year", "title", "pk"]

    def __str__(self) -> str:
        return self.title


class CandidateApplication(models.Model):
    """The thesis details of a PhD candidate from outside the club, beside their desk request."""

    request = models.OneToOneField(
        "desk.MembershipRequest",
        on_delete=models.CASCADE,
        related_name="candidate_application",
        verbose_name=_("membership request"),
    )
    thesis_title = models.CharField(_("thesis title"), max_length=300)
    lab = models.CharField(_("laboratory"), max_length=200)
    supervisor = models.CharField(_("supervisor"), max_length=200, blank=True)
    defence_on = models.DateField(_("defence date"), null=True, blank=True)
    orcid = models.CharField(_("ORCID"), max_length=19, blank=True)
    profile = models.OneToOneField(
        CandidateProfile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("profile created"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("candidate application")
        verbose_name_plural = _("candidate applications")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.thesis_title


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


class OfferAudience(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Club members only")


class Offer(models.Model):
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.CASCADE,
        related_name="job_offers",
        verbose_name=_("organisation"),
    )
    posted_by = models.ForeignKey(
        "members.Person",
        null=True,
        on_delete=models.SET_NULL,
        related_name="job_offers_posted",
        verbose_name=_("posted by"),
    )
    title = models.CharField(_("title"), max_length=200)
    team = models.CharField(_("team"), max_length=200, blank=True)
    level = models.CharField(
        _("level"), max_length=10, choices=OfferLevel.choices, default=OfferLevel.JUNIOR
    )
    contract = models.CharField(
        _("contract"), max_length=12, choices=ContractKind.choices, default=ContractKind.PERMANENT
    )
    base = models.ForeignKey(
        "members.Base",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("base"),
    )
    work_place = models.CharField(
        _("on site or remote"), max_length=10, choices=WorkPlace.choices, default=WorkPlace.HYBRID
    )
    salary_min = models.PositiveIntegerField(_("salary from (€ a year)"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("salary up to (€ a year)"), null=True, blank=True)
    description = models.TextField(_("description"), max_length=10_000, help_text=_("Markdown."))
    language = models.CharField(_("language"), max_length=5, default="fr")
    audience = models.CharField(
        _("who may read it"),
        max_length=10,
        choices=OfferAudience.choices,
        default=OfferAudience.MEMBERS,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    expires_on = models.DateField(_("expires on"))
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderation_note = models.TextField(_("moderation note"), blank=True, max_length=2000)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("job offer")
        verbose_name_plural = _("job offers")
        ordering = ["-published_at", "-created_at", "pk"]
        indexes = [models.Index(fields=["status", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(salary_min__isnull=True)
                | models.Q(salary_max__isnull=True)
                | models.Q(salary_min__lte=models.F("salary_max")),
                name="offer_salary_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("careers:offer_detail", kwargs={"pk": self.pk})


class OfferSkill(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="skills")
    tag = models.ForeignKey(
        "members.Tag", on_delete=models.PROTECT, related_name="+", verbose_name=_("skill")
    )
    level = models.PositiveSmallIntegerField(
        _("level wanted"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )

    class Meta:
        verbose_name = _("skill wanted")
        verbose_name_plural = _("skills wanted")
        ordering = ["-level", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "tag"], name="offer_skill_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.tag} ({self.level})"


class ApplicationStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    SEEN = "seen", _("Seen")
    INTERVIEW = "interview", _("Interview")
    OFFER = "offer", _("Offer made")
    HIRED = "hired", _("Hired")
    DECLINED = "declined", _("Declined")


class JobApplication(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="applications")
    candidate = models.ForeignKey(
        CandidateProfile, on_delete=models.CASCADE, related_name="applications"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SENT,
    )
    note = models.TextField(_("note to the recruiter"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    hired_at = models.DateTimeField(_("hired at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("job application")
        verbose_name_plural = _("job applications")
        ordering = ["-updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "candidate"], name="job_application_unique")
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.offer}"


class ApplicationMove(models.Model):
    application = models.ForeignKey(JobApplication, on_delete=models.CASCADE, related_name="moves")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Thread(models.Model):
    """A conversation a recruiter opens with a candidate, relayed by email.

    The candidate's address stays hidden from the recruiter until the candidate replies.
    """

    candidate = models.ForeignKey(
        CandidateProfile, on_delete=models.CASCADE, related_name="threads"
    )
    recruiter = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="recruiter_threads"
    )
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="threads"
    )
    candidate_replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.recruiter} ↔ {self.candidate}"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    from_candidate = models.BooleanField(default=False)
    body = models.TextField(_("message"), max_length=5000)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class AccessKind(models.TextChoices):
    LISTED = "listed", _("Listed among matches")
    PROFILE = "profile", _("Profile opened")
    CV = "cv", _("CV downloaded")


class CandidateAccess(models.Model):
    """A recruiter saw a candidate: the access log the candidate's privacy asks for."""

    candidate = models.ForeignKey(
        CandidateProfile, on_delete=models.CASCADE, related_name="accesses"
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "members.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=AccessKind.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class RecruitmentSession(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    organisations = models.ManyToManyField(
        "members.Organisation", related_name="recruitment_sessions", blank=True
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("recruitment session")
        verbose_name_plural = _("recruitment sessions")
        ordering = ["-starts_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("careers:session_detail", kwargs={"slug": self.slug})


class SessionSlot(models.Model):
    """A time one organisation meets one candidate."""

    session = models.ForeignKey(RecruitmentSession, on_delete=models.CASCADE, related_name="slots")
    organisation = models.ForeignKey(
        "members.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["starts_at", "organisation__name", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.starts_at:%Y-%m-%d %H:%M}"


class SlotBooking(models.Model):
    """One candidate in one slot. The booking service locks the slot row, then counts its
    bookings (`services.slot_book`); the race test shows two bookings slip in without it."""

    slot = models.ForeignKey(SessionSlot, on_delete=models.CASCADE, related_name="bookings")
    candidate = models.ForeignKey(
        CandidateProfile, on_delete=models.CASCADE, related_name="bookings"
    )
    booked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slot__starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.candidate} @ {self.slot}"


class RecruitmentHelp(models.Model):
    """Help to recruit (seed 004): the recruitment side of a cases.Case of format RECRUITMENT."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="recruitment_help"
    )
    profile_wanted = models.CharField(_("profile wanted"), max_length=20)
    job_description = models.TextField(
        _("draft job description"), max_length=10_000, help_text=_("Markdown.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("help to recruit")
        verbose_name_plural = _("help to recruit")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return str(self.case)

    def get_absolute_url(self) -> str:
        return reverse("careers:help_detail", kwargs={"pk": self.pk})


class HelpComment(models.Model):
    help = models.ForeignKey(RecruitmentHelp, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        "members.Person", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=5000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class ShortlistEntry(models.Model):
    help = models.ForeignKey(RecruitmentHelp, on_delete=models.CASCADE, related_name="shortlist")
    candidate = models.ForeignKey(CandidateProfile, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["help", "candidate"], name="shortlist_entry_unique")
        ]

    def __str__(self) -> str:
        return str(self.candidate)
