"""The public vote's rate limit, counted by the site's one limiter (`core.ratelimit`),
keyed by the hashed client address."""

from __future__ import annotations

from django.http import HttpRequest

from compagnon.awards import conf
from compagnon.core.ratelimit import RateDecision, rate_hit, request_ip_hash

__all__ = ["request_ip_hash", "vote_decision"]


def vote_decision(request: HttpRequest) -> RateDecision:
    """Count this vote by the request's address."""
    limit, window = conf.vote_rate()
    return rate_hit(
        scope="awards:vote", identity=request_ip_hash(request), limit=limit, window=window
    )
