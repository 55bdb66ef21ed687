"""Writes of the desk: membership requests and contact messages, from arrival to answer.

Accepting a membership request is the one place that turns a stranger into a
member: it creates the organisation (`members.services.organisation_create`),
the person, and sends the account invitation (`accounts.services`), all in
one transaction, the request row locked so two staff clicking at once make
one organisation.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compagnon.accounts.models import Invitation, User
from compagnon.accounts.services import email_domain, invitation_create
from compagnon.core.email import email_queue
from compagnon.desk.models import (
    ContactMessage,
    MembershipRequest,
    RequestKind,
    RequestStatus,
)
from compagnon.members.models import MembershipType, OrganisationKind, RoleFamily
from compagnon.members.services import organisation_create, person_join

logger = logging.getLogger(__name__)

# Addresses at these domains are people's own, not their organisation's: never an organisation domain.
WEBMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "outlook.fr",
        "hotmail.com",
        "hotmail.fr",
        "live.fr",
        "yahoo.com",
        "yahoo.fr",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "sfr.fr",
        "wanadoo.fr",
        "icloud.com",
        "proton.me",
        "protonmail.com",
    }
)

_INDIVIDUAL = {
    RequestKind.RESEARCHER: (MembershipType.RESEARCHER, RoleFamily.RESEARCHER),
    RequestKind.PHD: (MembershipType.RESEARCHER, RoleFamily.PHD_CANDIDATE),
    RequestKind.FREELANCER: (MembershipType.RESIDENT, RoleFamily.FREELANCER),
}


def organisation_domain_guess(email: str) -> str:
    """The contact's domain, unless it is a webmail's."""
    domain = email_domain(email)
    return "" if domain in WEBMAIL_DOMAINS else domain


def _names(full_name: str) -> tuple[str, str]:
    first, _sep, last = (full_name or "").strip().partition(" ")
    return first[:100], last.strip()[:100]


def _language(value: str) -> str:
    return value if value in {"fr", "en"} else "fr"


# --- membership requests ------------------------------------------------------------------------


def membership_request_submit(
    *,
    kind: str,
    contact_name: str,
    contact_email: str,
    needs: str,
    organisation_name: str = "",
    organisation_size: str = "",
    website: str = "",
    job_title: str = "",
    language: str = "fr",
    ip_hash: str = "",
) -> MembershipRequest:
    """Record a request to join and acknowledge it by email."""
    request = MembershipRequest(
        kind=kind,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip().lower(),
        needs=needs.strip(),
        organisation_name=organisation_name.strip() if kind == RequestKind.ORGANISATION else "",
        organisation_size=organisation_size if kind == RequestKind.ORGANISATION else "",
        website=website.strip(),
        job_title=job_title.strip(),
        language=_language(language),
        ip_hash=ip_hash or "",
    )
    errors: dict[str, Any] = {}
    if kind == RequestKind.ORGANISATION:
        if not request.organisation_name:
            errors["organisation_name"] = _("Give the name of your organisation.")
        if not request.organisation_size:
            errors["organisation_size"] = _("Choose the size of your organisation.")
    try:
        request.full_clean()
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request.save()
        with translation.override(request.language):
            subject = gettext("%(site_name)s: we received your request to join") % {
                "site_name": settings.SITE_NAME
            }
            text = render_to_string(
                "desk/email/request_received.txt",
                {
                    "request": request,
                    "site_name": settings.SITE_NAME,
                    "site_url": settings.SITE_URL,
                },
            )
        email_queue(
            to=[request.contact_email],
            subject=subject,
            text=text,
            key=f"membership-request:{request.pk}:received",
        )
    logger.info("membership request %s received", request.pk)
    return request


def _pending_locked(request: MembershipRequest) -> MembershipRequest:
    locked = MembershipRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.PENDING:
        raise ValidationError(
            _("This request was already handled (%(status)s)."),
            params={"status": locked.get_status_display()},
            code="handled",
        )
    return locked


def membership_request_accept(
    *,
    request: MembershipRequest,
    actor: User,
    organisation_name: str = "",
    organisation_kind: str = OrganisationKind.COMPANY,
    email_domains: str | None = None,
) -> tuple[MembershipRequest, Invitation | None]:
    """Accept: the organisation (for an organisation's request), the person, the invitation.

    The contact becomes the organisation's manager. Returns the request and
    the account invitation sent (None when the contact already has an account:
    they sign in and find their organisation).
    """
    with transaction.atomic():
        request = _pending_locked(request)
        first, last = _names(request.contact_name)
        organisation = None
        if request.kind == RequestKind.ORGANISATION:
            domains = (
                email_domains
                if email_domains is not None
                else organisation_domain_guess(request.contact_email)
            )
            organisation = organisation_create(
                name=organisation_name or request.organisation_name,
                kind=organisation_kind,
                email_domains=domains,
                website=request.website,
            )
            person = person_join(
                email=request.contact_email,
                first_name=first,
                last_name=last,
                organisation=organisation,
                membership_type=MembershipType.EMPLOYEE,
                role_family=RoleFamily.MANAGER,
                job_title=request.job_title,
                is_org_manager=True,
            )
        else:
            membership_type, role_family = _INDIVIDUAL[RequestKind(request.kind)]
            person = person_join(
                email=request.contact_email,
                first_name=first,
                last_name=last,
                membership_type=membership_type,
                role_family=role_family,
                job_title=request.job_title,
            )
        invitation = None
        if person.user_id is None and not User.objects.filter(email__iexact=person.email).exists():
            invitation = invitation_create(person=person, invited_by=actor)
        request.status = RequestStatus.ACCEPTED
        request.organisation = organisation
        request.person = person
        request.handled_at = timezone.now()
        request.handled_by = actor
        request.save(update_fields=["status", "organisation", "person", "handled_at", "handled_by"])
    logger.info("membership request %s accepted by %s", request.pk, actor.pk)
    return request, invitation


def membership_request_decline(
    *, request: MembershipRequest, actor: User, note: str = ""
) -> MembershipRequest:
    """Decline, with a note kept for staff; the requester gets a short, polite email."""
    with transaction.atomic():
        request = _pending_locked(request)
        request.status = RequestStatus.DECLINED
        request.staff_note = (note or "").strip()[:2000]
        request.handled_at = timezone.now()
        request.handled_by = actor
        request.full_clean()
        request.save(update_fields=["status", "staff_note", "handled_at", "handled_by"])
        with translation.override(request.language):
            subject = gettext("%(site_name)s: your request to join") % {
                "site_name": settings.SITE_NAME
            }
            text = render_to_string(
                "desk/email/request_declined.txt",
                {
                    "request": request,
                    "site_name": settings.SITE_NAME,
                    "site_url": settings.SITE_URL,
                },
            )
        email_queue(
            to=[request.contact_email],
            subject=subject,
            text=text,
            key=f"membership-request:{request.pk}:declined",
        )
    return request


# --- contact messages -----------------------------------------------------------------------------


def contact_message_submit(
    *,
    name: str,
    email: str,
    topic: str,
    message: str,
    language: str = "fr",
    ip_hash: str = "",
) -> ContactMessage:
    contact = ContactMessage(
        name=name.strip(),
        email=email.strip().lower(),
        topic=topic,
        message=message.strip(),
        language=_language(language),
        ip_hash=ip_hash or "",
    )
    contact.full_clean()
    with transaction.atomic():
        contact.save()
    return contact


def contact_message_close(*, message: ContactMessage, actor: User) -> ContactMessage:
    """Mark a message answered (the answer itself goes by email from staff's mailbox)."""
    with transaction.atomic():
        message = ContactMessage.objects.select_for_update().get(pk=message.pk)
        if message.closed_at is None:
            message.closed_at = timezone.now()
            message.closed_by = actor
            message.save(update_fields=["closed_at", "closed_by"])
    return message
