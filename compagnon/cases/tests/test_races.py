"""Two people say "interested" at the same moment to a case that needs two.

Each answer writes its row and then counts the positive answers. Without the
case-row lock both transactions count before either commits, each sees only
its own answer, and the case is never matched. With the lock they take turns
and the second one moves the case to "matched". PostgreSQL only: SQLite
serialises writers anyway.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection

from compagnon.cases import invitations
from compagnon.cases.models import Answer, Case, CaseInvitation, CaseStatus
from compagnon.cases.tests.factories import open_case
from compagnon.members.tests.factories import PersonFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _case_with_two_invitees():
    case = open_case(brought_by=PersonFactory(with_account=True), interested_needed=2)
    pending = [
        CaseInvitation.objects.create(case=case, person=PersonFactory(with_account=True))
        for _ in range(2)
    ]
    return case, pending


def _answer_together(pending, monkeypatch, *, wait):
    """Both answers reach the count while the other's transaction is still open, if they can.

    `wait` bounds how long one answer waits for the other at the count: long
    without the lock (a slow thread start must not hide the race), short with
    it (the other answer is blocked on the lock and cannot come).
    """
    barrier = threading.Barrier(2, timeout=wait)
    counting = invitations._positive_count

    def count_after_both_wrote(case):
        # With the lock the other answer waits at the lock, not here: go on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return counting(case)

    monkeypatch.setattr(invitations, "_positive_count", count_after_both_wrote)
    errors = []

    def answer(invitation):
        try:
            invitations.case_invitation_answer(
                invitation=invitation, answer=Answer.INTERESTED, actor=invitation.person.user
            )
        except Exception as error:  # reported below, a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(i,)) for i in pending]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []


def test_without_the_lock_the_case_is_never_matched(monkeypatch):
    case, pending = _case_with_two_invitees()

    def not_locked(case):
        return Case.objects.select_related("brought_by__user", "brought_by__organisation").get(
            pk=case.pk
        )

    monkeypatch.setattr(invitations, "_case_locked", not_locked)
    _answer_together(pending, monkeypatch, wait=20)

    case.refresh_from_db()
    assert CaseInvitation.objects.filter(case=case, answer=Answer.INTERESTED).count() == 2
    assert case.status == CaseStatus.OPEN  # the lost update the lock exists for


def test_with_the_lock_the_second_answer_matches_the_case(monkeypatch):
    case, pending = _case_with_two_invitees()
    _answer_together(pending, monkeypatch, wait=2)

    case.refresh_from_db()
    assert CaseInvitation.objects.filter(case=case, answer=Answer.INTERESTED).count() == 2
    assert case.status == CaseStatus.MATCHED
