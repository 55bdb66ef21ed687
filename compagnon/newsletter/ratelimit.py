"""The subscribe form's rate limit, counted by the site's one limiter (`core.ratelimit`),
keyed by the hashed client address (`core.ratelimit.ip_hash`, also what a consent record
stores)."""

from __future__ import annotations

from django.http import HttpRequest

from compagnon.core.ratelimit import RateDecision, rate_hit, request_ip_hash
from compagnon.newsletter import conf

__all__ = ["subscribe_decision"]


def subscribe_decision(request: HttpRequest) -> RateDecision:
    """Count this post, per hashed client address."""
    limit, window = conf.subscribe_rate()
    return rate_hit(
        scope="newsletter:subscribe",
        identity=request_ip_hash(request),
        limit=limit,
        window=window,
    )
