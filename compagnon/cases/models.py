from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DESCRIPTION_MAX_LENGTH = 20_000


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    OPEN = "open", _("Open for interest")
    MATCHED = "matched", _("Matched")
    PLANNED = "planned", _("Planned")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")


class CaseFormat(models.TextChoices):
    WORKSHOP_HALF_DAY = "workshop_half_day", _("Workshop, half a day")
    WORKSHOP_DAYS = "workshop_days", _("Workshop, one or two days")
    EXPERT_HELP = "expert_help", _("Expert help over weeks")
    RECRUITMENT = "recruitment", _("Recruitment help")
    ADVICE = "advice", _("Advice")


class Confidentiality(models.TextChoices):
    MEMBERS = "members", _("All club members")
    NAMED_ORGANISATIONS = "named", _("Named organisations only")
    ANONYMISED = "anonymised", _("Anonymised: our organisation is hidden")


class DataSharing(models.TextChoices):
    SHAREABLE = "shareable", _("Can be shared with participants")
    UNDER_AGREEMENT = "agreement", _("Can be shared under an agreement")
    NOT_SHAREABLE = "not_shareable", _("Cannot leave our organisation")
    NO_DATA = "no_data", _("No data yet")


class CaseSource(models.TextChoices):
    WEB = "web", _("Web form")
    STAFF = "staff", _("Filed by staff")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")


class Case(models.Model):
    """A real problem a member brings to the club, from draft to workshop."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), max_length=DESCRIPTION_MAX_LENGTH, help_text=_("Markdown.")
    )
    brought_by = models.ForeignKey(
        "members.Person",
        on_delete=models.PROTECT,
        related_name="cases_brought",
        verbose_name=_("brought by"),
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("organisation"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("filed by"),
    )
    source = models.CharField(
        _("source"), max_length=10, choices=CaseSource.choices, default=CaseSource.WEB
    )
    tags = models.ManyToManyField(
        "members.Tag", related_name="cases", blank=True, verbose_name=_("tags")
    )
    data_description = models.TextField(_("data at hand"), blank=True, max_length=5000)
    data_volume = models.CharField(_("data volume"), max_length=200, blank=True)
    data_sharing = models.CharField(
        _("can the data be shared?"),
        max_length=20,
        choices=DataSharing.choices,
        default=DataSharing.UNDER_AGREEMENT,
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.MEMBERS,
    )
    shared_with = models.ManyToManyField(
        "members.Organisation",
        related_name="cases_shared_with",
        blank=True,
        verbose_name=_("shared with (named organisations)"),
    )
    excluded_organisations = models.ManyToManyField(
        "members.Organisation",
        related_name="cases_excluded_from",
        blank=True,
        verbose_name=_("organisations to exclude"),
    )
    format = models.CharField(
        _("format asked for"),
        max_length=20,
        choices=CaseFormat.choices,
        default=CaseFormat.WORKSHOP_HALF_DAY,
    )
    base = models.ForeignKey(
        "members.Base",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("preferred base"),
    )
    remote_ok = models.BooleanField(_("remote is fine"), default=True)
    language = models.CharField(_("language"), max_length=5, default="fr")
    horizon = models.DateField(_("wanted by"), null=True, blank=True)
    wants_research = models.BooleanField(
        _("research welcome"),
        default=False,
        help_text=_("Invite researchers too: the case could feed their work."),
    )
    interested_needed = models.PositiveSmallIntegerField(
        _("people needed"),
        default=3,
        help_text=_("The case is matched once this many people are interested."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # Set the first time staff open the case: a case withdrawn before that
    # stays private even once closed.
    opened_at = models.DateTimeField(_("opened for interest at"), null=True, blank=True)
    # The email door: the Message-ID of the message the case came from, so a
    # message delivered twice makes one case.
    inbound_message_id = models.CharField(
        _("inbound Message-ID"), max_length=255, blank=True, db_index=True, editable=False
    )
    # The web form's one-time token: a double click files one case, not two.
    client_token = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["inbound_message_id"],
                condition=~models.Q(inbound_message_id=""),
                name="case_inbound_message_id_unique",
            ),
            models.UniqueConstraint(
                fields=["brought_by", "client_token"],
                condition=~models.Q(client_token=""),
                name="case_client_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", kwargs={"pk": self.pk})


class CaseTransition(models.Model):
    """Every change of a case's status: who, when, from what to what, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case transition")
        verbose_name_plural = _("case transitions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status or '∅'} → {self.to_status}"


class Answer(models.TextChoices):
    PENDING = "pending", _("No answer yet")
    INTERESTED = "interested", _("Interested")
    EXPERT = "expert", _("Can help as an expert")
    DECLINED = "declined", _("Not this time")


class CaseInvitation(models.Model):
    """A person asked about a case (invited by staff) or who raised their hand (volunteered)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="case_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    volunteered = models.BooleanField(_("raised their hand"), default=False)
    score = models.FloatField(_("matching score"), null=True, blank=True)
    reasons = models.JSONField(_("why them"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(
        _("answer"), max_length=12, choices=Answer.choices, default=Answer.PENDING
    )
    answer_message = models.TextField(_("message"), blank=True, max_length=2000)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("case invitation")
        verbose_name_plural = _("case invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="case_invitation_unique")
        ]
        indexes = [models.Index(fields=["person", "created_at"])]

    def __str__(self) -> str:
        return f"{self.person} → {self.case}"


class InboundEmailDraft(models.Model):
    """A case sent to the email door, waiting for the member to confirm it.

    The From header proves nothing: the text waits here, out of every list, until
    the person follows the signed link sent to their registered address. Then it
    becomes a draft case (`inbound.inbound_draft_confirm`).
    """

    person = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    language = models.CharField(_("language"), max_length=5, default="fr")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("case sent by email, to confirm")
        verbose_name_plural = _("cases sent by email, to confirm")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.title}"


class ChatLink(models.Model):
    """A person's account on the club's chat, linked by proof.

    The person asks for a one-time code on the site, then types it in the chat
    (`/case link 123456`): the chat server's user id that typed it is theirs. Only
    a confirmed link (`chat_user_id` set) files `/case` messages.
    """

    person = models.OneToOneField(
        "members.Person",
        on_delete=models.CASCADE,
        related_name="chat_link",
        verbose_name=_("person"),
    )
    chat_user_id = models.CharField(_("chat user id"), max_length=100, blank=True)
    chat_user_name = models.CharField(_("chat user name"), max_length=100, blank=True)
    # An HMAC of the pending code (never the code), and when it stops working.
    code_digest = models.CharField(max_length=64, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("linked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat account link")
        verbose_name_plural = _("chat account links")
        constraints = [
            models.UniqueConstraint(
                fields=["chat_user_id"],
                condition=~models.Q(chat_user_id=""),
                name="chat_link_user_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ↔ {self.chat_user_id or '…'}"

    @property
    def is_linked(self) -> bool:
        return bool(self.chat_user_id)
