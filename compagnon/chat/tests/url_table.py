"""The chat server's callback: a server-to-server door, the same refusal for every persona."""

from __future__ import annotations

from compagnon.core.tests.urltable import Case, everyone

URL_TABLE = {
    "chat:action": [
        Case(everyone(405)),
        # Not JSON: refused before anything is read.
        Case(everyone(400), method="post"),
    ],
}
