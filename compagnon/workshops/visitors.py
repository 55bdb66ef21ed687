"""Visitors register for public workshops by email confirmation: no account needed.

Double opt-in, in two steps:

1. `visitor_request_submit` writes a `VisitorRequest` and emails a signed link that
   expires (`WORKSHOP_VISITOR_LINK_HOURS`, default 48). The form answers the same for
   every address, so it tells nobody whether an address is known.
2. `visitor_request_confirm` (the visitor's POST from the link's page: a GET only shows
   the button, as mail scanners follow links) finds or creates the visitor's `Person`
   (membership type guest, no account) and registers them through
   `registration.registration_create_for_person`: the same seat decision under the same
   workshop row lock as members. The confirmation or waiting-list email, with its .ics,
   leaves after the commit, as for members, and carries a signed link to the visitor's
   registration page (`visitor_manage_token`), where they cancel or take an offered seat.

Who may come: only public, published workshops. A visitor whose address is at a domain
of an organisation of the club counts in that organisation: its per-organisation cap
and the workshop's excluded organisations apply, as for its members.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.accounts.services import organisation_for_email
from compagnon.core.email import email_queue
from compagnon.members.models import MembershipType, Organisation, Person
from compagnon.members.selectors import Viewer
from compagnon.workshops import registration as reg
from compagnon.workshops.models import Audience, Registration, VisitorRequest, Workshop
from compagnon.workshops.registration import RegistrationError

CONFIRM_SALT = "workshops.visitor.confirm"
MANAGE_SALT = "workshops.visitor.manage"


def link_hours() -> int:
    """How long the confirmation link works (setting WORKSHOP_VISITOR_LINK_HOURS, default 48)."""
    return int(getattr(settings, "WORKSHOP_VISITOR_LINK_HOURS", 48))


class VisitorLinkError(Exception):
    """A link that does not work (tampered, expired); the message is shown as is."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


# --- who may come -------------------------------------------------------------------------------


def visitors_welcome(workshop: Workshop) -> bool:
    """Public workshops only: members-only workshops never take visitors."""
    return workshop.audience == Audience.PUBLIC


def visitor_refusal(
    *, workshop: Workshop, organisation: Organisation | None, now: dt.datetime
) -> str:
    """Why a visitor may not register now ("" when they may). Seats are not checked here."""
    if not visitors_welcome(workshop):
        return _("This workshop is for members of the club; visitors cannot register.")
    reason = reg.status_refusal(workshop=workshop, now=now)
    if reason:
        return reason
    if reg.in_priority_window(workshop, now):
        return _("Registration is not open to visitors yet.")
    if (
        organisation is not None
        and workshop.excluded_organisations.filter(pk=organisation.pk).exists()
    ):
        return _("People from your organisation cannot register for this workshop.")
    return ""


# --- tokens -------------------------------------------------------------------------------------


def confirm_token(visitor_request: VisitorRequest) -> str:
    return signing.dumps(visitor_request.pk, salt=CONFIRM_SALT)


def visitor_request_from_token(token: str) -> VisitorRequest:
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=dt.timedelta(hours=link_hours()))
    except signing.SignatureExpired as error:
        raise VisitorLinkError(
            _("This link has expired. Please fill in the form on the workshop's page again.")
        ) from error
    except signing.BadSignature as error:
        raise VisitorLinkError(_("This link is not valid. Please copy it whole.")) from error
    found = VisitorRequest.objects.select_related("workshop").filter(pk=pk).first()
    if found is None:
        raise VisitorLinkError(_("This link is not valid. Please copy it whole."))
    return found


def visitor_manage_token(registration: Registration) -> str:
    # No timestamp: the link lasts as long as the registration, and is the same in every email.
    return signing.Signer(salt=MANAGE_SALT).sign_object(
        {"r": registration.pk, "p": registration.person_id}
    )


def registration_from_manage_token(token: str) -> Registration:
    try:
        data = signing.Signer(salt=MANAGE_SALT).unsign_object(token)
    except signing.BadSignature as error:
        raise VisitorLinkError(_("This link is not valid. Please copy it whole.")) from error
    found = (
        Registration.objects.select_related("workshop", "person")
        .filter(pk=data.get("r"), person_id=data.get("p"))
        .first()
    )
    if found is None:
        raise VisitorLinkError(_("This registration no longer exists."))
    return found


def visitor_manage_url(registration: Registration) -> str:
    path = reverse(
        "workshops:visitor_registration", kwargs={"token": visitor_manage_token(registration)}
    )
    return settings.SITE_URL + path


# --- step 1: the form ---------------------------------------------------------------------------


def visitor_request_submit(
    *,
    workshop: Workshop,
    name: str,
    email: str,
    organisation_name: str = "",
    seat: str = "",
    accept_terms: bool = False,
    language: str = "fr",
    ip_hash: str = "",
    now: dt.datetime | None = None,
) -> VisitorRequest:
    """Write the pending request and email its confirmation link (after the commit).

    Raises RegistrationError for a refusal that does not depend on who asks (the
    workshop is members-only, closed, ...), ValidationError for a bad field.
    """
    now = now or timezone.now()
    email = email.strip()
    organisation = organisation_for_email(email=email) if "@" in email else None
    reason = visitor_refusal(workshop=workshop, organisation=organisation, now=now)
    if reason:
        raise RegistrationError(reason)
    kinds = reg.seat_kinds(workshop)
    if len(kinds) == 1:
        seat = kinds[0]
    elif seat not in kinds:
        raise RegistrationError(_("Choose an on-site or a remote seat."))
    if workshop.terms.strip() and not accept_terms:
        raise RegistrationError(_("Please accept the confidentiality terms to register."))
    visitor_request = VisitorRequest(
        workshop=workshop,
        name=name.strip(),
        email=email,
        organisation_name=organisation_name.strip(),
        seat=seat,
        terms_accepted_at=now if workshop.terms.strip() else None,
        language=language[:8] or "fr",
        ip_hash=ip_hash,
        created_at=now,
    )
    visitor_request.full_clean()
    with transaction.atomic():
        visitor_request.save()
        _confirm_email(visitor_request)
    return visitor_request


def _confirm_email(visitor_request: VisitorRequest) -> None:
    workshop = visitor_request.workshop
    path = reverse("workshops:visitor_confirm", kwargs={"token": confirm_token(visitor_request)})
    with translation.override(visitor_request.language):
        context = {
            "name": visitor_request.name,
            "workshop": workshop,
            "confirm_url": settings.SITE_URL + path,
            "hours": link_hours(),
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        text = render_to_string("workshops/visitors/email/confirm.txt", context)
        subject = _("Confirm your registration: %(title)s") % {"title": workshop.title}
    email_queue(
        to=[visitor_request.email],
        subject=subject,
        text=text,
        key=f"workshop-visitor-confirm:{visitor_request.pk}",
    )


# --- step 2: the link ---------------------------------------------------------------------------


@dataclass
class Confirmed:
    registration: Registration
    already: bool = False


def _visitor_person(visitor_request: VisitorRequest) -> Person:
    """The person of that address: an existing profile, or a new guest without an account.

    The visitor proved the address by opening the link, so an existing profile (a
    member's, an imported contact's) is theirs; its name is left as it is.
    """
    found = Person.objects.filter(email__iexact=visitor_request.email).first()
    if found is not None:
        return found
    first, _sep, last = visitor_request.name.partition(" ")
    person = Person(
        first_name=first[:100] or visitor_request.email.partition("@")[0][:100],
        last_name=last[:100],
        email=visitor_request.email,
        membership_type=MembershipType.GUEST,
        job_title=visitor_request.organisation_name[:200],
    )
    try:
        person.full_clean()
    except ValidationError:
        # The only clash left is a person made meanwhile for the same address.
        return Person.objects.get(email__iexact=visitor_request.email)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        return Person.objects.get(email__iexact=visitor_request.email)
    return person


def visitor_request_confirm(
    *, visitor_request: VisitorRequest, now: dt.datetime | None = None
) -> Confirmed:
    """Take a seat (or a place on the waiting list) for the visitor, under the seat lock.

    Idempotent: a link used twice, or a visitor already registered, gets the same
    registration back. Raises RegistrationError with the reason otherwise.
    """
    now = now or timezone.now()
    already = visitor_request.registration
    if already is not None:
        return Confirmed(registration=already, already=True)
    workshop = visitor_request.workshop
    organisation = organisation_for_email(email=visitor_request.email)
    reason = visitor_refusal(workshop=workshop, organisation=organisation, now=now)
    if reason:
        raise RegistrationError(reason)
    with transaction.atomic():
        person = _visitor_person(visitor_request)
        organisation_id: int | None = person.organisation_id
        if organisation_id is None and organisation is not None:
            organisation_id = organisation.pk
        if person.organisation_id is not None and (
            workshop.excluded_organisations.filter(pk=person.organisation_id).exists()
        ):
            raise RegistrationError(
                _("People from your organisation cannot register for this workshop.")
            )
        registration = reg.registration_create_for_person(
            workshop=workshop,
            person=person,
            seat=visitor_request.seat,
            accept_terms=visitor_request.terms_accepted_at is not None,
            organisation_id=organisation_id,
            now=now,
        )
        VisitorRequest.objects.filter(pk=visitor_request.pk).update(
            confirmed_at=now, registration=registration
        )
    visitor_request.confirmed_at = now
    visitor_request.registration = registration
    return Confirmed(registration=registration)


def visitor_viewer(registration: Registration) -> Viewer:
    """Who the signed link speaks for: the registration's person, not signed in."""
    return Viewer(is_authenticated=False, person=registration.person)


def visitor_registration_cancel(
    *, registration: Registration, now: dt.datetime | None = None
) -> Registration:
    """The visitor gives up their place from the signed link; the seat passes on."""
    return reg.registration_cancel(
        registration=registration, viewer=visitor_viewer(registration), now=now
    )


def visitor_offer_confirm(
    *, registration: Registration, now: dt.datetime | None = None
) -> Registration:
    """The visitor takes the seat offered to them from the signed link."""
    return reg.registration_offer_confirm(
        registration=registration, viewer=visitor_viewer(registration), now=now
    )


def visitor_requests_purge(*, now: dt.datetime | None = None) -> int:
    """Sweep: forget the requests nobody confirmed once their link has expired."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=link_hours())
    deleted, _rows = VisitorRequest.objects.filter(
        registration__isnull=True, created_at__lt=cutoff
    ).delete()
    return deleted


# --- personal data: the person's export and erasure (`accounts.privacy` registry) ---------------


def visitor_requests_export(person, user) -> dict[str, list[dict[str, object]]]:
    if person is None:
        return {}
    rows = VisitorRequest.objects.filter(registration__person=person).select_related("workshop")
    return {
        "workshop_visitor_requests": [
            {
                "workshop": row.workshop.title,
                "name": row.name,
                "email": row.email,
                "organisation": row.organisation_name,
                "created_at": row.created_at.isoformat(),
                "confirmed_at": row.confirmed_at.isoformat() if row.confirmed_at else None,
            }
            for row in rows.order_by("created_at", "pk")
        ]
    }


def visitor_requests_erase(person, user) -> None:
    """Runs inside `person_erase`'s transaction: the requests that led to their registrations."""
    if person is not None:
        VisitorRequest.objects.filter(registration__person=person).delete()
