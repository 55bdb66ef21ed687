"""On PostgreSQL: two digest runs of the same week at the same moment post once."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from compagnon.chat import services
from compagnon.chat.models import DigestPost
from compagnon.chat.tests.fake_chat import running_chat_server
from compagnon.workshops.tests.factories import WorkshopFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


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
def chat(settings):
    with running_chat_server() as server:
        settings.CHAT_DIGEST_WEBHOOK_URL = server.url
        WorkshopFactory(title="Causal clinic", published_at=MONDAY - timedelta(days=1))
        # The week's row exists, as after any earlier run that found it quiet... not posted.
        DigestPost.objects.create(iso_year=2026, iso_week=49)
        yield server


def test_two_runs_at_once_post_the_digest_once(chat):
    results, errors = _together(2, lambda _i: services.chat_digest_post(now=MONDAY))
    assert errors == []
    assert sorted(results) == [False, True]
    assert len(chat.posts) == 1


def test_without_the_lock_both_runs_post(chat, monkeypatch):
    """The race is real: read without the row lock, both runs see the week unclaimed."""
    both_read = threading.Barrier(2, timeout=10)

    def unlocked(digest_id):
        row = DigestPost.objects.get(pk=digest_id)
        both_read.wait()
        return row

    monkeypatch.setattr(services, "_digest_locked", unlocked)
    results, errors = _together(2, lambda _i: services.chat_digest_post(now=MONDAY))
    assert errors == []
    assert results == [True, True]
    assert len(chat.posts) == 2
