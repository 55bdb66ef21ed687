"""Who reaches the accounts pages added after the foundation (its first rows are in core's table):
the personal-data pages (each signed-in person, for themself only) and the invitations at scale."""

from __future__ import annotations

from compagnon.core.tests.urltable import Case, org_a_private, signed_in, staff_only

URL_TABLE = {
    # The URL names no one: each person gets their own data, never someone else's.
    "accounts:data_export": Case(signed_in(200)),
    "accounts:data_erase": [
        Case(signed_in(200)),
        Case(
            signed_in(200),
            method="post",
            note="no password, no tick: the page says so and nothing is erased",
        ),
    ],
    "accounts:invitation_bulk": [
        Case(staff_only()),
        Case(staff_only(), data=lambda w: {"history": "never"}, note="the preview count"),
    ],
    "accounts:colleagues_invite": Case(org_a_private(), kwargs=lambda w: {"slug": w.org_a.slug}),
}
