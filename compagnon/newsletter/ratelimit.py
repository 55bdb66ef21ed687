"""A fixed-window counter per client address, kept in Django's cache.

The cache is Redis in production when REDIS_URL is set (atomic `incr`), the
database cache otherwise, local memory in tests. Addresses are hashed before they
become cache keys or consent records: the raw IP is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from compagnon.newsletter import conf


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client says unless a proxy
    # we control rewrites it, and then the deployment sets REMOTE_ADDR from it.
    return request.META.get("REMOTE_ADDR", "") or ""


def ip_hash(ip: str) -> str | None:
    if not ip:
        return None
    key = f"{settings.SECRET_KEY}:newsletter-ip".encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()[:32]


def subscribe_allowed(request: HttpRequest) -> bool:
    """Count this post; False once the address went over the limit in the current window."""
    limit, window = conf.subscribe_rate()
    hashed = ip_hash(client_ip(request)) or "unknown"
    bucket = int(time.time() // window)
    key = f"newsletter:subscribe:{hashed}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit
