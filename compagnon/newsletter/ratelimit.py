"""The subscribe form's rate limit, counted by the site's one limiter (`core.ratelimit`).

`client_ip` and `ip_hash` live in core now; they are named here still because the
newsletter's views and services hash the address they store with consent.
"""

from __future__ import annotations

from django.http import HttpRequest

from compagnon.core.ratelimit import RateDecision, client_ip, ip_hash, rate_hit, request_ip_hash
from compagnon.newsletter import conf

__all__ = ["client_ip", "ip_hash", "subscribe_allowed", "subscribe_decision"]


def subscribe_decision(request: HttpRequest) -> RateDecision:
    """Count this post, per hashed client address."""
    limit, window = conf.subscribe_rate()
    return rate_hit(
        scope="newsletter:subscribe",
        identity=request_ip_hash(request),
        limit=limit,
        window=window,
    )


def subscribe_allowed(request: HttpRequest) -> bool:
    """Count this post; False once the address went over the limit in the current window."""
    return subscribe_decision(request).allowed
