"""Who calls the API: a personal access token, sent as `Authorization: Bearer cpat_…`.

Each operation names the scope it needs (`scoped("cases", "write")`): an unknown,
expired or revoked token gets 401, a live token without the scope 403. The token's
owner becomes `request.user`, so the selectors see the same viewer as the pages do.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from compagnon.api.models import ApiToken
from compagnon.api.selectors import token_live_for_raw
from compagnon.api.services import token_touch
from compagnon.core.ratelimit import rate_hit
from compagnon.members.selectors import Viewer, viewer_for


class TokenAuth(HttpBearer):
    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_live_for_raw(token)
        if found is None:
            return None
        if not found.has_scope(self.scope):
            raise HttpError(403, f"This token lacks the scope {self.scope!r}.")
        request.user = found.user
        token_touch(token=found)
        return found


_AUTH: dict[str, TokenAuth] = {}


def scoped(area: str, access: str = "read") -> TokenAuth:
    scope = f"{area}:{access}"
    if scope not in _AUTH:
        _AUTH[scope] = TokenAuth(scope)
    return _AUTH[scope]


def api_viewer(request: HttpRequest) -> Viewer:
    return viewer_for(request.auth.user)  # type: ignore[attr-defined]


def member_viewer(request: HttpRequest) -> Viewer:
    """Members-only areas (people, organisations, cases): 403, as the pages answer."""
    viewer = api_viewer(request)
    if not viewer.is_member:
        raise HttpError(403, "Only members of the club read this.")
    return viewer


class TokenRateThrottle(BaseThrottle):
    """`API_RATE_LIMIT` requests per token and window, counted by the site's one limiter
    (`core.ratelimit`, shared by every web process); 429 past it.

    ninja's own throttle rewrites a list of timestamps, which two processes can overwrite.
    The rate is read at each request, so a deployment or a test changes it without
    rebuilding the API. ninja asks `wait()` without the request: the answer is kept per
    thread.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if token is None:
            return True
        allowed, period = _parse_rate(api_rate())
        decision = rate_hit(scope="api-rate", identity=str(token.pk), limit=allowed, window=period)
        self._local.wait = decision.retry_after
        return decision.allowed

    def wait(self) -> float | None:
        return max(getattr(self._local, "wait", 1.0), 1.0)


_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def _parse_rate(rate: str) -> tuple[int, int]:
    """ "600/min" → (600, 60); a bad value names the setting."""
    try:
        count, period = rate.split("/")
        return int(count), _PERIODS[period.strip()]
    except (ValueError, KeyError):
        raise ImproperlyConfigured(
            f"API_RATE_LIMIT must read like 600/min (s, min, hour, day), not {rate!r}."
        ) from None


def api_rate() -> str:
    return str(getattr(settings, "API_RATE_LIMIT", "600/min"))
