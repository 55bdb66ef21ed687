"""Many visitors confirm their emailed links at the same moment for a few seats.

Visitors take the members' path to a seat (`registration_create_for_person`), so the
workshop-row lock is what keeps the count right: without it the workshop overbooks,
with it exactly the seats are confirmed. PostgreSQL only: SQLite serialises writers.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from compagnon.workshops import registration as services
from compagnon.workshops import visitors
from compagnon.workshops.models import Audience, Registration, RegistrationStatus
from compagnon.workshops.tests.factories import WorkshopFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SEATS = 4
VISITORS = 20


@pytest.fixture
def requests_for_few_seats():
    workshop = WorkshopFactory(audience=Audience.PUBLIC, onsite_seats=SEATS)
    pending = [
        visitors.visitor_request_submit(
            workshop=workshop, name=f"Visitor {n}", email=f"visitor{n}@example.net"
        )
        for n in range(VISITORS)
    ]
    return workshop, pending


def _confirm_all_at_once(workshop, pending):
    barrier = threading.Barrier(len(pending), timeout=30)
    errors: list[BaseException] = []

    def confirm(visitor_request):
        try:
            barrier.wait()
            visitors.visitor_request_confirm(visitor_request=visitor_request)
        except BaseException as error:  # reported below: a thread cannot fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(item,)) for item in pending]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    statuses = list(Registration.objects.filter(workshop=workshop).values_list("status", flat=True))
    return statuses.count(RegistrationStatus.CONFIRMED), statuses.count(RegistrationStatus.WAITING)


def test_without_the_lock_visitors_overbook(requests_for_few_seats, monkeypatch):
    """Proves the race exists for visitors too: the lock, not luck, keeps the count."""
    monkeypatch.setattr(services, "LOCK_SEATS", False)
    monkeypatch.setattr(services, "RACE_WINDOW_SECONDS", 0.3)
    workshop, pending = requests_for_few_seats
    confirmed, waiting = _confirm_all_at_once(workshop, pending)
    assert confirmed + waiting == VISITORS
    assert confirmed > SEATS, f"expected an oversell without the lock, got {confirmed}"


def test_with_the_lock_visitors_never_overbook(requests_for_few_seats, monkeypatch):
    monkeypatch.setattr(services, "RACE_WINDOW_SECONDS", 0.02)
    workshop, pending = requests_for_few_seats
    confirmed, waiting = _confirm_all_at_once(workshop, pending)
    assert (confirmed, waiting) == (SEATS, VISITORS - SEATS)
