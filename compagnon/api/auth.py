"""Who calls the API: a personal access token, sent as `Authorization: Bearer cpat_…`.

Each operation names the scope it needs (`scoped("cases", "write")`): an unknown,
expired or revoked token gets 401, a live token without the scope 403. The token's
owner becomes `request.user`, so the selectors see the same viewer as the pages do.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle

from compagnon.api.models import ApiToken
from compagnon.api.selectors import token_live_for_raw
from compagnon.api.services import token_touch
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


class TokenRateThrottle(AuthRateThrottle):
    """One bucket per token (str(token) is its id), in the cache; 429 with Retry-After.

    The rate is read from `API_RATE_LIMIT` at each request, so a deployment (or a test)
    changes it without rebuilding the API.
    """

    def __init__(self) -> None:
        super().__init__(api_rate())

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = api_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


def api_rate() -> str:
    return str(getattr(settings, "API_RATE_LIMIT", "600/min"))
