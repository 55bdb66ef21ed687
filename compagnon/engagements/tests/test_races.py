"""On PostgreSQL: time logged at the same moment never exceeds the agreed week, and an
entry confirmed twice at once is decided once.

The week's cap is the scarce thing: two entries logged together would each add up the
week before the other is written. The engagement's row lock makes them take turns;
with it switched off, the race shows (both pass the check).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from compagnon.engagements import selectors, services
from compagnon.engagements.models import EntryStatus, LedgerEntry
from compagnon.engagements.tests.conftest import TODAY

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
def slow_week_sum(monkeypatch):
    """Widen the window between adding up the week and writing the entry."""
    real = selectors.week_half_days_used

    def slow(*args, **kwargs):
        used = real(*args, **kwargs)
        time.sleep(0.3)
        return used

    monkeypatch.setattr(services, "week_half_days_used", slow)


def _log_twice(engagement, member_b):
    days = [TODAY, TODAY.replace(day=TODAY.day - 1)]
    return _together(
        2,
        lambda i: services.entry_log(
            engagement=engagement, person=member_b, worked_on=days[i], half_days=2
        ),
    )


def test_two_entries_at_once_stay_within_the_week(engagement, member_b, slow_week_sum):
    results, errors = _log_twice(engagement, member_b)
    assert len(results) == 1 and len(errors) == 1, errors
    assert "The agreed time is 1 day a week" in str(errors[0])
    assert LedgerEntry.objects.count() == 1


def test_without_the_lock_the_week_overflows(engagement, member_b, slow_week_sum, monkeypatch):
    from compagnon.engagements.models import Engagement

    monkeypatch.setattr(services, "_engagement_locked", lambda pk: Engagement.objects.get(pk=pk))
    results, errors = _log_twice(engagement, member_b)
    assert errors == [] and len(results) == 2
    assert sum(LedgerEntry.objects.values_list("half_days", flat=True)) == 4  # over the 2 agreed


def test_confirm_and_dispute_at_once_decide_once(engagement, member_a, member_b):
    entry = services.entry_log(engagement=engagement, person=member_b, worked_on=TODAY, half_days=1)
    results, errors = _together(
        2,
        lambda i: services.entry_decide(
            entry=entry, person=member_a, confirm=i == 0, reason="" if i == 0 else "Not me"
        ),
    )
    assert len(results) == 1 and len(errors) == 1, errors
    assert "already" in str(errors[0])
    entry.refresh_from_db()
    assert entry.status in (EntryStatus.CONFIRMED, EntryStatus.DISPUTED)
