"""On PostgreSQL: two candidates pressing « Book » on one slot at the same moment.

The booking service locks the slot row before counting its bookings. The test that
switches the lock off (and widens the gap between the count and the insert) shows the
double booking the lock prevents.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from compagnon.careers import services
from compagnon.careers.models import SlotBooking
from compagnon.careers.tests.factories import CandidateFactory, SessionFactory, slots
from compagnon.members.tests.factories import OrganisationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(count, work):
    barrier = threading.Barrier(count, timeout=10)
    results, errors = [], []

    def run(index):
        try:
            barrier.wait()
            results.append(work(index))
        except Exception as error:  # collected: a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.fixture
def slow_count(monkeypatch):
    """Leave time between reading the bookings and writing one, as a busy server would."""
    original = services._slot_taken

    def slow(slot):
        taken = original(slot)
        time.sleep(0.3)
        return taken

    monkeypatch.setattr(services, "_slot_taken", slow)


def _two_candidates_one_slot():
    session = SessionFactory()
    (slot,) = slots(session, OrganisationFactory(), 1)
    return slot, [CandidateFactory(), CandidateFactory()]


def test_two_candidates_at_once_get_one_booking(slow_count):
    slot, candidates = _two_candidates_one_slot()
    results, errors = _together(2, lambda i: services.slot_book(slot=slot, candidate=candidates[i]))
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert "just taken" in str(errors[0])
    assert SlotBooking.objects.filter(slot=slot).count() == 1


def test_without_the_lock_the_slot_is_booked_twice(slow_count, monkeypatch):
    monkeypatch.setattr(services, "LOCK_SLOTS", False)
    slot, candidates = _two_candidates_one_slot()
    _results, errors = _together(
        2, lambda i: services.slot_book(slot=slot, candidate=candidates[i])
    )
    assert errors == []
    assert SlotBooking.objects.filter(slot=slot).count() == 2
