"""The public vote's rate limit: the same fixed-window counter as the newsletter's
subscribe form and the desk's public forms, keyed by the hashed client address."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

from compagnon.awards import conf
from compagnon.newsletter.ratelimit import client_ip, ip_hash


def request_ip_hash(request: HttpRequest) -> str:
    return ip_hash(client_ip(request)) or ""


def vote_allowed(request: HttpRequest) -> bool:
    """Count this post; False once the address went over the limit in the current window."""
    limit, window = conf.vote_rate()
    key = f"awards:vote:{request_ip_hash(request) or 'unknown'}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit
