"""Two organisers click "Assign the items" at the same moment.

Each reads who already evaluates what, plans the missing evaluations and writes
them. Without the benchathon-row lock both plan the same evaluations and the
second write fails on the (item, evaluator) pair; with the lock they take turns
and the second finds nothing left to do. PostgreSQL only: SQLite serialises writers.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from compagnon.benchathons import services
from compagnon.benchathons.models import Evaluation
from compagnon.benchathons.tests.factories import make_benchathon, make_participants
from compagnon.members.tests.factories import PersonFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting():
    host = PersonFactory(with_account=True)
    staff = PersonFactory(with_account=True)
    staff.user.is_staff = True
    staff.user.save()
    benchathon = make_benchathon(
        host=host,
        participants=make_participants(6, 3),
        items=("Fairlearn", "AIF360", "Themis"),
    )
    return benchathon, [host.user, staff.user]


def _assign_at_once(benchathon, actors):
    barrier = threading.Barrier(len(actors), timeout=30)
    errors: list[BaseException] = []

    def assign(actor):
        try:
            barrier.wait()
            services.evaluations_assign(benchathon=benchathon, actor=actor)
        except BaseException as error:  # reported below: a thread cannot fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_without_the_lock_the_second_organiser_fails(setting, monkeypatch):
    monkeypatch.setattr(services, "LOCK_ASSIGNMENT", False)
    monkeypatch.setattr(services, "RACE_WINDOW_SECONDS", 0.3)
    benchathon, actors = setting
    errors = _assign_at_once(benchathon, actors)
    assert errors, "expected a clash on the (item, evaluator) pair without the lock"


def test_with_the_lock_both_succeed_and_each_item_has_two(setting, monkeypatch):
    monkeypatch.setattr(services, "RACE_WINDOW_SECONDS", 0.1)
    benchathon, actors = setting
    assert _assign_at_once(benchathon, actors) == []
    assert Evaluation.objects.filter(item__benchathon=benchathon).count() == 6
