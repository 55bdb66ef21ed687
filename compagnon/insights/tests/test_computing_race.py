"""Two pages at once with no snapshot (PostgreSQL): both see no computation under way, both try
to queue one; the unique constraint on the active run lets one in, and the other reads it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from compagnon.insights import services
from compagnon.insights.models import SnapshotRun

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_pages_at_once_queue_one_computation(org_a, monkeypatch):
    barrier = threading.Barrier(2, timeout=30)
    real_active = services._runs_active

    class BothSeeNone:
        """Holds both threads after their "nothing under way" read, so both go on to create."""

        def __init__(self, organisation):
            self.queryset = real_active(organisation)

        def first(self):
            found = self.queryset.first()
            barrier.wait()
            return found

        def __getattr__(self, name):
            return getattr(self.queryset, name)

    monkeypatch.setattr(services, "_runs_active", BothSeeNone)
    enqueued: list[int] = []
    monkeypatch.setattr(services.transaction, "on_commit", lambda callback: enqueued.append(1))
    seen: list[int] = []
    errors: list[BaseException] = []

    def ask():
        try:
            seen.append(services.snapshot_run_request(organisation=org_a).pk)
        except BaseException as error:  # reported below: a thread cannot fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert SnapshotRun.objects.count() == 1  # both tried to create; the constraint let one in
    assert len(set(seen)) == 1 and len(seen) == 2  # and both pages show that one
    assert len(enqueued) == 1
