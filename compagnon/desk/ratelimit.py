"""How many public posts (join, contact) one address may make in a window.

Counted by the site's one limiter (`core.ratelimit`), keyed by the form and the hashed
client address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from compagnon.core.ratelimit import RateDecision, rate_hit, request_ip_hash

__all__ = ["public_post_decision", "public_post_rate", "request_ip_hash"]


def public_post_rate() -> tuple[int, int]:
    """(posts, seconds) per address and form."""
    return (
        int(getattr(settings, "DESK_PUBLIC_POST_RATE_LIMIT", 5)),
        int(getattr(settings, "DESK_PUBLIC_POST_RATE_WINDOW", 3600)),
    )


def public_post_decision(request: HttpRequest, *, form: str) -> RateDecision:
    """Count this post of `form` by the request's address."""
    limit, window = public_post_rate()
    return rate_hit(
        scope=f"desk:{form}", identity=request_ip_hash(request), limit=limit, window=window
    )
