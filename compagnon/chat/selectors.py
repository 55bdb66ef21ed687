"""Reads for the chat: which invitations wait for a message, what the weekly digest lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from compagnon.cases.models import Case, CaseInvitation, CaseStatus, Confidentiality
from compagnon.cases.selectors import invitations_open
from compagnon.knowledge.models import Report, ReportStatus
from compagnon.workshops.models import Workshop, WorkshopStatus


def invitations_to_post(now: datetime, *, by_id: bool = False) -> QuerySet[CaseInvitation]:
    """Pending, unexpired invitations to a case still looking, for someone with a linked chat,
    not posted yet (never tried, or tried and failed).

    `by_id`: the message goes to the linked chat user id (the bot's direct message), so a
    link whose name was taken by another account still gets it.
    """
    waiting = (
        invitations_open(now)
        .filter(person__chat_link__confirmed_at__isnull=False)
        .filter(Q(chat_message__isnull=True) | Q(chat_message__posted_at__isnull=True))
        .exclude(person__chat_link__chat_user_id="")
    )
    if not by_id:
        waiting = waiting.exclude(person__chat_link__chat_user_name="")
    return waiting


@dataclass(frozen=True)
class DigestItems:
    workshops: list[tuple[str, str]]
    cases: list[tuple[str, str]]
    reports: list[tuple[str, str]]


def digest_items(*, since: datetime, until: datetime) -> DigestItems:
    """(title, path) of what the week brought that every member may see.

    Cases: opened this week and open to all members. An anonymised case is
    listed by its title only, like every case here: the digest names no
    bringer and no organisation. The channel is every member's: whatever is
    shared with named organisations only, or hidden from some, stays out.
    """
    workshops = Workshop.objects.filter(
        status__in=(WorkshopStatus.PUBLISHED, WorkshopStatus.CLOSED),
        published_at__gte=since,
        published_at__lt=until,
        excluded_organisations__isnull=True,
    ).order_by("starts_at", "pk")
    cases = Case.objects.filter(
        status=CaseStatus.OPEN,
        opened_at__gte=since,
        opened_at__lt=until,
        confidentiality__in=(Confidentiality.MEMBERS, Confidentiality.ANONYMISED),
        excluded_organisations__isnull=True,
    ).order_by("opened_at", "pk")
    reports = Report.objects.filter(
        status=ReportStatus.PUBLISHED,
        published_at__gte=since,
        published_at__lt=until,
        workshop__excluded_organisations__isnull=True,
    ).order_by("published_at", "pk")
    return DigestItems(
        workshops=[(w.title, w.get_absolute_url()) for w in workshops],
        cases=[(c.title, c.get_absolute_url()) for c in cases],
        reports=[(r.title, r.get_absolute_url()) for r in reports],
    )
