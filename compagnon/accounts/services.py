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
    "Sign-up is for members. If your organisation is a member of the club, use your work "
    "address; otherwise, ask to join the club from the « Join the club » page."
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


# --- many at once: the staff's bulk invitation, a manager's colleagues -------------------------

BULK_BATCH_SIZE = 200
COLLEAGUES_MAX = 50


def invitations_bulk_request(*, person_ids: list[int], invited_by: User | None) -> int:
    """Queue invitations for these people; the task sends them in batches after commit.

    Returns how many people were queued. The page shows the count at once; the
    emails leave from the task worker.
    """
    from compagnon.accounts.tasks import invitations_send_batch

    ids = sorted(set(person_ids))
    if not ids:
        raise ValidationError(_("Nobody matches these filters: nothing was sent."), code="empty")
    requested_at = timezone.now().isoformat()
    by = invited_by.pk if invited_by is not None else None

    def enqueue(chunk: list[int]) -> None:
        transaction.on_commit(lambda: invitations_send_batch.enqueue(chunk, by, requested_at))

    for start in range(0, len(ids), BULK_BATCH_SIZE):
        enqueue(ids[start : start + BULK_BATCH_SIZE])
    return len(ids)


def invitations_send_for(*, person_ids: list[int], invited_by: User | None, since) -> int:
    """Invite each person, one transaction each; idempotent for one request.

    Someone who got an account, or an invitation since the request was made
    (an earlier run of the same batch, or a staff member by hand), is skipped.
    """
    sent = 0
    people = Person.objects.filter(pk__in=person_ids, user__isnull=True).exclude(
        invitations__created_at__gte=since
    )
    for person in people:
        try:
            invitation_create(person=person, invited_by=invited_by)
        except ValidationError:
            continue  # an account appeared meanwhile: nothing to send
        sent += 1
    return sent


def _colleague_lines(text: str) -> list[tuple[str, str]]:
    """(name, email) for each non-empty line: "Jane Doe <jane@acme.fr>", "jane@acme.fr"."""
    from email.utils import parseaddr

    rows = []
    for raw in (text or "").replace(",", "\n").replace(";", "\n").splitlines():
        line = raw.strip()
        if not line:
            continue
        name, address = parseaddr(line)
        rows.append((name.strip(), (address or line).strip().lower()))
    return rows


def colleagues_invite(
    *, organisation: Organisation, addresses: str, invited_by: User | None
) -> list[Invitation]:
    """A manager invites colleagues at the organisation's own domains.

    All or nothing: one refused address (another domain, a colleague of
    another organisation, an account already there) and nobody is invited;
    the error names every refused line.
    """
    from django.core.validators import validate_email

    from compagnon.members.models import MembershipType
    from compagnon.members.services import person_join

    rows = _colleague_lines(addresses)
    if not rows:
        raise ValidationError(_("Write at least one email address."), code="empty")
    if len(rows) > COLLEAGUES_MAX:
        raise ValidationError(
            _("At most %(limit)d addresses at a time (there are %(count)d)."),
            params={"limit": COLLEAGUES_MAX, "count": len(rows)},
            code="too_many",
        )
    domains = organisation.domain_list
    problems: list[str] = []
    seen: set[str] = set()
    existing = {
        p.email.lower(): p
        for p in Person.objects.filter(email__in=[address for _n, address in rows])
    }
    taken = set(
        User.objects.filter(email__in=[address for _n, address in rows]).values_list(
            "email", flat=True
        )
    )
    for _name, address in rows:
        try:
            validate_email(address)
        except ValidationError:
            problems.append(gettext("“%(line)s” is not an email address.") % {"line": address})
            continue
        if address in seen:
            continue
        seen.add(address)
        if not domains:
            problems.append(
                gettext(
                    "%(organisation)s has no email domain on record: ask the club's staff "
                    "to add yours."
                )
                % {"organisation": organisation.name}
            )
            break
        if email_domain(address) not in domains:
            problems.append(
                gettext(
                    "%(email)s is not at %(organisation)s's domains (%(domains)s): invite only "
                    "addresses at your organisation, or ask the club's staff."
                )
                % {
                    "email": address,
                    "organisation": organisation.name,
                    "domains": ", ".join(domains),
                }
            )
            continue
        person = existing.get(address)
        if address in taken or (person is not None and person.user_id is not None):
            problems.append(
                gettext("%(email)s already has an account: they can sign in.") % {"email": address}
            )
        elif person is not None and person.organisation_id not in (None, organisation.pk):
            problems.append(
                gettext(
                    "%(email)s belongs to another organisation in the club: ask the club's staff."
                )
                % {"email": address}
            )
    if problems:
        raise ValidationError([ValidationError(p, code="refused") for p in problems])
    invitations: list[Invitation] = []
    with transaction.atomic():
        for name, address in rows:
            if any(i.email == address for i in invitations):
                continue
            first, last = _names_from_email(address)
            if name:
                first, _sep, last = name.partition(" ")
            person = person_join(
                email=address,
                first_name=first[:100],
                last_name=last[:100],
                organisation=organisation,
                membership_type=MembershipType.EMPLOYEE,
            )
            invitations.append(invitation_create(person=person, invited_by=invited_by))
    return invitations
