"""Who reaches the operations URLs: readiness for staff (or a monitor's token), metrics for
no one without METRICS_TOKEN (unset in tests: 404 for all)."""

from __future__ import annotations

from compagnon.core.tests.urltable import Case, everyone, staff_only

URL_TABLE = {
    "ops:readiness": Case(staff_only()),
    "ops:metrics": Case(everyone(404)),
}
