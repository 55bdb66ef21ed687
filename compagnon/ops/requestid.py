"""The request id: one value per request, in the logs and in the X-Request-ID header.

A proxy (Caddy, nginx) that already sets X-Request-ID keeps its id, so one request can be
followed from the proxy's log to the application's; a missing or odd value is replaced
by a fresh one (a client must not inject newlines or megabytes into the logs).
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

current_request_id: ContextVar[str] = ContextVar("request_id", default="-")


def request_id_from(request: HttpRequest) -> str:
    incoming = request.headers.get(HEADER, "")
    return incoming if _VALID.fullmatch(incoming) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        # Not reset on the way out: Django logs a 4xx/5xx response ("Not Found: ...") after
        # the middleware chain returns, and that line must carry the id too. The next request
        # on this thread sets its own.
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response
