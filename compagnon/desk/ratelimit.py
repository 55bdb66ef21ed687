"""How many public posts (join, contact) one address may make in a window.

The same fixed-window counter as the newsletter's subscribe form
(`newsletter.ratelimit`), keyed by the hashed client address and the form.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from compagnon.newsletter.ratelimit import client_ip, ip_hash


def public_post_rate() -> tuple[int, int]:
    """(posts, seconds) per address and form."""
    return (
        int(getattr(settings, "DESK_PUBLIC_POST_RATE_LIMIT", 5)),
        int(getattr(settings, "DESK_PUBLIC_POST_RATE_WINDOW", 3600)),
    )


def request_ip_hash(request: HttpRequest) -> str:
    return ip_hash(client_ip(request)) or ""


def public_post_allowed(request: HttpRequest, *, form: str) -> bool:
    """Count this post; False once the address went over the limit in the current window."""
    limit, window = public_post_rate()
    hashed = request_ip_hash(request) or "unknown"
    key = f"desk:{form}:{hashed}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit
