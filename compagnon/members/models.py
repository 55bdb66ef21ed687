from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from compagnon.core.outbox import ERASED_EMAIL_DOMAIN as _ERASED_EMAIL_DOMAIN
from compagnon.core.storage import private_storage
from compagnon.core.validators import validate_web_url


class Base(models.Model):
    """A site of the club (Paris, Casablanca, New York…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. FR."))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("base")
        verbose_name_plural = _("bases")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BilingualLabelled:
    """A list entry named in French and English, with comma-separated synonyms (tags, sectors)."""

    label_fr: str
    label_en: str
    synonyms: str

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr

    @property
    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.split(",") if s.strip()]


class Tag(BilingualLabelled, models.Model):
    """One entry of the shared taxonomy used for skills, interests, cases and reports."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    label_fr = models.CharField(_("French label"), max_length=120)
    label_en = models.CharField(_("English label"), max_length=120)
    synonyms = models.TextField(
        _("synonyms"), blank=True, help_text=_("Other names for this tag, separated by commas.")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("parent"),
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["label_en"]


class Sector(BilingualLabelled, models.Model):
    """An organisation's line of business (Finance, Research, Food, Telecom…), in French and
    English. Not a skill: the members spreadsheet's `Domain` column. Staff edit the list."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    label_fr = models.CharField(_("French label"), max_length=120)
    label_en = models.CharField(_("English label"), max_length=120)
    synonyms = models.TextField(
        _("synonyms"), blank=True, help_text=_("Other names for this sector, separated by commas.")
    )

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["label_en"]


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PUBLIC_BODY = "public_body", _("Public body")
    RESEARCH_LAB = "research_lab", _("Research lab")
    STARTUP = "startup", _("Startup")
    ASSOCIATION = "association", _("Association")


class MembershipPlan(models.TextChoices):
    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")
    STARTUP = "startup", _("Startup")
    ACADEMIC = "academic", _("Academic (time instead of fee)")
    PARTNER = "partner", _("Partner")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LAPSED = "lapsed", _("Lapsed")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.COMPANY
    )
    plan = models.CharField(
        _("membership plan"),
        max_length=20,
        choices=MembershipPlan.choices,
        default=MembershipPlan.STANDARD,
    )
    status = models.CharField(
        _("membership status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    member_until = models.DateField(_("member until"), null=True, blank=True)
    home_base = models.ForeignKey(
        Base,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        verbose_name=_("home base"),
    )
    email_domains = models.TextField(
        _("allowed email domains"),
        blank=True,
        help_text=_("People with an address at these domains may sign up. Separate with commas."),
    )
    sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        verbose_name=_("sector"),
    )
    website = models.URLField(_("website"), blank=True, validators=[validate_web_url])
    description = models.TextField(_("description"), blank=True, max_length=2000)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:organisation_detail", kwargs={"slug": self.slug})

    @property
    def domain_list(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.email_domains.split(",") if d.strip()]

    @property
    def is_active_member(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class RoleFamily(models.TextChoices):
    DATA_SCIENTIST = "data_scientist", _("Data scientist")
    DATA_ENGINEER = "data_engineer", _("Data engineer")
    DATA_ANALYST = "data_analyst", _("Data analyst")
    ML_ENGINEER = "ml_engineer", _("ML engineer")
    MANAGER = "manager", _("Manager")
    HR = "hr", _("HR")
    DPO = "dpo", _("Data protection officer")
    LEGAL = "legal", _("Legal")
    RESEARCHER = "researcher", _("Researcher")
    PHD_CANDIDATE = "phd_candidate", _("PhD candidate")
    FREELANCER = "freelancer", _("Freelancer")
    PRODUCT = "product", _("Product / business")
    OTHER = "other", _("Other")


class MembershipType(models.TextChoices):
    EMPLOYEE = "employee", _("Employee of a member")
    RESIDENT = "resident", _("Resident")
    RESEARCHER = "researcher", _("Researcher")
    STAFF = "staff", _("Club staff")
    GUEST = "guest", _("Guest")


class Visibility(models.TextChoices):
    CLUB = "club", _("All club members")
    ORGANISATION = "organisation", _("My organisation and staff only")
    HIDDEN = "hidden", _("Staff only")


class Language(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")
    AR = "ar", _("Arabic")
    ES = "es", _("Spanish")
    DE = "de", _("German")
    IT = "it", _("Italian")


# An erased person keeps their row (the club's counts stay true) under an address
# that can never receive mail: `accounts.privacy`, `core.outbox`.
ERASED_EMAIL_DOMAIN = _ERASED_EMAIL_DOMAIN


class Person(models.Model):
    """Someone in the club. May exist before having an account (an imported contact)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("account"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("organisation"),
    )
    is_org_manager = models.BooleanField(
        _("organisation manager"),
        default=False,
        help_text=_(
            "Sees the organisation's private data: membership, participation, all its people."
        ),
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    role_family = models.CharField(
        _("role"), max_length=20, choices=RoleFamily.choices, default=RoleFamily.DATA_SCIENTIST
    )
    membership_type = models.CharField(
        _("membership type"),
        max_length=20,
        choices=MembershipType.choices,
        default=MembershipType.EMPLOYEE,
    )
    bio = models.TextField(_("bio"), blank=True, max_length=2000)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    base = models.ForeignKey(
        Base,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("base"),
    )
    remote_ok = models.BooleanField(_("open to remote work"), default=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True, validators=[validate_web_url])
    github_url = models.URLField(_("GitHub"), blank=True, validators=[validate_web_url])
    orcid = models.CharField(_("ORCID"), max_length=19, blank=True)
    chat_username = models.CharField(
        _("chat user name"),
        max_length=100,
        blank=True,
        help_text=_(
            "Your user name on the club's chat (Mattermost, Slack), for the /case command."
        ),
    )
    website_url = models.URLField(_("website"), blank=True, validators=[validate_web_url])
    joined_organisation_on = models.DateField(_("at the organisation since"), null=True, blank=True)
    left_organisation_on = models.DateField(_("left the organisation on"), null=True, blank=True)
    directory_visibility = models.CharField(
        _("visible in the directory to"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.CLUB,
    )
    do_not_invite_before = models.DateField(
        _("don't invite me before"),
        null=True,
        blank=True,
        help_text=_("No invitation to cases or workshops before this date."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="person_email_ci_unique"),
            # The chat door files cases as whoever owns the chat name: it must name one person.
            models.UniqueConstraint(
                Lower("chat_username"),
                condition=~models.Q(chat_username=""),
                name="person_chat_username_ci_unique",
                violation_error_message=_(
                    "This chat user name is already used by another profile."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "last_name"]),
            models.Index(fields=["last_name", "first_name", "id"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("members:person_detail", kwargs={"pk": self.pk})

    @property
    def full_name(self) -> str:
        if self.is_erased:
            # Stored as « Ancien membre » + a short id; shown in the reader's language.
            return gettext("Former member %(short_id)s") % {"short_id": self.last_name}
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_erased(self) -> bool:
        return self.email.endswith("@" + ERASED_EMAIL_DOMAIN)

    @property
    def initials(self) -> str:
        return (self.first_name[:1] + self.last_name[:1]).upper()

    @property
    def has_account(self) -> bool:
        return self.user_id is not None


class Level(models.IntegerChoices):
    NOTIONS = 1, _("Notions")
    PRACTITIONER = 2, _("Practitioner")
    ADVANCED = 3, _("Advanced")
    EXPERT = 4, _("Expert")


class Skill(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="skills")
    tag = models.ForeignKey(
        Tag, on_delete=models.PROTECT, related_name="skills", verbose_name=_("tag")
    )
    level = models.PositiveSmallIntegerField(
        _("level"),
        choices=Level.choices,
        default=Level.PRACTITIONER,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    can_teach = models.BooleanField(_("can teach it"), default=False)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["-level", "tag__label_en"]
        constraints = [
            models.UniqueConstraint(fields=["person", "tag"], name="skill_person_tag_unique"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="skill_level_1_4"
            ),
        ]
        indexes = [models.Index(fields=["tag", "level"])]

    def __str__(self) -> str:
        return f"{self.tag} ({self.get_level_display()})"


class Interest(models.Model):
    """A tag a person wants to learn."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="interests")
    tag = models.ForeignKey(
        Tag, on_delete=models.PROTECT, related_name="interests", verbose_name=_("tag")
    )

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.UniqueConstraint(fields=["person", "tag"], name="interest_person_tag_unique")
        ]

    def __str__(self) -> str:
        return str(self.tag)


def member_import_upload_to(instance: MemberImport, filename: str) -> str:
    # A random name: the original one may hold personal data and must not be guessable.
    return f"imports/{secrets.token_hex(16)}.csv"


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    PREVIEWING = "previewing", _("Reading the file")
    PREVIEWED = "previewed", _("Ready to apply")
    APPLYING = "applying", _("Importing")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")


class MemberImport(models.Model):
    """A spreadsheet of members uploaded by staff, kept between its preview and its application.

    The preview and the apply run as background tasks (members/tasks.py): `state` says where
    the import is, `preview` keeps what the preview found for the page.
    """

    file_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(
        _("file"), upload_to=member_import_upload_to, storage=private_storage, max_length=255
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    preview = models.JSONField(_("preview"), default=dict, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    state_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None


class SkillSource(models.TextChoices):
    """Where a change of a profile skill level came from (members.services records it)."""

    INITIAL = "initial", _("Level when the history started")
    PROFILE = "profile", _("Profile edit")
    ADMIN = "admin", _("Staff, in the admin")
    IMPORT = "import", _("Member import")
    FEEDBACK = "feedback", _("“I learned” feedback")
    LEARNING = "learning", _("Learning")
    DEMO = "demo", _("Demo data")


class SkillLevelChange(models.Model):
    """One change of a person's level on a tag: the skills-growth history.

    `level` is None when the skill was removed from the profile; `previous_level` is None
    when it was added. Written only by `members.services` (every path that changes a level).
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="skill_changes", verbose_name=_("person")
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", verbose_name=_("tag"))
    previous_level = models.PositiveSmallIntegerField(
        _("previous level"), null=True, blank=True, choices=Level.choices
    )
    level = models.PositiveSmallIntegerField(
        _("level"), null=True, blank=True, choices=Level.choices
    )
    source = models.CharField(_("source"), max_length=10, choices=SkillSource.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("skill level change")
        verbose_name_plural = _("skill level changes")
        ordering = ["person", "changed_at", "id"]
        indexes = [models.Index(fields=["person", "tag", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.tag}: {self.previous_level} → {self.level} ({self.source})"
