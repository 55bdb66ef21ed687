"""Two staff members accept the same membership request at the same moment.

Accepting reads the request's status, then creates the organisation, the
manager and the invitation. Without the request-row lock both acceptances read
"pending" before either commits: both go on to create the organisation, and
the second crashes on the organisation's unique name (a server error, after
having invited the manager a second time in its transaction). With the lock
they take turns and the second is told plainly the request was already
handled. PostgreSQL only: SQLite serialises writers anyway.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from compagnon.desk import services
from compagnon.desk.models import MembershipRequest, RequestStatus
from compagnon.members.models import Organisation
from compagnon.members.tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _request() -> MembershipRequest:
    return MembershipRequest.objects.create(
        kind="organisation",
        organisation_name="Delta Analytics",
        organisation_size="11-50",
        contact_name="Dora Delta",
        contact_email="dora@delta.example",
        needs="Forecasting.",
    )


def _accept_together(request, monkeypatch, *, wait, locked=True):
    barrier = threading.Barrier(2, timeout=wait)
    real = services._pending_locked

    def read_then_wait(request):
        if locked:
            found = real(request)
        else:
            found = MembershipRequest.objects.get(pk=request.pk)
            if found.status != RequestStatus.PENDING:
                raise ValidationError("already handled", code="handled")
        # With the lock the other acceptance waits at the lock, not here: go on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return found

    monkeypatch.setattr(services, "_pending_locked", read_then_wait)
    errors: list[Exception] = []

    def accept(actor):
        try:
            services.membership_request_accept(request=request, actor=actor)
        except Exception as error:  # collected: a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    actors = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    threads = [threading.Thread(target=accept, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_without_the_lock_the_second_acceptance_crashes(monkeypatch):
    request = _request()
    errors = _accept_together(request, monkeypatch, wait=20, locked=False)
    assert len(errors) == 1
    assert isinstance(errors[0], IntegrityError)  # the server error the lock exists to prevent
    assert Organisation.objects.count() == 1


def test_with_the_lock_the_second_is_told_it_was_handled(monkeypatch):
    request = _request()
    errors = _accept_together(request, monkeypatch, wait=2)
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert "already handled" in " ".join(errors[0].messages)
    assert Organisation.objects.count() == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
