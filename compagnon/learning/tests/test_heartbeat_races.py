"""Two tabs of one person beat at the same instant.

Each beat reads the seconds already credited, adds what the time elapsed allows,
and writes. With the row lock they take turns: the later ones see a gap of zero
since the first and earn nothing, so the credit is what the time allows, once.
PostgreSQL only: SQLite serialises writers anyway.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from compagnon.learning import services
from compagnon.learning.models import LessonKind, LessonProgress
from compagnon.members.tests.factories import PersonFactory

from .factories import LessonFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TABS = 8


def test_simultaneous_beats_never_credit_more_than_elapsed():
    person = PersonFactory(with_account=True)
    lesson = LessonFactory(kind=LessonKind.VIDEO, video_seconds=3600)
    services.progress_start(user=person.user, lesson=lesson, now=T0)
    barrier = threading.Barrier(TABS, timeout=30)
    errors: list[BaseException] = []
    now = T0 + dt.timedelta(seconds=15)

    def beat():
        try:
            barrier.wait()
            services.progress_heartbeat(user=person.user, lesson=lesson, position=3000, now=now)
        except BaseException as error:  # reported below: a thread cannot fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    progress = LessonProgress.objects.get(user=person.user, lesson=lesson)
    # 15 s elapsed, at twice the speed, plus 5 s of grace: 35 s, however many tabs.
    assert progress.watched_seconds == 35
