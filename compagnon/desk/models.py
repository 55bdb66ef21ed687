"""What reaches the club from outside: membership requests and contact messages.

Both land in a staff queue on the desk. They live here, not in `members`,
because nothing in the club exists yet when they arrive: accepting a
membership request is what creates the organisation and the person
(through `members.services`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    ORGANISATION = "organisation", _("An organisation")
    RESEARCHER = "researcher", _("A researcher")
    FREELANCER = "freelancer", _("A freelancer")
    PHD = "phd", _("A PhD candidate")


class OrganisationSize(models.TextChoices):
    TINY = "1-10", _("1 to 10 people")
    SMALL = "11-50", _("11 to 50 people")
    MEDIUM = "51-250", _("51 to 250 people")
    LARGE = "251-1000", _("251 to 1,000 people")
    HUGE = "1000+", _("More than 1,000 people")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for staff")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class MembershipRequest(models.Model):
    """« Rejoindre le club »: an organisation or an individual asks to join."""

    kind = models.CharField(_("who is asking"), max_length=20, choices=RequestKind.choices)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    organisation_size = models.CharField(
        _("size"), max_length=10, choices=OrganisationSize.choices, blank=True
    )
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("your name"), max_length=200)
    contact_email = models.EmailField(_("your email"), max_length=254)
    job_title = models.CharField(_("your role"), max_length=200, blank=True)
    needs = models.TextField(_("what you hope from the club"), max_length=2000)
    language = models.CharField(_("language"), max_length=2, default="fr")
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    staff_note = models.TextField(_("staff note"), blank=True, max_length=2000)
    organisation = models.ForeignKey(
        "members.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation created"),
    )
    person = models.ForeignKey(
        "members.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("person"),
    )
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )

    class Meta:
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.organisation_name or self.contact_name

    @property
    def is_organisation(self) -> bool:
        return self.kind == RequestKind.ORGANISATION


class ContactTopic(models.TextChoices):
    MEMBERSHIP = "membership", _("Joining the club")
    WORKSHOPS = "workshops", _("Workshops")
    PARTNERSHIP = "partnership", _("Partnership or sponsoring")
    PRESS = "press", _("Press")
    OTHER = "other", _("Something else")


class ContactMessage(models.Model):
    """A message from the public contact form, waiting for a staff answer."""

    name = models.CharField(_("your name"), max_length=200)
    email = models.EmailField(_("your email"), max_length=254)
    topic = models.CharField(
        _("topic"), max_length=20, choices=ContactTopic.choices, default=ContactTopic.OTHER
    )
    message = models.TextField(_("message"), max_length=4000)
    language = models.CharField(_("language"), max_length=2, default="fr")
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["closed_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
