"""Reusable reads of workshops."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from compagnon.cases.models import Case
from compagnon.cases.selectors import case_shown_to, cases_visible_to
from compagnon.members.models import Tag
from compagnon.members.selectors import Viewer
from compagnon.workshops.models import (
    ACTIVE,
    SEAT_HOLDING,
    Audience,
    Mode,
    Registration,
    RegistrationStatus,
    SeatKind,
    Session,
    Workshop,
    WorkshopStatus,
)


def upcoming_public_workshops(*, limit: int = 3) -> QuerySet[Workshop]:
    """Published public workshops that have not started yet, soonest first (for the public site)."""
    return (
        Workshop.objects.filter(
            audience=Audience.PUBLIC,
            status__in=(WorkshopStatus.PUBLISHED, WorkshopStatus.CLOSED),
            starts_at__gte=timezone.now(),
        )
        .select_related("base")
        .order_by("starts_at", "pk")[:limit]
    )


def upcoming_workshops_for(
    viewer: Viewer, *, limit: int = 3, excluding: Iterable[int] = ()
) -> QuerySet[Workshop]:
    """Open workshops the viewer may see that have not started yet, soonest first (home page).

    `excluding` leaves out workshops the page already shows (the viewer's own seats).
    """
    return (
        workshops_visible_to(viewer)
        .filter(
            status__in=(WorkshopStatus.PUBLISHED, WorkshopStatus.CLOSED),
            starts_at__gte=timezone.now(),
        )
        .exclude(pk__in=list(excluding))
        .select_related("base")
        .order_by("starts_at", "pk")[:limit]
    )


def my_next_registrations(viewer: Viewer, *, limit: int = 3):
    """The viewer's seats, offers and waiting places for workshops still to come."""
    return my_registrations(viewer).filter(workshop__ends_at__gte=timezone.now())[:limit]


# Statuses a workshop is listed under (drafts are seen by their hosts and staff only).
LISTED = (WorkshopStatus.PUBLISHED, WorkshopStatus.CLOSED, WorkshopStatus.DONE)
LISTED_OR_CANCELLED = (*LISTED, WorkshopStatus.CANCELLED)


def workshops_visible_to(viewer: Viewer) -> QuerySet[Workshop]:
    """The one place deciding which workshops a viewer may see.

    Staff see everything; hosts see their own (drafts included). Members see listed
    members-only workshops unless their organisation is excluded; "members and residents"
    workshops are listed to members (residents are members); public workshops are listed
    to everyone, visitors included. Cancelled workshops stay visible to those who could
    see them, so that a registration's link still explains what happened.
    """
    if viewer.is_staff:
        return Workshop.objects.all()
    # Exists() rather than joins: no duplicate rows, so no DISTINCT or pk__in wrapper,
    # and the planner can use the (status, starts_at) index on large calendars.
    visible = Q(audience=Audience.PUBLIC, status__in=LISTED_OR_CANCELLED)
    if viewer.is_member:
        members = Q(status__in=LISTED_OR_CANCELLED)
        if viewer.organisation_id is not None:
            excluded = Workshop.excluded_organisations.through.objects.filter(
                workshop_id=OuterRef("pk"), organisation_id=viewer.organisation_id
            )
            # Q & Exists is a Q at runtime; django-stubs only types Q & Q.
            members = cast(Q, members & ~Exists(excluded))
        visible |= members
    if viewer.person is not None:
        hosting = Workshop.hosts.through.objects.filter(
            workshop_id=OuterRef("pk"), person_id=viewer.person.pk
        )
        visible = cast(Q, visible | Exists(hosting))  # a Q, as above
    return Workshop.objects.filter(visible)


def workshop_asks_sign_in(viewer: Viewer, pk: int) -> bool:
    """Whether a visitor who may not see workshop `pk` should be asked to sign in (not 404).

    Members-only workshops are listed as such, so their existence is no secret: a visitor
    is sent to sign in and back. Drafts and unknown ids stay 404 for them.
    """
    if viewer.is_authenticated:
        return False
    return Workshop.objects.filter(
        pk=pk,
        audience__in=(Audience.MEMBERS, Audience.MEMBERS_AND_RESIDENTS),
        status__in=LISTED_OR_CANCELLED,
    ).exists()


def workshop_for_viewer(viewer: Viewer, pk: int) -> Workshop:
    """The workshop, or Http404 when it does not exist or the viewer may not see it."""
    return get_object_or_404(workshops_visible_to(viewer).select_related("base"), pk=pk)


@dataclass(frozen=True)
class ViewerFacts:
    """What the viewer's registration needs to know about one workshop, read with it."""

    excluded: bool  # the viewer's organisation is among the workshop's excluded ones
    hosting: bool  # the viewer hosts it
    registration_id: int | None  # the viewer's row at this workshop, whatever its status
    queues: frozenset[str] = frozenset()  # seat kinds someone waits for (a hint, re-checked)


def workshop_visible(viewer: Viewer, workshop: Workshop, *, excluded: bool, hosting: bool) -> bool:
    """`workshops_visible_to` for one workshop whose facts are known, without a query.

    The same rules, written for one row; `test_visibility_parity` checks both agree for
    every persona, audience, status, exclusion and host.
    """
    if viewer.is_staff:
        return True
    listed = workshop.status in LISTED_OR_CANCELLED
    if workshop.audience == Audience.PUBLIC and listed:
        return True
    if viewer.is_member and listed and not (viewer.organisation_id is not None and excluded):
        return True
    return viewer.person is not None and hosting


def workshop_for_registration(viewer: Viewer, pk: int) -> tuple[Workshop, ViewerFacts]:
    """The workshop a signed-in viewer registers for (Http404 when they may not see it).

    One query reads the workshop with the facts the visibility rules and the refusals
    need (excluded organisation, host, the viewer's registration, which seat kinds
    have a waiting list), where
    `workshop_for_viewer` then `registration_create` took four: the register button is
    what a popular workshop's whole audience presses in the same minute. SQL by hand:
    the ORM's compilation of the same three subqueries costs more than the query.
    """
    quote = connection.ops.quote_name
    excluded = Workshop.excluded_organisations.through._meta.db_table
    hosts = Workshop.hosts.through._meta.db_table
    sql = f"""
        SELECT w.*,
            EXISTS (
                SELECT 1 FROM {quote(excluded)} x
                WHERE x.workshop_id = w.id AND x.organisation_id = %s
            ) AS viewer_excluded,
            EXISTS (
                SELECT 1 FROM {quote(hosts)} h WHERE h.workshop_id = w.id AND h.person_id = %s
            ) AS viewer_hosting,
            (
                SELECT r.id FROM {quote(Registration._meta.db_table)} r
                WHERE r.workshop_id = w.id AND r.person_id = %s
            ) AS viewer_registration_id,
            EXISTS (
                SELECT 1 FROM {quote(Registration._meta.db_table)} r
                WHERE r.workshop_id = w.id AND r.status = %s AND r.seat = %s
            ) AS onsite_queue,
            EXISTS (
                SELECT 1 FROM {quote(Registration._meta.db_table)} r
                WHERE r.workshop_id = w.id AND r.status = %s AND r.seat = %s
            ) AS remote_queue
        FROM {quote(Workshop._meta.db_table)} w
        WHERE w.id = %s
    """
    person_id = viewer.person.pk if viewer.person is not None else None
    workshop = next(
        iter(
            Workshop.objects.raw(
                sql,
                [
                    viewer.organisation_id,
                    person_id,
                    person_id,
                    RegistrationStatus.WAITING,
                    SeatKind.ONSITE,
                    RegistrationStatus.WAITING,
                    SeatKind.REMOTE,
                    pk,
                ],
            )
        ),
        None,
    )
    if workshop is None:
        raise Http404
    facts = ViewerFacts(
        excluded=bool(workshop.viewer_excluded),  # type: ignore[attr-defined]
        hosting=bool(workshop.viewer_hosting),  # type: ignore[attr-defined]
        registration_id=workshop.viewer_registration_id,  # type: ignore[attr-defined]
        queues=frozenset(
            kind
            for kind, queue in (
                (SeatKind.ONSITE, workshop.onsite_queue),  # type: ignore[attr-defined]
                (SeatKind.REMOTE, workshop.remote_queue),  # type: ignore[attr-defined]
            )
            if queue
        ),
    )
    if not workshop_visible(viewer, workshop, excluded=facts.excluded, hosting=facts.hosting):
        raise Http404
    return workshop, facts


def workshop_origin_case_for(viewer: Viewer, workshop: Workshop) -> Case | None:
    """The case the workshop grew from, when the viewer may follow the link; else None.

    The one rule for the link between a workshop and its case, both ways (the case
    page's chain asks `workshop_shows_origin_case`): the viewer must see the case, and
    for an anonymised case also who brought it (staff, its organisation's people).
    Otherwise the workshop's hosts, roster or title would name what the case hides.
    """
    if workshop.origin_case_id is None:
        return None
    case = cases_visible_to(viewer).filter(pk=workshop.origin_case_id).first()
    if case is None or not workshop_shows_origin_case(viewer, case):
        return None
    return case


def workshop_shows_origin_case(viewer: Viewer, case: Case) -> bool:
    """Whether the viewer may see which workshops grew from `case` (a case they can see)."""
    return case_shown_to(case, viewer).shows_derived


def can_edit_workshop(viewer: Viewer, workshop: Workshop) -> bool:
    """Staff and the workshop's hosts edit it, take attendance and write its report."""
    if viewer.is_staff:
        return True
    if viewer.person is None:
        return False
    return workshop.hosts.filter(pk=viewer.person.pk).exists()


def holds_seat(viewer: Viewer, workshop: Workshop) -> bool:
    """Whether the viewer's seat at the workshop is confirmed."""
    if viewer.person is None:
        return False
    return Registration.objects.filter(
        workshop=workshop, person=viewer.person, status=RegistrationStatus.CONFIRMED
    ).exists()


def workshop_for_editor(viewer: Viewer, pk: int) -> Workshop:
    """The workshop for its hosts and staff: 404 when not visible, 403 when not theirs."""
    workshop = workshop_for_viewer(viewer, pk)
    if not can_edit_workshop(viewer, workshop):
        raise PermissionDenied
    return workshop


# --- the calendar pages -----------------------------------------------------------------------


def _taken(seat: str):
    """Seats of that kind held at the outer workshop (a correlated subquery, index-backed)."""
    counted = (
        Registration.objects.filter(workshop=OuterRef("pk"), status__in=SEAT_HOLDING, seat=seat)
        .order_by()
        .values("workshop")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def has_seats_q() -> Q:
    """Workshops with a free seat of some kind (on a queryset annotated by `_with_taken`)."""
    onsite = Q(mode__in=(Mode.ONSITE, Mode.HYBRID)) & (
        Q(onsite_seats__isnull=True) | Q(onsite_seats__gt=F("onsite_taken"))
    )
    remote = Q(mode__in=(Mode.REMOTE, Mode.HYBRID)) & (
        Q(remote_seats__isnull=True) | Q(remote_seats__gt=F("remote_taken"))
    )
    return onsite | remote


def attach_seats_taken(workshops) -> None:
    """Set `onsite_taken`/`remote_taken` on a page of workshops, in one query."""
    workshops = list(workshops)
    if not workshops:
        return
    counts = {
        (row["workshop_id"], row["seat"]): row["n"]
        for row in Registration.objects.filter(
            workshop_id__in=[w.pk for w in workshops], status__in=SEAT_HOLDING
        )
        .order_by()
        .values("workshop_id", "seat")
        .annotate(n=Count("pk"))
    }
    for workshop in workshops:
        workshop.onsite_taken = counts.get((workshop.pk, SeatKind.ONSITE), 0)
        workshop.remote_taken = counts.get((workshop.pk, SeatKind.REMOTE), 0)


def calendar_workshops(
    viewer: Viewer,
    *,
    base=None,
    tag=None,
    format: str = "",
    remote: bool = False,
    has_seats: bool = False,
) -> QuerySet[Workshop]:
    """Upcoming workshops the viewer may see, soonest first, with the page's data attached."""
    queryset = workshops_visible_to(viewer).filter(
        status__in=(WorkshopStatus.PUBLISHED, WorkshopStatus.CLOSED)
        if not viewer.is_staff
        else (WorkshopStatus.PUBLISHED, WorkshopStatus.CLOSED, WorkshopStatus.DRAFT),
        ends_at__gte=timezone.now(),
    )
    if base is not None:
        queryset = queryset.filter(base=base)
    if tag is not None:
        queryset = queryset.filter(tags=tag)
    if format:
        queryset = queryset.filter(format=format)
    if remote:
        queryset = queryset.filter(mode__in=(Mode.REMOTE, Mode.HYBRID))
    if has_seats:
        queryset = queryset.annotate(
            onsite_taken=_taken(SeatKind.ONSITE), remote_taken=_taken(SeatKind.REMOTE)
        ).filter(has_seats_q())
    return (
        queryset.select_related("base")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("slug")))
        .order_by("starts_at", "pk")
    )


def seats_left(workshop: Workshop) -> int | None:
    """Free seats of all kinds on an annotated workshop (None: no limit)."""
    total = 0
    if workshop.has_onsite:
        if workshop.onsite_seats is None:
            return None
        total += max(workshop.onsite_seats - getattr(workshop, "onsite_taken", 0), 0)
    if workshop.has_remote:
        if workshop.remote_seats is None:
            return None
        total += max(workshop.remote_seats - getattr(workshop, "remote_taken", 0), 0)
    return total


def month_sessions(viewer: Viewer, *, start, end):
    """Sessions between start and end (aware datetimes) of workshops the viewer may see."""
    statuses = [*LISTED]
    if viewer.is_staff:
        statuses.append(WorkshopStatus.DRAFT)
    return (
        Session.objects.filter(
            workshop__in=workshops_visible_to(viewer).filter(status__in=statuses),
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("workshop", "workshop__base")
        .order_by("starts_at", "pk")
    )


def my_registrations(viewer: Viewer):
    """The viewer's registrations that still count (or did), newest workshops last."""
    if viewer.person is None:
        return Registration.objects.none()
    return (
        Registration.objects.filter(person=viewer.person, status__in=ACTIVE)
        .select_related("workshop", "workshop__base", "feedback")
        .order_by("workshop__starts_at", "pk")
    )


def recipients_count(workshop: Workshop) -> dict[str, int]:
    """How many people a message would reach: seats (confirmed or offered), and waiting."""
    counts = dict.fromkeys(("seats", "waiting"), 0)
    for status in Registration.objects.filter(workshop=workshop).values_list("status", flat=True):
        if status in (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED):
            counts["seats"] += 1
        elif status == RegistrationStatus.WAITING:
            counts["waiting"] += 1
    return counts


def attendees_shown(workshop: Workshop) -> tuple[list[Registration], int]:
    """ "Who's going": the confirmed participants who chose to appear, and how many others."""
    confirmed = Registration.objects.filter(workshop=workshop, status=RegistrationStatus.CONFIRMED)
    shown = list(
        confirmed.filter(shown_in_attendees=True)
        .select_related("person__organisation")
        .order_by("person__first_name", "person__last_name", "pk")
    )
    return shown, confirmed.count() - len(shown)
