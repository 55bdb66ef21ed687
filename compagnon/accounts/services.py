"""Writes about accounts: linking people to accounts, invitations."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compagnon.accounts.models import Invitation, InvitationStatus, User
from compagnon.core.email import email_queue
from compagnon.members.models import MembershipStatus, MembershipType, Organisation, Person
from compagnon.members.selectors import person_language

SIGNUP_REFUSED_MESSAGE = _(
    "Sign-up is by invitation. If your organisation is a member of the club, use your work "
    "address, or ask the club's staff for an invitation."
)

_UNUSABLE_MESSAGES = {
    InvitationStatus.ACCEPTED: _(
        "This invitation has already been used. Sign in with your email address and password, "
        "or reset your password if you forgot it."
    ),
    InvitationStatus.EXPIRED: _(
        "This invitation has expired. Ask the club's staff to send you a new one."
    ),
    InvitationStatus.REVOKED: _(
        "This invitation has been replaced by a newer one or withdrawn. Use the link in the most "
        "recent invitation email, or ask the club's staff."
    ),
}


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def organisation_for_email(*, email: str, active_only: bool = False) -> Organisation | None:
    """The organisation whose allowed domains include the address's domain."""
    domain = email_domain(email)
    if not domain:
        return None
    # email_domains is free text; the icontains pre-filter keeps the exact check cheap.
    # "active" sorts before "lapsed": a domain shared by an old and a current
    # membership belongs to the current one.
    candidates = Organisation.objects.filter(email_domains__icontains=domain).order_by(
        "status", "pk"
    )
    if active_only:
        candidates = candidates.filter(status=MembershipStatus.ACTIVE)
    return next((org for org in candidates if domain in org.domain_list), None)


def invitation_usable_for_email(*, email: str) -> Invitation | None:
    now = timezone.now()
    return (
        Invitation.objects.filter(
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("-created_at")
        .first()
    )


def signup_allowed_for_email(*, email: str) -> bool:
    if settings.SIGNUP_OPEN:
        return True
    if invitation_usable_for_email(email=email) is not None:
        return True
    return organisation_for_email(email=email, active_only=True) is not None


def _names_from_email(email: str) -> tuple[str, str]:
    # Sign-up asks only for the address; "jane.doe@" gives a better first guess
    # than nothing, and the profile page lets the person correct it.
    local = email.partition("@")[0]
    parts = [p for p in local.replace("_", ".").replace("-", ".").split(".") if p]
    if not parts:
        return local or email, ""
    first = parts[0].capitalize()
    last = " ".join(p.capitalize() for p in parts[1:])
    return first[:100], last[:100]


def _invitations_revoke_open(*, person: Person) -> int:
    return Invitation.objects.filter(
        person=person, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def _person_set_user(*, person: Person, user: User) -> None:
    person.user = user
    person.updated_at = timezone.now()
    person.save(update_fields=["user", "updated_at"])


def _user_name_from_person(*, user: User, person: Person) -> None:
    if not user.full_name:
        user.full_name = person.full_name
        user.save(update_fields=["full_name"])


def account_link_person(*, user: User, first_name: str = "", last_name: str = "") -> Person:
    """The Person behind a new account: the imported contact with the same address, or a new one."""
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(email__iexact=user.email).first()
        if person is not None:
            if person.user_id not in (None, user.pk):
                raise ValidationError(
                    _("This address belongs to another member's profile. Ask the club's staff.")
                )
            _person_set_user(person=person, user=user)
            _invitations_revoke_open(person=person)
            _user_name_from_person(user=user, person=person)
            return person
        guessed_first, guessed_last = _names_from_email(user.email)
        organisation = organisation_for_email(email=user.email)
        person = Person.objects.create(
            user=user,
            email=user.email,
            first_name=first_name or guessed_first,
            last_name=last_name or (guessed_last if not first_name else ""),
            organisation=organisation,
            membership_type=MembershipType.EMPLOYEE if organisation else MembershipType.GUEST,
        )
        if first_name:
            _user_name_from_person(user=user, person=person)
        return person


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("accounts:invitation_accept", args=[invitation.token])


def _invitation_email_queue(*, invitation: Invitation) -> None:
    person = invitation.person
    context = {
        "person": person,
        "invitation": invitation,
        "invitation_url": invitation_url(invitation),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "invited_by": invitation.invited_by,
    }
    with translation.override(person_language(person)):
        subject = gettext("You're invited to join %(site_name)s") % {
            "site_name": settings.SITE_NAME
        }
        text = render_to_string("accounts/email/invitation.txt", context)
        html = render_to_string("accounts/email/invitation.html", context)
    email_queue(
        to=[invitation.email],
        subject=subject,
        text=text,
        html=html,
        key=f"invitation:{invitation.pk}",
    )


def invitation_create(*, person: Person, invited_by: User | None) -> Invitation:
    """Invite a person to claim an account; earlier open invitations stop working."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.user_id is not None:
            raise ValidationError(
                _("%(name)s already has an account: they can sign in or reset their password."),
                params={"name": person.full_name},
                code="has_account",
            )
        if User.objects.filter(email__iexact=person.email).exists():
            raise ValidationError(
                _("An account already uses %(email)s. Link it to this person instead of inviting."),
                params={"email": person.email},
                code="email_taken",
            )
        _invitations_revoke_open(person=person)
        invitation = Invitation.objects.create(
            person=person, email=person.email.lower(), invited_by=invited_by
        )
        _invitation_email_queue(invitation=invitation)
        return invitation


def invitation_resend(*, invitation: Invitation, invited_by: User | None) -> Invitation:
    """A fresh invitation (new link, new expiry) replaces the old one."""
    if invitation.accepted_at is not None:
        raise ValidationError(_UNUSABLE_MESSAGES[InvitationStatus.ACCEPTED], code="accepted")
    return invitation_create(person=invitation.person, invited_by=invited_by)


def invitation_unusable_message(invitation: Invitation) -> str | None:
    """Why this invitation can no longer be used, or None if it can."""
    status = invitation.status
    if status == InvitationStatus.PENDING and invitation.person.user_id is not None:
        status = InvitationStatus.ACCEPTED
    message = _UNUSABLE_MESSAGES.get(status)
    return str(message) if message else None


def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Create the account the invitation offers; the invitation proves the address."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("person").get(pk=invitation.pk)
        )
        problem = invitation_unusable_message(invitation)
        if problem:
            raise ValidationError(problem, code="unusable")
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _("An account already uses this address. Sign in, or reset your password."),
                code="email_taken",
            )
        person = invitation.person
        user = User(email=invitation.email.lower(), full_name=person.full_name)
        validate_password(password, user=user)
        user.set_password(password)
        user.save()
        _person_set_user(person=person, user=user)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        return user


def invitation_revoke(*, invitation: Invitation, actor: User | None) -> bool:
    """Close an open invitation's link; False when it was already used or closed."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            return False
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        return True
