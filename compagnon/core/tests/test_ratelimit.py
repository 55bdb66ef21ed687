"""The site's one rate limiter: windows, scopes, and a count every process shares."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db import connection

from compagnon.core import ratelimit
from compagnon.core.ratelimit import rate_hit, rate_peek

TABLE = "core_ratelimit_test_cache"


@pytest.fixture
def memory():
    return LocMemCache("ratelimit-test", {})


def _hits(backend, count, **kwargs):
    return [rate_hit(backend=backend, **kwargs) for _ in range(count)]


def test_the_window_refuses_past_the_limit_then_rolls_over(memory):
    kwargs = {"scope": "form", "identity": "abc", "limit": 2, "window": 60}
    first = _hits(memory, 3, now=120.0, **kwargs)
    assert [d.allowed for d in first] == [True, True, False]
    assert first[-1].retry_after == 60
    late = rate_hit(backend=memory, now=179.4, **kwargs)
    assert not late.allowed
    assert late.retry_after == 1
    # The next window starts a fresh count.
    assert rate_hit(backend=memory, now=180.0, **kwargs).allowed
    assert rate_hit(backend=memory, now=180.0, **kwargs).count == 2


def test_scopes_and_identities_count_apart(memory):
    kwargs = {"limit": 1, "window": 60, "now": 10.0}
    assert rate_hit(backend=memory, scope="join", identity="a", **kwargs).allowed
    assert not rate_hit(backend=memory, scope="join", identity="a", **kwargs).allowed
    assert rate_hit(backend=memory, scope="contact", identity="a", **kwargs).allowed
    assert rate_hit(backend=memory, scope="join", identity="b", **kwargs).allowed
    # No identity (no address) is one shared bucket, not a free pass.
    assert rate_hit(backend=memory, scope="join", identity="", **kwargs).allowed
    assert not rate_hit(backend=memory, scope="join", identity="", **kwargs).allowed


def test_a_peek_counts_nothing_and_says_whether_one_more_is_allowed(memory):
    kwargs = {"scope": "wrong", "identity": "t1", "limit": 2, "window": 60}
    assert rate_peek(backend=memory, now=130.0, **kwargs) == ratelimit.RateDecision(
        allowed=True, retry_after=50, count=0
    )
    _hits(memory, 2, now=130.0, **kwargs)
    seen = rate_peek(backend=memory, now=135.0, **kwargs)
    assert (seen.allowed, seen.count, seen.retry_after) == (False, 2, 45)
    assert rate_peek(backend=memory, now=135.0, **kwargs).count == 2  # still two
    assert rate_peek(backend=memory, now=180.0, **kwargs).allowed  # the next window


def test_a_nonsense_limit_is_refused(memory):
    with pytest.raises(ValueError):
        rate_hit(backend=memory, scope="s", identity="i", limit=0, window=60)


@pytest.fixture
def database_cache(django_db_blocker):
    with django_db_blocker.unblock():
        call_command("createcachetable", TABLE)
    backend = DatabaseCache(TABLE, {})
    yield backend
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


@pytest.mark.django_db(transaction=True)
def test_the_database_cache_keeps_the_window_not_its_default_timeout(database_cache):
    # Django's own incr on the database cache writes back with the cache's default timeout
    # (300 s): an hour's window would restart after five quiet minutes.
    start = time.time()
    for _ in range(3):
        decision = rate_hit(
            backend=database_cache, scope="desk:join", identity="x", limit=5, window=3600
        )
    assert decision.count == 3
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {TABLE}")
        (expires,) = cursor.fetchone()
    if expires.tzinfo is None:  # SQLite hands back naive UTC
        expires = expires.replace(tzinfo=datetime.UTC)
    assert expires.timestamp() - start > 3000


@pytest.mark.django_db(transaction=True)
def test_the_site_s_database_cache_takes_the_locked_path(database_cache, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": TABLE}
    }
    rate_hit(scope="newsletter:subscribe", identity="y", limit=5, window=3600)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {TABLE}")
        (expires,) = cursor.fetchone()
    if expires.tzinfo is None:  # SQLite hands back naive UTC
        expires = expires.replace(tzinfo=datetime.UTC)
    assert expires.timestamp() - time.time() > 3000


def _hit_together(backend, *, threads, each):
    barrier = threading.Barrier(threads, timeout=10)
    errors = []

    def run():
        try:
            barrier.wait()
            for _ in range(each):
                rate_hit(backend=backend, scope="api-rate", identity="7", limit=1000, window=3600)
        except Exception as error:  # collected: a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors, errors
    return rate_hit(backend=backend, scope="api-rate", identity="7", limit=1000, window=3600)


@pytest.fixture
def slow_reads(database_cache, monkeypatch):
    """Widen the gap between reading the count and writing it back, as a busy server would."""
    read = database_cache.get

    def get_then_pause(*args, **kwargs):
        value = read(*args, **kwargs)
        time.sleep(0.02)
        return value

    monkeypatch.setattr(database_cache, "get", get_then_pause)
    return database_cache


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_row_lock_concurrent_hits_are_lost(slow_reads, monkeypatch):
    monkeypatch.setattr(ratelimit, "LOCK_DATABASE_ROW", False)
    after = _hit_together(slow_reads, threads=4, each=5)
    assert after.count < 21, "expected lost increments without the row lock"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_the_row_lock_every_concurrent_hit_counts(slow_reads):
    after = _hit_together(slow_reads, threads=4, each=5)
    assert after.count == 21
