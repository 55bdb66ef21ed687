"""Reads about accounts: who could still claim one."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from compagnon.accounts.models import Invitation, User
from compagnon.members.models import Base, Organisation, Person, Tag

# "Invited over 14 days ago": the invitation's reminder threshold the club uses.
STALE_INVITATION_DAYS = 14

HISTORY_ANY = "any"
HISTORY_NEVER = "never"
HISTORY_STALE = "stale"


def people_without_account() -> QuerySet[Person]:
    """Current people of the club who have no account yet (and whose address no account uses)."""
    return (
        Person.objects.filter(user__isnull=True, left_organisation_on__isnull=True)
        .exclude(email="")
        .exclude(Exists(User.objects.filter(email__iexact=OuterRef("email"))))
    )


def people_to_invite(
    *,
    organisation: Organisation | None = None,
    base: Base | None = None,
    tag: Tag | None = None,
    history: str = HISTORY_ANY,
    now: datetime | None = None,
) -> QuerySet[Person]:
    """People without an account, narrowed by the bulk invitation page's filters.

    `history`: "never" (no invitation ever sent), "stale" (invited, the last
    invitation more than 14 days old and not accepted), anything else: all.
    """
    now = now or timezone.now()
    people = people_without_account()
    if organisation is not None:
        people = people.filter(organisation=organisation)
    if base is not None:
        people = people.filter(base=base)
    if tag is not None:
        people = people.filter(
            Q(pk__in=tag.skills.values("person_id")) | Q(pk__in=tag.interests.values("person_id"))
        )
    invitations = Invitation.objects.filter(person=OuterRef("pk"))
    if history == HISTORY_NEVER:
        people = people.exclude(Exists(invitations))
    elif history == HISTORY_STALE:
        recent = now - timedelta(days=STALE_INVITATION_DAYS)
        people = people.filter(Exists(invitations)).exclude(
            Exists(invitations.filter(created_at__gt=recent))
        )
    return people.order_by("last_name", "first_name", "pk")
