"""Many people register at the same moment for a few seats.

Each registration counts the seats held, then writes its row. Without the
workshop-row lock, every transaction counts before any other commits, each
sees free seats and the workshop overbooks. With the lock they take turns and
exactly the number of seats is confirmed, whatever the timing. PostgreSQL only:
SQLite serialises writers anyway.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from compagnon.members.selectors import Viewer
from compagnon.members.tests.factories import PersonFactory
from compagnon.workshops import registration as services
from compagnon.workshops.models import Registration, RegistrationStatus
from compagnon.workshops.tests.factories import WorkshopFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SEATS = 5
PEOPLE = 24


def _viewer(person) -> Viewer:
    return Viewer(is_authenticated=True, person=person, user=person.user)


def _register_all_at_once(workshop, viewers):
    barrier = threading.Barrier(len(viewers), timeout=30)
    errors: list[BaseException] = []

    def register(viewer):
        try:
            barrier.wait()
            services.registration_create(workshop=workshop, viewer=viewer)
        except BaseException as error:  # reported below: a thread cannot fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(viewer,)) for viewer in viewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    statuses = list(Registration.objects.filter(workshop=workshop).values_list("status", flat=True))
    return statuses.count(RegistrationStatus.CONFIRMED), statuses.count(RegistrationStatus.WAITING)


@pytest.fixture
def crowd():
    workshop = WorkshopFactory(onsite_seats=SEATS)
    viewers = [_viewer(PersonFactory(with_account=True)) for _ in range(PEOPLE)]
    return workshop, viewers


def test_without_the_lock_the_workshop_overbooks(crowd, monkeypatch):
    """Proves the race exists: the lock, not luck, is what keeps the count right."""
    monkeypatch.setattr(services, "LOCK_SEATS", False)
    # Widen the gap between the count and the insert so that the threads reliably overlap.
    monkeypatch.setattr(services, "RACE_WINDOW_SECONDS", 0.3)
    workshop, viewers = crowd
    confirmed, waiting = _register_all_at_once(workshop, viewers)
    assert confirmed + waiting == PEOPLE
    assert confirmed > SEATS, f"expected an oversell without the lock, got {confirmed}"


def test_with_the_lock_it_never_does(crowd, monkeypatch):
    monkeypatch.setattr(services, "RACE_WINDOW_SECONDS", 0.02)
    workshop, viewers = crowd
    confirmed, waiting = _register_all_at_once(workshop, viewers)
    assert (confirmed, waiting) == (SEATS, PEOPLE - SEATS)


def test_with_the_lock_the_per_organisation_cap_holds(monkeypatch):
    monkeypatch.setattr(services, "RACE_WINDOW_SECONDS", 0.02)
    first = PersonFactory(with_account=True)
    colleagues = [first] + [
        PersonFactory(with_account=True, organisation=first.organisation) for _ in range(7)
    ]
    workshop = WorkshopFactory(onsite_seats=20, per_organisation_cap=3)
    barrier = threading.Barrier(len(colleagues), timeout=30)
    refusals: list[str] = []

    def register(person):
        try:
            barrier.wait()
            services.registration_create(workshop=workshop, viewer=_viewer(person))
        except services.RegistrationError as error:
            refusals.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(p,)) for p in colleagues]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert Registration.objects.filter(workshop=workshop).count() == 3
    assert len(refusals) == 5


def test_two_tabs_at_the_same_moment_make_one_registration(monkeypatch):
    monkeypatch.setattr(services, "RACE_WINDOW_SECONDS", 0.05)
    workshop = WorkshopFactory(onsite_seats=3)
    viewer = _viewer(PersonFactory(with_account=True))
    confirmed, waiting = _register_all_at_once(workshop, [viewer] * 4)
    assert (confirmed, waiting) == (1, 0)


def test_a_held_workshop_lock_gives_a_clear_try_again_not_a_stuck_worker(monkeypatch):
    """One workshop must not hold every web worker: a registration waits LOCK_TIMEOUT_MS per
    attempt, retries, then reads a clear message; nothing is written."""
    from django.db import connections

    monkeypatch.setattr(services, "LOCK_TIMEOUT_MS", 100)
    monkeypatch.setattr(services, "LOCK_ATTEMPTS", 2)
    workshop = WorkshopFactory(onsite_seats=5)
    person = PersonFactory(with_account=True)
    held, release = threading.Event(), threading.Event()

    def hold_the_row():
        from django.db import transaction

        try:
            with transaction.atomic():
                services.Workshop.objects.select_for_update().get(pk=workshop.pk)
                held.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert held.wait(timeout=10)
        started = time.monotonic()
        with pytest.raises(services.RegistrationError) as error:
            services.registration_create(workshop=workshop, viewer=_viewer(person))
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(timeout=30)
    assert "try again in a moment" in error.value.message
    assert waited < 2, waited
    assert not Registration.objects.filter(workshop=workshop).exists()
    # Once the row is free, the same registration goes through.
    registration = services.registration_create(workshop=workshop, viewer=_viewer(person))
    assert registration.status == RegistrationStatus.CONFIRMED
