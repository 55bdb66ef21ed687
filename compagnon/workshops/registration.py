"""Registration: seats, the waiting list, promotion offers and attendance.

Every change is a function here, keyword-only, inside `transaction.atomic()`.
A refusal a person should read is a `RegistrationError` whose message is shown as is.

No overbooking, ever: the seat count and the insert that depends on it happen
while the workshop row is locked (`select_for_update`), so two registrations
for the last seat take turns and the second one sees the first. `LOCK_SEATS`
exists only for the race test, which switches it off to show the oversell.

The lock covers the seat decision and the row write only. The emails (and their
.ics) are rendered after the commit, by a task, from the committed row
(`_email_after_commit`), so a popular workshop makes registrations wait a few
milliseconds each, not the time it takes to render. On PostgreSQL a registration
waits at most `LOCK_TIMEOUT_MS` for the lock, retries a few times, then asks the
person to try again: one workshop never holds every web worker.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Count, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnon.members.models import MembershipType, Person
from compagnon.members.selectors import Viewer
from compagnon.workshops import emails
from compagnon.workshops.models import (
    ACTIVE,
    SEAT_HOLDING,
    Attendance,
    Audience,
    Mode,
    Registration,
    RegistrationStatus,
    SeatKind,
    Workshop,
    WorkshopStatus,
)
from compagnon.workshops.selectors import ViewerFacts, can_edit_workshop

# The race test turns this off to prove the lock is what prevents overbooking.
LOCK_SEATS = True
# Seconds to sleep between counting seats and writing the registration (race test only),
# so that concurrent registrations reliably overlap when the lock is off.
RACE_WINDOW_SECONDS = 0.0
# How long one attempt waits for the workshop row (PostgreSQL), and how many attempts.
LOCK_TIMEOUT_MS = 1500
LOCK_ATTEMPTS = 3

_S = RegistrationStatus
_T = TypeVar("_T")


class RegistrationError(Exception):
    """A refusal a person sees: the message is translated and shown as is."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


def offer_hours() -> int:
    """How long a promoted person has to confirm (setting WORKSHOP_OFFER_HOURS, default 24)."""
    return int(getattr(settings, "WORKSHOP_OFFER_HOURS", 24))


# --- rules shared by the page and the services ------------------------------------------------


def seat_capacity(workshop: Workshop, seat: str) -> int | None:
    """Seats of that kind, None for no limit, 0 when the workshop has no such seats."""
    if seat == SeatKind.ONSITE:
        return workshop.onsite_seats if workshop.has_onsite else 0
    return workshop.remote_seats if workshop.has_remote else 0


def seat_kinds(workshop: Workshop) -> list[str]:
    if workshop.mode == Mode.HYBRID:
        return [SeatKind.ONSITE, SeatKind.REMOTE]
    if workshop.mode == Mode.REMOTE:
        return [SeatKind.REMOTE]
    return [SeatKind.ONSITE]


def registration_closes_at(workshop: Workshop) -> dt.datetime | None:
    return workshop.registration_closes_at or workshop.starts_at


def in_priority_window(workshop: Workshop, now: dt.datetime) -> bool:
    return workshop.registration_opens_at is not None and now < workshop.registration_opens_at


def has_priority(workshop: Workshop, person: Person | None) -> bool:
    """Invitees and hosts may register before registration opens to all."""
    if person is None:
        return False
    return (
        workshop.invitees.filter(pk=person.pk).exists()
        or workshop.hosts.filter(pk=person.pk).exists()
    )


def status_refusal(*, workshop: Workshop, now: dt.datetime) -> str:
    """Why nobody may register now ("" when registration is open); reads the row only."""
    if workshop.status == WorkshopStatus.CANCELLED:
        return _("This workshop was cancelled.")
    if workshop.status == WorkshopStatus.DRAFT:
        return _("This workshop is not open for registration yet.")
    if workshop.status == WorkshopStatus.DONE or (
        workshop.starts_at is not None and workshop.starts_at <= now
    ):
        return _("This workshop has already taken place.")
    closes = registration_closes_at(workshop)
    if workshop.status == WorkshopStatus.CLOSED or (closes is not None and closes <= now):
        return _("Registration for this workshop is closed.")
    return ""


def refusal(
    *,
    workshop: Workshop,
    viewer: Viewer,
    now: dt.datetime,
    priority: bool | None = None,
    excluded: bool | None = None,
) -> str:
    """Why this viewer may not register now ("" when they may). Seats are not checked here.

    `priority` and `excluded` (the viewer's organisation is excluded), when the caller
    already read them, save a query each.
    """
    person = viewer.person
    reason = status_refusal(workshop=workshop, now=now)
    if reason:
        return reason
    if person is None:
        return _("Your account has no member profile yet, so you cannot register.")
    if excluded is None:
        excluded = (
            person.organisation_id is not None
            and workshop.excluded_organisations.filter(pk=person.organisation_id).exists()
        )
    if person.organisation_id is not None and excluded:
        return _("People from your organisation cannot register for this workshop.")
    if workshop.audience == Audience.MEMBERS and not (
        viewer.is_member and person.membership_type != MembershipType.RESIDENT
    ):
        return _("This workshop is for people of member organisations.")
    if workshop.audience == Audience.MEMBERS_AND_RESIDENTS and not viewer.is_member:
        return _("This workshop is for members and residents of the club.")
    if in_priority_window(workshop, now):
        if priority is None:
            priority = has_priority(workshop, person)
        if not priority:
            opens_at = workshop.registration_opens_at
            assert opens_at is not None  # in_priority_window() checked it
            return _(
                "Registration opens to all on %(date)s; until then only the people "
                "invited may register."
            ) % {"date": emails.workshop_time(workshop, opens_at)}
    return ""


def _seat_for(workshop: Workshop, seat: str) -> str:
    kinds = seat_kinds(workshop)
    if len(kinds) == 1:
        return kinds[0]
    if seat not in kinds:
        raise RegistrationError(_("Choose an on-site or a remote seat."))
    return seat


def _holding_count(workshop: Workshop, seat: str) -> int:
    return Registration.objects.filter(
        workshop=workshop, seat=seat, status__in=SEAT_HOLDING
    ).count()


def _lock(workshop: Workshop, *, wait_briefly: bool = False) -> Workshop:
    """The workshop row, locked until the transaction ends (when LOCK_SEATS is on).

    `wait_briefly` (a person is waiting for the answer): on PostgreSQL, give up after
    LOCK_TIMEOUT_MS instead of queueing for as long as it takes (see `_with_lock_retry`).
    """
    queryset = Workshop.objects.all()
    if LOCK_SEATS:
        if wait_briefly and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # SET LOCAL lasts until this transaction ends, and takes no parameters.
                cursor.execute(f"SET LOCAL lock_timeout = '{int(LOCK_TIMEOUT_MS)}ms'")
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=workshop.pk)


def _lock_not_available(error: OperationalError) -> bool:
    """PostgreSQL's lock_not_available (55P03): the lock_timeout ran out."""
    return getattr(error.__cause__, "sqlstate", None) == "55P03"


def _with_lock_retry(attempt: Callable[[], _T]) -> _T:
    """Run `attempt` (one transaction taking the workshop lock), retrying a busy lock.

    Each try waits at most LOCK_TIMEOUT_MS, then a short random pause spreads the
    retries; after LOCK_ATTEMPTS the person reads a clear "try again", never a 500.
    """
    for number in range(1, LOCK_ATTEMPTS + 1):
        try:
            return attempt()
        except OperationalError as error:
            if not _lock_not_available(error):
                raise
            if number == LOCK_ATTEMPTS:
                raise RegistrationError(
                    _(
                        "Many people are registering for this workshop right now. "
                        "Please try again in a moment."
                    )
                ) from error
            time.sleep(random.uniform(0.05, 0.25))  # jitter spreads the retries
    raise AssertionError("unreachable")


# --- emails, rendered after the commit ------------------------------------------------------

# Which registration status each email tells about: a task that finds the row in another
# status sends nothing (a later event superseded it and has its own email).
_EMAIL_EVENTS: dict[str, tuple[str, Callable[..., None]]] = {
    "confirmed": (_S.CONFIRMED, emails.registration_confirmed_email),
    "waiting": (_S.WAITING, emails.registration_waiting_email),
    "offer": (_S.OFFERED, emails.registration_offer_email),
    "offer_expired": (_S.EXPIRED, emails.registration_offer_expired_email),
    "cancelled": (_S.CANCELLED, emails.registration_cancelled_email),
}


def _email_after_commit(registration: Registration, event: str) -> None:
    """Queue the email telling about `event` once the transaction commits (not under the lock)."""
    from compagnon.workshops.tasks import registration_email_send

    registration_id = registration.pk
    webhook = None
    if event == "confirmed":
        webhook = {
            "id": registration_id,
            "workshop_id": registration.workshop_id,
            "person_id": registration.person_id,
            "seat": registration.seat,
        }
    occurred_at = timezone.now()

    def after_commit() -> None:
        registration_email_send.enqueue(registration_id=registration_id, event=event)
        if webhook is not None:
            # One callback for both: the webhook (registration.confirmed) leaves with the email.
            from compagnon.webhooks.services import deliveries_create

            deliveries_create(event="registration.confirmed", data=webhook, at=occurred_at)

    transaction.on_commit(after_commit)


def registration_email_render(*, registration_id: int, event: str) -> bool:
    """Render and queue the email of `event` from the committed row; idempotent (keyed emails).

    Returns False when the row is gone or has moved on to another status.
    """
    status, send = _EMAIL_EVENTS[event]
    registration = (
        Registration.objects.select_related("person", "workshop", "workshop__base")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.status != status:
        return False
    prefetch_related_objects([registration.workshop], "sessions")
    with transaction.atomic():
        send(registration=registration)
    return True


# --- registering ----------------------------------------------------------------------------


def registration_create(
    *,
    workshop: Workshop,
    viewer: Viewer,
    seat: str = "",
    accept_terms: bool = False,
    now: dt.datetime | None = None,
    facts: ViewerFacts | None = None,
) -> Registration:
    """Register the viewer: a seat when one is free, else the waiting list.

    Idempotent: a second click, or a second tab, returns the registration the first
    made. Someone who cancelled (or let an offer expire) and comes back reuses their
    row and joins at the end of the queue. `facts` (from `workshop_for_registration`)
    saves the queries for the viewer's row and their organisation's exclusion.
    """
    now = now or timezone.now()
    person = viewer.person
    # Checks that do not depend on seats run before the lock, to keep it short.
    existing = None
    if person is not None and (facts is None or facts.registration_id is not None):
        existing = Registration.objects.filter(workshop=workshop, person=person).first()
        if existing is not None and existing.status in ACTIVE:
            return existing
    excluded = facts.excluded if facts is not None else None
    reason = refusal(workshop=workshop, viewer=viewer, now=now, excluded=excluded)
    if reason:
        raise RegistrationError(reason)
    assert person is not None
    seat = _seat_for(workshop, seat)
    terms = bool(workshop.terms.strip())
    if terms and not accept_terms:
        raise RegistrationError(_("Please accept the confidentiality terms to register."))

    return _register(
        workshop=workshop,
        person=person,
        seat=seat,
        terms=terms,
        existing=existing,
        now=now,
        queue_seen=facts is not None and seat in facts.queues,
    )


def registration_create_for_person(
    *,
    workshop: Workshop,
    person: Person,
    seat: str = "",
    accept_terms: bool = False,
    organisation_id: int | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Register `person`, who is not signed in (a visitor who confirmed by email).

    The same seat decision, under the same lock, as `registration_create`; the caller
    (`workshops.visitors`) decided who may come. `organisation_id` is the organisation
    the per-organisation cap counts the person in (None: the person's own).
    """
    now = now or timezone.now()
    existing = Registration.objects.filter(workshop=workshop, person=person).first()
    if existing is not None and existing.status in ACTIVE:
        return existing
    reason = status_refusal(workshop=workshop, now=now)
    if reason:
        raise RegistrationError(reason)
    seat = _seat_for(workshop, seat)
    terms = bool(workshop.terms.strip())
    if terms and not accept_terms:
        raise RegistrationError(_("Please accept the confidentiality terms to register."))
    return _register(
        workshop=workshop,
        person=person,
        seat=seat,
        terms=terms,
        existing=existing,
        now=now,
        organisation_id=organisation_id,
    )


def _register(
    *,
    workshop: Workshop,
    person: Person,
    seat: str,
    terms: bool,
    existing: Registration | None,
    now: dt.datetime,
    organisation_id: int | None = None,
    queue_seen: bool = False,
) -> Registration:
    if existing is None and connection.vendor == "postgresql":
        # The usual case (a first registration): the whole decision in one round trip.
        # When people were seen waiting for this seat kind, the newcomer joins them under
        # a shared lock first: a full workshop's latecomers do not take turns.
        # (Not inside a caller's transaction: its shared lock would last until that
        # transaction ends, and the exclusive batch after it would have to upgrade it.)
        shared_first = queue_seen and not connection.in_atomic_block
        for queue_only in (True, False) if shared_first else (False,):
            registration = _with_lock_retry(
                partial(
                    _register_in_one_round_trip,
                    workshop=workshop,
                    person=person,
                    seat=seat,
                    terms=terms,
                    now=now,
                    organisation_id=person.organisation_id
                    if organisation_id is None
                    else organisation_id,
                    queue_only=queue_only,
                )
            )
            if registration is not None:
                return registration
        # Not written: a refusal, another tab, or a row reused; the path below tells which.

    def attempt() -> Registration:
        with transaction.atomic():
            # From here to the commit, other registrations for this workshop wait their
            # turn: the counts below cannot change before our row is written.
            locked = _lock(workshop, wait_briefly=True)
            return _register_locked(
                locked=locked,
                person=person,
                seat=seat,
                terms=terms,
                existing=existing,
                now=now,
                organisation_id=organisation_id,
            )

    return _with_lock_retry(attempt)


def _register_in_one_round_trip(
    *,
    workshop: Workshop,
    person: Person,
    seat: str,
    terms: bool,
    now: dt.datetime,
    organisation_id: int | None,
    queue_only: bool = False,
) -> Registration | None:
    """PostgreSQL: lock, decide and insert in one round trip; None when nothing was written.

    The same decision as `_register_locked`, for a person with no row at this workshop,
    sent as one batch of statements (one implicit transaction on the server): take the
    workshop row lock (at most LOCK_TIMEOUT_MS), then one INSERT ... SELECT that counts
    seats and the waiting list *after* the lock was granted (each statement of the batch
    reads what was committed before it started) and writes the row, confirmed or waiting.
    The lock is released by the commit at the end of the batch: it is never held while
    this process waits for Python (another thread holding the interpreter lock), so 200
    people registering at once take turns of a fraction of a millisecond each.

    `queue_only` (someone was seen waiting for this seat kind): the batch takes a shared
    lock on the workshop row instead, which latecomers hold together while everything
    that takes or frees a seat (the exclusive lock: seat-takers, cancel, promotion,
    expiry, closing) waits for them, and writes a waiting row only if someone still
    waits for that seat kind once the lock is granted: a newcomer never jumps the queue,
    and a promotion sees every row queued before it. Not for workshops with a
    per-organisation cap (latecomers of one organisation would count each other
    concurrently): they always take turns.

    Nothing is written when the workshop closed meanwhile, the person already has a row
    (another tab), the organisation's cap is reached, or (`queue_only`) nobody waits any
    more: the caller then runs the exclusive batch or the step-by-step path, which finds
    the exact answer and its message.
    """
    sql, params, registration = _one_round_trip_sql(
        workshop=workshop,
        person=person,
        seat=seat,
        terms=terms,
        now=now,
        organisation_id=organisation_id,
        queue_only=queue_only,
    )
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        # Inside an outer transaction (tests, a caller's atomic block) a savepoint lets a
        # lock timeout roll back this attempt only; otherwise the batch is its own transaction.
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while cursor.nextset():
                pass  # the INSERT's RETURNING is the last result of the batch
            row = cursor.fetchone()
        if row is None:
            return None
        registration.pk, registration.status = row
        has_seat = registration.status == _S.CONFIRMED
        registration.confirmed_at = now if has_seat else None
        registration._state.adding = False
        registration._state.db = connection.alias
        _email_after_commit(registration, "confirmed" if has_seat else "waiting")
    return registration


def _one_round_trip_sql(
    *,
    workshop: Workshop,
    person: Person,
    seat: str,
    terms: bool,
    now: dt.datetime,
    organisation_id: int | None,
    queue_only: bool = False,
) -> tuple[str, dict[str, Any], Registration]:
    """The batch of `_register_in_one_round_trip`: SQL, named parameters, and the row it
    writes (without its pk, status and confirmed_at, which the batch decides)."""
    quote = connection.ops.quote_name
    registrations = quote(Registration._meta.db_table)
    workshops = quote(Workshop._meta.db_table)
    capacity = "w.onsite_seats" if seat == SeatKind.ONSITE else "w.remote_seats"
    # The modes offering this seat kind (`seat_capacity` gives 0 seats otherwise).
    modes = [Mode.HYBRID, Mode.ONSITE if seat == SeatKind.ONSITE else Mode.REMOTE]
    draft = Registration(
        workshop=workshop,
        person=person,
        organisation_id=organisation_id,
        seat=seat,
        status=_S.WAITING,
        queued_at=now,
        terms_accepted_at=now if terms else None,
    )
    params: dict[str, Any] = {
        "workshop": workshop.pk,
        "person": person.pk,
        "organisation": organisation_id,
        "seat": seat,
        "now": now,
        "modes": modes,
        "published": WorkshopStatus.PUBLISHED,
        "confirmed": _S.CONFIRMED,
        "waiting": _S.WAITING,
        "holding": list(SEAT_HOLDING),
        "active": list(ACTIVE),
        "lock_timeout": f"{int(LOCK_TIMEOUT_MS)}ms",
        "race_window": RACE_WINDOW_SECONDS,
    }
    columns, values = [], []
    for model_field in Registration._meta.concrete_fields:
        if model_field.primary_key:
            continue
        columns.append(quote(str(model_field.column)))
        if model_field.attname == "status":
            values.append("CASE WHEN d.has_seat THEN %(confirmed)s ELSE %(waiting)s END")
        elif model_field.attname == "confirmed_at":
            values.append("CASE WHEN d.has_seat THEN %(now)s END")
        else:
            value = model_field.pre_save(draft, add=True)
            params[f"f_{model_field.attname}"] = model_field.get_db_prep_save(value, connection)
            values.append(f"%(f_{model_field.attname})s")
    statements = []
    if LOCK_SEATS:
        statements += [
            "SELECT set_config('lock_timeout', %(lock_timeout)s, true)",
            f"SELECT 1 FROM {workshops} WHERE id = %(workshop)s "
            + ("FOR SHARE" if queue_only else "FOR UPDATE"),
        ]
    # Joining the queue under the shared lock: only while someone waits for this seat
    # kind (so the row is a waiting one) and without a per-organisation cap.
    queue_condition = (
        f"""AND EXISTS (
            SELECT 1 FROM {registrations} r
            WHERE r.workshop_id = w.id AND r.seat = %(seat)s AND r.status = %(waiting)s
        )
        AND COALESCE(w.per_organisation_cap, 0) = 0"""
        if queue_only
        else ""
    )
    # Race test only: sleep inside the INSERT, whose snapshot (what it counts) is taken
    # when it starts, so that the row is written RACE_WINDOW_SECONDS after the count.
    race_window = "CROSS JOIN pg_sleep(%(race_window)s)" if RACE_WINDOW_SECONDS else ""
    statements.append(
        f"""INSERT INTO {registrations} ({", ".join(columns)})
        SELECT {", ".join(values)}
        FROM {workshops} w {race_window}
        CROSS JOIN LATERAL (
            SELECT NOT EXISTS (
                SELECT 1 FROM {registrations} r
                WHERE r.workshop_id = w.id AND r.seat = %(seat)s AND r.status = %(waiting)s
            ) AND (
                {capacity} IS NULL OR (
                    SELECT count(*) FROM {registrations} r
                    WHERE r.workshop_id = w.id AND r.seat = %(seat)s
                    AND r.status = ANY(%(holding)s)
                ) < {capacity}
            ) AS has_seat
        ) d
        WHERE w.id = %(workshop)s
        AND w.status = %(published)s
        AND (w.starts_at IS NULL OR w.starts_at > %(now)s)
        AND (
            COALESCE(w.registration_closes_at, w.starts_at) IS NULL
            OR COALESCE(w.registration_closes_at, w.starts_at) > %(now)s
        )
        AND w.mode = ANY(%(modes)s)
        {queue_condition}
        AND NOT EXISTS (
            SELECT 1 FROM {registrations} r
            WHERE r.workshop_id = w.id AND r.person_id = %(person)s
        )
        AND (
            COALESCE(w.per_organisation_cap, 0) = 0
            OR %(organisation)s::bigint IS NULL
            OR (
                SELECT count(*) FROM {registrations} r
                WHERE r.workshop_id = w.id AND r.organisation_id = %(organisation)s::bigint
                AND r.status = ANY(%(active)s)
            ) < w.per_organisation_cap
        )
        RETURNING id, status"""
    )
    return ";\n".join(statements), params, draft


def _register_locked(
    *,
    locked: Workshop,
    person: Person,
    seat: str,
    terms: bool,
    existing: Registration | None,
    now: dt.datetime,
    organisation_id: int | None = None,
) -> Registration:
    """The seat decision and the row write, the workshop row being locked: nothing else."""
    if organisation_id is None:
        organisation_id = person.organisation_id
    reason = status_refusal(workshop=locked, now=now)  # it may have closed meanwhile
    if reason:
        raise RegistrationError(reason)
    counts = Registration.objects.filter(workshop=locked).aggregate(
        mine=Count("pk", filter=Q(person=person)),
        mine_active=Count("pk", filter=Q(person=person, status__in=ACTIVE)),
        holding=Count("pk", filter=Q(seat=seat, status__in=SEAT_HOLDING)),
        waiting=Count("pk", filter=Q(seat=seat, status=_S.WAITING)),
        organisation=Count("pk", filter=Q(organisation_id=organisation_id, status__in=ACTIVE)),
    )
    if counts["mine_active"] or (counts["mine"] and existing is None):
        # Another tab registered first: return what it made (the same row).
        existing = Registration.objects.get(workshop=locked, person=person)
        if existing.status in ACTIVE:
            return existing
    cap = locked.per_organisation_cap
    if cap and organisation_id is not None and counts["organisation"] >= cap:
        raise RegistrationError(
            _(
                "Your organisation already has %(count)d places at this workshop, "
                "the most it allows per organisation."
            )
            % {"count": counts["organisation"]}
        )
    capacity = seat_capacity(locked, seat)
    waiting_ahead = counts["waiting"] > 0
    holding = counts["holding"]
    if RACE_WINDOW_SECONDS:
        time.sleep(RACE_WINDOW_SECONDS)
    has_seat = not waiting_ahead and (capacity is None or holding < capacity)
    registration = existing or Registration(workshop=locked, person=person)
    registration.organisation_id = organisation_id
    registration.seat = seat
    registration.status = _S.CONFIRMED if has_seat else _S.WAITING
    registration.queued_at = now
    registration.confirmed_at = now if has_seat else None
    registration.offer_expires_at = None
    registration.cancelled_at = None
    registration.attendance = Attendance.UNKNOWN
    registration.attendance_marked_by = None
    registration.terms_accepted_at = now if terms else None
    registration.save()
    _email_after_commit(registration, "confirmed" if has_seat else "waiting")
    return registration


def registration_cancel(
    *, registration: Registration, viewer: Viewer, now: dt.datetime | None = None
) -> Registration:
    """The person gives up their place (or leaves the waiting list); the seat passes on."""
    now = now or timezone.now()
    if viewer.person is None or registration.person_id != viewer.person.pk:
        raise RegistrationError(_("This is not your registration."))
    pk = registration.pk

    def attempt() -> Registration:
        with transaction.atomic():
            workshop = _lock(registration.workshop, wait_briefly=True)
            row = Registration.objects.select_for_update().get(pk=pk)
            if row.status not in ACTIVE:
                return row
            if workshop.starts_at is not None and workshop.starts_at <= now:
                raise RegistrationError(
                    _("This workshop has already started; your registration can no longer change.")
                )
            held_seat = row.status in SEAT_HOLDING
            row.status = _S.CANCELLED
            row.cancelled_at = now
            row.offer_expires_at = None
            row.save()
            _email_after_commit(row, "cancelled")
            if held_seat:
                _promote(workshop, row.seat, now)
            return row

    return _with_lock_retry(attempt)


# --- the waiting list -------------------------------------------------------------------------


def _promote(workshop: Workshop, seat: str, now: dt.datetime) -> list[Registration]:
    """Offer free seats of this kind to the first people waiting (the workshop is locked)."""
    if workshop.status not in (WorkshopStatus.PUBLISHED, WorkshopStatus.CLOSED):
        return []
    if workshop.starts_at is not None and workshop.starts_at <= now:
        return []
    capacity = seat_capacity(workshop, seat)
    waiting = Registration.objects.filter(workshop=workshop, seat=seat, status=_S.WAITING)
    free = waiting.count() if capacity is None else capacity - _holding_count(workshop, seat)
    if free <= 0:
        return []
    expires = now + dt.timedelta(hours=offer_hours())
    if workshop.starts_at is not None:
        expires = min(expires, workshop.starts_at)
    offered = list(waiting.order_by("queued_at", "pk")[:free])
    for registration in offered:
        registration.workshop = workshop
        registration.status = _S.OFFERED
        registration.offer_expires_at = expires
        registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
        _email_after_commit(registration, "offer")
    return offered


def registration_promote(*, workshop: Workshop, now: dt.datetime | None = None) -> int:
    """Offer every free seat to the waiting list (call after adding seats). Returns offers."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(workshop)
        return sum(len(_promote(locked, seat, now)) for seat in seat_kinds(locked))


def registration_offer_confirm(
    *, registration: Registration, viewer: Viewer, now: dt.datetime | None = None
) -> Registration:
    """The promoted person takes the seat offered; refused once the offer has expired."""
    now = now or timezone.now()
    if viewer.person is None or registration.person_id != viewer.person.pk:
        raise RegistrationError(_("This is not your registration."))
    expired = False
    with transaction.atomic():
        workshop = _lock(registration.workshop)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == _S.CONFIRMED:
            return registration
        if registration.status == _S.OFFERED and (
            registration.offer_expires_at is not None and registration.offer_expires_at <= now
        ):
            _expire(workshop, registration, now)
            expired = True
        elif registration.status != _S.OFFERED:
            expired = registration.status == _S.EXPIRED
            if not expired:
                raise RegistrationError(_("There is no seat waiting for your confirmation."))
        else:
            registration.status = _S.CONFIRMED
            registration.confirmed_at = now
            registration.offer_expires_at = None
            registration.save()
            _email_after_commit(registration, "confirmed")
    if expired:
        # Raised after the commit: passing the seat on is kept, the confirmation is not made.
        raise RegistrationError(
            _(
                "Sorry, this offer expired and the seat went to the next person waiting. "
                "You may register again to rejoin the waiting list."
            )
        )
    return registration


def _expire(workshop: Workshop, registration: Registration, now: dt.datetime) -> None:
    registration.status = _S.EXPIRED
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    _email_after_commit(registration, "offer_expired")
    _promote(workshop, registration.seat, now)


def registration_offers_expire(*, now: dt.datetime | None = None) -> int:
    """Sweep: offers past their deadline expire and their seats go to the next in line."""
    now = now or timezone.now()
    workshop_ids = (
        Registration.objects.filter(status=_S.OFFERED, offer_expires_at__lte=now)
        .values_list("workshop_id", flat=True)
        .distinct()
    )
    expired = 0
    for workshop_id in list(workshop_ids):
        with transaction.atomic():
            workshop = _lock(Workshop(pk=workshop_id))
            due = Registration.objects.select_for_update(of=("self",)).filter(
                workshop=workshop, status=_S.OFFERED, offer_expires_at__lte=now
            )
            for registration in due:
                registration.workshop = workshop
                _expire(workshop, registration, now)
                expired += 1
    return expired


# --- attendance -------------------------------------------------------------------------------


def registration_mark_attendance(
    *,
    registration: Registration,
    viewer: Viewer,
    attendance: str,
    now: dt.datetime | None = None,
) -> Registration:
    """Hosts and staff mark a confirmed person present or a no-show, once the workshop started."""
    now = now or timezone.now()
    workshop = registration.workshop
    if not can_edit_workshop(viewer, workshop):
        raise RegistrationError(_("Only the workshop's hosts and staff take attendance."))
    if attendance not in Attendance.values:
        raise RegistrationError(_("Choose present, no-show or not marked."))
    if workshop.starts_at is None or workshop.starts_at > now:
        raise RegistrationError(_("Attendance can be taken once the workshop has started."))
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != _S.CONFIRMED:
            raise RegistrationError(_("Only confirmed registrations can be marked."))
        registration.attendance = attendance
        registration.attendance_marked_by = viewer.user
        registration.save(update_fields=["attendance", "attendance_marked_by", "updated_at"])
    return registration


# --- what the workshop page shows -------------------------------------------------------------


@dataclass
class RegistrationState:
    """Everything the registration panel of a workshop page needs, for one viewer."""

    registration: Registration | None = None
    status: str = ""
    seat: str = ""
    can_register: bool = False
    reason: str = ""
    needs_sign_in: bool = False
    terms_needed: bool = False
    terms: str = ""
    seat_choices: list[tuple[str, str]] = field(default_factory=list)
    seats_left: dict[str, int | None] = field(default_factory=dict)
    full: dict[str, bool] = field(default_factory=dict)
    waiting_count: dict[str, int] = field(default_factory=dict)
    waiting_position: int | None = None
    offer_expires_at: dt.datetime | None = None
    can_cancel: bool = False
    can_manage: bool = False
    priority_window: bool = False
    opens_at: dt.datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_confirmed(self) -> bool:
        return self.status == _S.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        return self.status == _S.WAITING

    @property
    def is_offered(self) -> bool:
        return self.status == _S.OFFERED

    @property
    def all_full(self) -> bool:
        return bool(self.full) and all(self.full.values())

    @property
    def seats_rows(self) -> list[tuple[str, int | None, bool, int]]:
        labels = dict(SeatKind.choices)
        return [
            (
                str(labels[kind]),
                self.seats_left.get(kind),
                self.full.get(kind, False),
                self.waiting_count.get(kind, 0),
            )
            for kind in self.seats_left
        ]


def registration_state(
    *, workshop: Workshop, viewer: Viewer, now: dt.datetime | None = None
) -> RegistrationState:
    """The viewer's registration and what they may do, with seats left per kind (3-5 queries)."""
    now = now or timezone.now()
    state = RegistrationState()
    kinds = seat_kinds(workshop)
    counts = {
        (row["seat"], row["status"]): row["n"]
        for row in Registration.objects.filter(workshop=workshop, status__in=ACTIVE)
        .values("seat", "status")
        .annotate(n=Count("pk"))
    }
    for kind in kinds:
        capacity = seat_capacity(workshop, kind)
        holding = sum(counts.get((kind, status), 0) for status in SEAT_HOLDING)
        waiting = counts.get((kind, _S.WAITING), 0)
        left = None if capacity is None else max(capacity - holding, 0)
        state.seats_left[kind] = left
        state.waiting_count[kind] = waiting
        state.full[kind] = (left is not None and left == 0) or waiting > 0
    labels = dict(SeatKind.choices)
    if len(kinds) > 1:
        state.seat_choices = [(kind, str(labels[kind])) for kind in kinds]
    state.terms = workshop.terms.strip()
    state.terms_needed = bool(state.terms)
    state.priority_window = in_priority_window(workshop, now)
    state.opens_at = workshop.registration_opens_at
    person = viewer.person
    if not viewer.is_authenticated:
        # Only what stops everyone: who may register is known once they sign in.
        state.needs_sign_in = True
        state.reason = status_refusal(workshop=workshop, now=now)
        return state
    state.can_manage = can_edit_workshop(viewer, workshop)
    if person is not None:
        registration = Registration.objects.filter(workshop=workshop, person=person).first()
        if registration is not None:
            state.registration = registration
            state.status = registration.status
            state.seat = registration.seat
            state.offer_expires_at = registration.offer_expires_at
            started = workshop.starts_at is not None and workshop.starts_at <= now
            state.can_cancel = registration.status in ACTIVE and not started
            if registration.status == _S.WAITING:
                state.waiting_position = (
                    Registration.objects.filter(
                        workshop=workshop, seat=registration.seat, status=_S.WAITING
                    )
                    .filter(
                        Q(queued_at__lt=registration.queued_at)
                        | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
                    )
                    .count()
                    + 1
                )
            if registration.status in ACTIVE:
                return state
    state.reason = refusal(workshop=workshop, viewer=viewer, now=now)
    state.can_register = not state.reason
    return state


def registrations_fill(*, now: dt.datetime | None = None) -> int:
    """Sweep: offer the free seats of coming workshops to their waiting lists."""
    now = now or timezone.now()
    workshop_ids = (
        Registration.objects.filter(
            status=_S.WAITING,
            workshop__status__in=(WorkshopStatus.PUBLISHED, WorkshopStatus.CLOSED),
            workshop__starts_at__gt=now,
        )
        .values_list("workshop_id", flat=True)
        .distinct()
    )
    return sum(registration_promote(workshop=Workshop(pk=pk), now=now) for pk in list(workshop_ids))
