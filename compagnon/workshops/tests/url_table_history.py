"""Permission rows for the history import."""

from __future__ import annotations

from compagnon.core.tests.urltable import Case, staff_only

URL_TABLE = {
    "workshops:history_import": [
        Case(staff_only()),
        Case(staff_only(302), method="post", data=lambda w: {"apply": "1", "content": ""}),
    ],
}
