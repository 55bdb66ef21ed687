"""Posting to the chat server's incoming webhook (Mattermost's format, which Slack shares)."""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


class ChatPostFailed(Exception):
    pass


def webhook_post(url: str, payload: dict[str, Any]) -> None:
    """POST the JSON payload; raises ChatPostFailed on a bad URL, a network error or a non-2xx."""
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise ChatPostFailed("the chat webhook URL must be an http(s) address")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        # The scheme is checked above: no file:// or other handler can be reached.
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()
    except OSError as error:  # URLError and HTTPError are OSErrors
        raise ChatPostFailed(str(error)) from error
