"""Pages for failures that are not bugs: the private file store unreachable (503)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compagnon.core.storage import PrivateStoreUnavailable


class PrivateStoreUnavailableMiddleware:
    """A view that read a private file while the store failed answers a clear 503 page.

    The failure is logged where it happened (core.storage); the view's transaction, if any,
    rolled back as the exception left it, so nothing is half-written.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PrivateStoreUnavailable):
            return None
        response = render(request, "503_store.html", {"message": str(exception)}, status=503)
        response["Retry-After"] = "60"
        response["Cache-Control"] = "no-store"
        return response
