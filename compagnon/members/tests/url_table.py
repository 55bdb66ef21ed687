"""Permission rows for the members URLs not listed in core's table."""

from __future__ import annotations

from compagnon.core.tests.urltable import Case, staff_only

URL_TABLE = {
    "staff:import_progress": Case(staff_only(), kwargs=lambda w: {"pk": w.member_import.pk}),
}
