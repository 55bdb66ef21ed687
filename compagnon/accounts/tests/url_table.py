"""Who reaches the accounts pages added after the foundation (its first rows are in core's table)."""

from __future__ import annotations

from compagnon.core.tests.urltable import Case, org_a_private, staff_only

URL_TABLE = {
    "accounts:invitation_bulk": [
        Case(staff_only()),
        Case(staff_only(), data=lambda w: {"history": "never"}, note="the preview count"),
    ],
    "accounts:colleagues_invite": Case(org_a_private(), kwargs=lambda w: {"slug": w.org_a.slug}),
}
