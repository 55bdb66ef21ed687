"""The waiting list: promotion in order, offers that expire, confirming, attendance."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from compagnon.core.models import OutboundEmail
from compagnon.members.tests.factories import PersonFactory
from compagnon.workshops.models import Attendance, Registration, RegistrationStatus
from compagnon.workshops.registration import (
    RegistrationError,
    registration_cancel,
    registration_create,
    registration_mark_attendance,
    registration_offer_confirm,
    registration_offers_expire,
    registration_promote,
    registrations_fill,
)
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db
S = RegistrationStatus


@pytest.fixture
def full_workshop(viewer_of, committed):
    """One seat, taken; two people waiting (queued in this order)."""
    workshop = WorkshopFactory(onsite_seats=1)
    holder, first, second = (PersonFactory(with_account=True) for _ in range(3))
    base = timezone.now()
    for offset, person in enumerate((holder, first, second)):
        with time_machine.travel(base + dt.timedelta(seconds=offset), tick=False):
            committed(registration_create, workshop=workshop, viewer=viewer_of(person))
    return workshop, holder, first, second


def status_of(workshop, person):
    return Registration.objects.get(workshop=workshop, person=person).status


def test_a_cancelled_seat_is_offered_to_the_first_waiting(
    full_workshop, viewer_of, settings, committed
):
    settings.WORKSHOP_OFFER_HOURS = 12
    workshop, holder, first, second = full_workshop
    registration = Registration.objects.get(person=holder)
    before = timezone.now()
    committed(registration_cancel, registration=registration, viewer=viewer_of(holder))
    assert status_of(workshop, holder) == S.CANCELLED
    assert status_of(workshop, first) == S.OFFERED
    assert status_of(workshop, second) == S.WAITING
    offer = Registration.objects.get(person=first)
    assert before + dt.timedelta(hours=12) <= offer.offer_expires_at
    assert offer.offer_expires_at <= timezone.now() + dt.timedelta(hours=12)
    email = OutboundEmail.objects.get(to=[first.email], subject__startswith="A seat is free")
    assert f"/workshops/registrations/{offer.pk}/confirm/" in email.body_text
    assert "Please confirm before" in email.body_text
    assert OutboundEmail.objects.filter(to=[holder.email], subject__contains="cancelled").exists()


def test_confirming_the_offer_takes_the_seat(full_workshop, viewer_of, committed):
    _workshop, holder, first, _second = full_workshop
    committed(
        registration_cancel,
        registration=Registration.objects.get(person=holder),
        viewer=viewer_of(holder),
    )
    offer = Registration.objects.get(person=first)
    confirmed = committed(registration_offer_confirm, registration=offer, viewer=viewer_of(first))
    assert confirmed.status == S.CONFIRMED and confirmed.offer_expires_at is None
    email = OutboundEmail.objects.get(
        to=[first.email], subject__startswith="Your seat is confirmed"
    )
    assert email.attachments
    # Confirming twice (a second click) changes nothing and sends nothing more.
    committed(registration_offer_confirm, registration=offer, viewer=viewer_of(first))
    assert OutboundEmail.objects.filter(to=[first.email]).count() == 3  # waiting, offer, confirmed


def test_confirming_after_expiry_is_refused_and_the_seat_passes_on(full_workshop, viewer_of):
    workshop, holder, first, second = full_workshop
    registration_cancel(
        registration=Registration.objects.get(person=holder), viewer=viewer_of(holder)
    )
    offer = Registration.objects.get(person=first)
    later = offer.offer_expires_at + dt.timedelta(minutes=1)
    with pytest.raises(RegistrationError) as error:
        registration_offer_confirm(registration=offer, viewer=viewer_of(first), now=later)
    assert "this offer expired" in error.value.message
    assert status_of(workshop, first) == S.EXPIRED
    assert status_of(workshop, second) == S.OFFERED
    assert not Registration.objects.filter(status=S.CONFIRMED).exists()
    # Asking again gives the same answer and changes nothing.
    with pytest.raises(RegistrationError, match="expired"):
        registration_offer_confirm(registration=offer, viewer=viewer_of(first), now=later)
    assert status_of(workshop, second) == S.OFFERED


def test_someone_else_cannot_confirm_an_offer(full_workshop, viewer_of):
    workshop, holder, first, second = full_workshop
    registration_cancel(
        registration=Registration.objects.get(person=holder), viewer=viewer_of(holder)
    )
    with pytest.raises(RegistrationError, match="not your registration"):
        registration_offer_confirm(
            registration=Registration.objects.get(person=first), viewer=viewer_of(second)
        )
    assert status_of(workshop, first) == S.OFFERED


def test_the_sweep_expires_offers_once(full_workshop, viewer_of, committed):
    workshop, holder, first, second = full_workshop
    registration_cancel(
        registration=Registration.objects.get(person=holder), viewer=viewer_of(holder)
    )
    deadline = Registration.objects.get(person=first).offer_expires_at
    assert registration_offers_expire(now=deadline - dt.timedelta(seconds=1)) == 0
    assert committed(registration_offers_expire, now=deadline) == 1
    assert status_of(workshop, first) == S.EXPIRED
    assert status_of(workshop, second) == S.OFFERED
    emails = OutboundEmail.objects.count()
    assert committed(registration_offers_expire, now=deadline) == 0
    assert OutboundEmail.objects.count() == emails
    assert OutboundEmail.objects.filter(to=[first.email], subject__startswith="Your offer expired")


def test_an_offer_never_outlives_the_start(viewer_of):
    start = timezone.now() + dt.timedelta(hours=3)
    workshop = WorkshopFactory(onsite_seats=1, sessions=[(start, start + dt.timedelta(hours=2))])
    holder, waiting = PersonFactory(with_account=True), PersonFactory(with_account=True)
    registration_create(workshop=workshop, viewer=viewer_of(holder))
    registration_create(workshop=workshop, viewer=viewer_of(waiting))
    registration_cancel(
        registration=Registration.objects.get(person=holder), viewer=viewer_of(holder)
    )
    assert Registration.objects.get(person=waiting).offer_expires_at == start


def test_added_seats_go_to_the_waiting_list(full_workshop):
    workshop, _holder, first, second = full_workshop
    workshop.onsite_seats = 2
    workshop.save()
    assert registration_promote(workshop=workshop) == 1
    assert status_of(workshop, first) == S.OFFERED
    assert status_of(workshop, second) == S.WAITING
    workshop.onsite_seats = 3
    workshop.save()
    assert registrations_fill() == 1
    assert status_of(workshop, second) == S.OFFERED
    assert registrations_fill() == 0


def test_a_newcomer_does_not_jump_the_queue(full_workshop, viewer_of):
    workshop, _holder, _first, _second = full_workshop
    workshop.onsite_seats = 2
    workshop.save()
    late = PersonFactory(with_account=True)
    assert registration_create(workshop=workshop, viewer=viewer_of(late)).status == S.WAITING


def test_the_tick_command_expires_and_reminds(full_workshop, viewer_of, capsys):
    workshop, holder, first, second = full_workshop
    registration_cancel(
        registration=Registration.objects.get(person=holder), viewer=viewer_of(holder)
    )
    deadline = Registration.objects.get(person=first).offer_expires_at
    with time_machine.travel(deadline + dt.timedelta(minutes=1)):
        call_command("workshops_tick")
    assert "expired offers: 1" in capsys.readouterr().out
    assert status_of(workshop, second) == S.OFFERED


def test_promotion_email_reaches_the_smtp_server(smtp_server, committed, viewer_of):
    workshop = WorkshopFactory(onsite_seats=1, title="Causal forecasting")
    holder, waiting = PersonFactory(with_account=True), PersonFactory(with_account=True)
    # Each service commits on its own, as each request does.
    committed(registration_create, workshop=workshop, viewer=viewer_of(holder))
    committed(registration_create, workshop=workshop, viewer=viewer_of(waiting))
    committed(
        registration_cancel,
        registration=Registration.objects.get(person=holder),
        viewer=viewer_of(holder),
    )
    offer = Registration.objects.get(person=waiting)
    committed(registration_offer_confirm, registration=offer, viewer=viewer_of(waiting))
    received = [m for m in smtp_server.received if waiting.email in m.rcpt_tos]
    subjects = [m.subject for m in received]
    assert subjects == [
        "You are on the waiting list: Causal forecasting",
        "A seat is free for you: Causal forecasting",
        "Your seat is confirmed: Causal forecasting",
    ]
    confirmation = received[-1].message
    attachments = [part for part in confirmation.iter_attachments()]
    assert [part.get_filename() for part in attachments] == [f"workshop-{workshop.pk}.ics"]
    calendar = Calendar.from_ical(attachments[0].get_content())
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert events[0].decoded("dtstart") == workshop.starts_at
    assert OutboundEmail.objects.filter(sent_at__isnull=True).count() == 0


# --- attendance -----------------------------------------------------------------------------


@pytest.fixture
def started(manager_a):
    start = timezone.now() - dt.timedelta(hours=1)
    return WorkshopFactory(hosts=[manager_a], sessions=[(start, start + dt.timedelta(hours=3))])


def test_hosts_mark_attendance(started, manager_a, member_a, viewer_of):
    registration = RegistrationFactory(workshop=started, person=member_a)
    marked = registration_mark_attendance(
        registration=registration, viewer=viewer_of(manager_a), attendance=Attendance.NO_SHOW
    )
    assert marked.attendance == Attendance.NO_SHOW
    assert marked.attendance_marked_by == manager_a.user


def test_staff_mark_attendance(started, staff_user, member_a, viewer_of):
    registration = RegistrationFactory(workshop=started, person=member_a)
    registration_mark_attendance(
        registration=registration, viewer=viewer_of(staff_user), attendance=Attendance.PRESENT
    )
    registration.refresh_from_db()
    assert registration.attendance == Attendance.PRESENT


@pytest.mark.parametrize(
    ("who", "attendance", "message"),
    [
        ("member_b", "present", "Only the workshop's hosts and staff"),
        ("manager_a", "maybe", "Choose present, no-show"),
    ],
)
def test_attendance_refusals(started, member_a, viewer_of, request, who, attendance, message):
    registration = RegistrationFactory(workshop=started, person=member_a)
    with pytest.raises(RegistrationError, match=message):
        registration_mark_attendance(
            registration=registration,
            viewer=viewer_of(request.getfixturevalue(who)),
            attendance=attendance,
        )
    registration.refresh_from_db()
    assert registration.attendance == Attendance.UNKNOWN


def test_attendance_waits_for_the_start_and_a_confirmed_seat(manager_a, member_a, viewer_of):
    workshop = WorkshopFactory(hosts=[manager_a])
    registration = RegistrationFactory(workshop=workshop, person=member_a)
    with pytest.raises(RegistrationError, match="once the workshop has started"):
        registration_mark_attendance(
            registration=registration, viewer=viewer_of(manager_a), attendance="present"
        )
    start = timezone.now() - dt.timedelta(hours=1)
    workshop.starts_at = start
    workshop.save()
    waiting = RegistrationFactory(workshop=workshop, status=S.WAITING)
    with pytest.raises(RegistrationError, match="Only confirmed registrations"):
        registration_mark_attendance(
            registration=waiting, viewer=viewer_of(manager_a), attendance="present"
        )
    waiting.refresh_from_db()
    assert waiting.attendance == Attendance.UNKNOWN
