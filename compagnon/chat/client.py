"""Posting to the chat server's incoming webhook (Mattermost's format, which Slack shares)."""

from __future__ import annotations

import http.client
import json
import logging
import urllib.request
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


class ChatPostFailed(Exception):
    pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: urllib would send the bot's Authorization header along to
    wherever it points, another host included."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_API_OPENER = urllib.request.build_opener(_NoRedirect)
_WEBHOOK_OPENER = urllib.request.build_opener()


def _send(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> bytes:
    """Open `request` (an http(s) URL only) and read the answer; every failure is
    ChatPostFailed, whose message never spells the request's headers."""
    if urlsplit(request.full_url).scheme.lower() not in ("http", "https"):
        raise ChatPostFailed("the chat URL must be an http(s) address")
    try:
        # The scheme is checked above: no file:// or other handler can be reached.
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.read()
    except OSError as error:  # URLError and HTTPError are OSErrors
        raise ChatPostFailed(str(error)) from error
    except (http.client.InvalidURL, ValueError):
        # A URL or header http.client refuses: it may spell the token, so it is not quoted.
        raise ChatPostFailed("the chat URL or bot token is malformed") from None
    except http.client.HTTPException as error:  # the chat server's answer is not HTTP
        raise ChatPostFailed(
            f"the chat server's answer is not HTTP ({type(error).__name__})"
        ) from None


def webhook_post(url: str, payload: dict[str, Any]) -> None:
    """POST the JSON payload; raises ChatPostFailed on a bad URL, a network error or a non-2xx."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    _send(_WEBHOOK_OPENER, request)


def api_call(base_url: str, token: str, path: str, payload: Any = None) -> Any:
    """Call the chat server's REST API (Mattermost's /api/v4) as the bot; the JSON answer.

    GET without a payload, POST with one. Raises ChatPostFailed on a bad URL, a network
    error, a redirect (not followed), a non-2xx or an answer that is not JSON.
    """
    request = urllib.request.Request(
        base_url.rstrip("/") + path,
        data=None if payload is None else json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="GET" if payload is None else "POST",
    )
    try:
        # Redirects are not followed (the token would go along): a 3xx is an HTTPError.
        body = _send(_API_OPENER, request)
    except ChatPostFailed as error:
        raise ChatPostFailed(f"{path}: {error}") from error.__cause__
    try:
        return json.loads(body)
    except ValueError as error:
        raise ChatPostFailed(f"{path}: the chat server's answer is not JSON") from error
