"""One rate limiter for the whole site: a fixed-window counter in Django's cache.

`rate_hit(scope=…, identity=…, limit=…, window=…)` counts one attempt of `identity`
(a hashed address, a token's id) at `scope` (a form, the API) and answers whether it is
still within `limit` attempts in the current `window`-second window, and how many
seconds remain until the window turns (what a `Retry-After` header says). `rate_peek`
answers the same without counting, for a limit on some attempts only (wrong answers).

The count must be shared by every web process, so it is made atomic on each cache the
site runs on:
- Redis (`REDIS_URL`): `cache.add` then `cache.incr`, both atomic on the server.
- The database cache (the default without Redis): Django's `incr` there is a read then a
  write, so two processes can both read 3 and both write 4; and it writes with the
  cache's default timeout (300 s), which would end an hour's window after five quiet
  minutes. Here the row is locked (`SELECT … FOR UPDATE` on PostgreSQL) inside a
  transaction, then read and written back with the window's own timeout.
- Local memory (tests, a single process): `incr` holds the cache's lock.

Addresses are hashed (`ip_hash`) before they become cache keys or stored records: the raw
IP is never kept.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# The window's key outlives the window a little, so a clock a second apart between two
# processes does not start a fresh count early.
KEY_GRACE_SECONDS = 5

# The database cache's row lock; a race test switches it off to show the lost counts.
LOCK_DATABASE_ROW = True


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    # Seconds until the current window ends (at least 1): the Retry-After answer.
    retry_after: int
    count: int


def rate_hit(
    *,
    scope: str,
    identity: str,
    limit: int,
    window: int,
    now: float | None = None,
    backend: BaseCache | None = None,
) -> RateDecision:
    """Count one attempt of `identity` at `scope`; refused once over `limit` in the window."""
    key, retry_after = _window(scope=scope, identity=identity, limit=limit, window=window, now=now)
    # The backend itself, not `django.core.cache.cache`: that proxy is no DatabaseCache to
    # isinstance(), and the database cache needs its own increment.
    count = _increment(backend or caches["default"], key, timeout=window + KEY_GRACE_SECONDS)
    return RateDecision(allowed=count <= limit, retry_after=retry_after, count=count)


def rate_peek(
    *,
    scope: str,
    identity: str,
    limit: int,
    window: int,
    now: float | None = None,
    backend: BaseCache | None = None,
) -> RateDecision:
    """How many attempts `identity` made at `scope` in the window, without counting one;
    `allowed` says whether one more would be within `limit`.

    For a limit that counts only some attempts (the escape game's wrong answers): peek
    before, hit after. Two callers peek-then-hit in turn only under a lock of their own.
    """
    key, retry_after = _window(scope=scope, identity=identity, limit=limit, window=window, now=now)
    count = int((backend or caches["default"]).get(key, 0))
    return RateDecision(allowed=count < limit, retry_after=retry_after, count=count)


def _window(
    *, scope: str, identity: str, limit: int, window: int, now: float | None
) -> tuple[str, int]:
    """The current window's key, and the seconds until it turns (at least 1)."""
    if limit < 1 or window < 1:
        raise ValueError("A rate limit needs a limit and a window of at least 1.")
    moment = time.time() if now is None else now
    bucket = int(moment // window)
    return f"{scope}:{identity or 'unknown'}:{bucket}", max(
        1, math.ceil((bucket + 1) * window - moment)
    )


def _increment(backend: BaseCache, key: str, *, timeout: int) -> int:
    if isinstance(backend, DatabaseCache):
        return _increment_in_database(backend, key, timeout=timeout)
    backend.add(key, 0, timeout=timeout)
    try:
        return int(backend.incr(key))
    except ValueError:  # evicted between add and incr
        backend.set(key, 1, timeout=timeout)
        return 1


def _increment_in_database(backend: DatabaseCache, key: str, *, timeout: int) -> int:
    db = router.db_for_write(backend.cache_model_class)
    connection = connections[db]
    with transaction.atomic(using=db):
        # Makes sure the row exists; a concurrent insert fails quietly inside the cache's
        # own savepoint and leaves this transaction usable.
        backend.add(key, 0, timeout=timeout)
        if LOCK_DATABASE_ROW and connection.features.has_select_for_update:
            # The cache's table name: DatabaseCache keeps it there, untyped in django-stubs.
            table = connection.ops.quote_name(backend._table)  # type: ignore[attr-defined]
            with connection.cursor() as cursor:
                # Serialises the read-and-write below across processes: the lock is held
                # until this transaction commits. The table name is the cache setting, quoted.
                cursor.execute(
                    f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",
                    [backend.make_and_validate_key(key)],
                )
        count = int(backend.get(key, 0)) + 1
        backend.set(key, count, timeout=timeout)
    return count


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client says unless a proxy
    # we control rewrites it, and then the deployment sets REMOTE_ADDR from it.
    return request.META.get("REMOTE_ADDR", "") or ""


def ip_hash(ip: str) -> str | None:
    if not ip:
        return None
    # The salt keeps its first owner's name: stored consent records and votes were hashed
    # with it, and a new salt would make the same address look new.
    key = f"{settings.SECRET_KEY}:newsletter-ip".encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()[:32]


def request_ip_hash(request: HttpRequest) -> str:
    return ip_hash(client_ip(request)) or ""


def rate_limited_response(
    request: HttpRequest, template: str, decision: RateDecision
) -> HttpResponse:
    """The page a refused form post gets: 429, and when to try again."""
    response = render(request, template, {"retry_after": decision.retry_after}, status=429)
    response["Retry-After"] = str(decision.retry_after)
    return response
