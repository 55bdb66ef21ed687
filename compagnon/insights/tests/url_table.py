"""Permission rows for the insights URLs."""

from __future__ import annotations

from compagnon.core.tests.urltable import (
    REDIRECT,
    Case,
    everyone,
    members_only,
    org_a_private,
    staff_only,
)

ORG_A = lambda w: {"slug": w.org_a.slug}  # noqa: E731 — a row's kwargs, as in the other tables

URL_TABLE = {
    "insights:me": Case(members_only(), note="one's own growth only: no page for someone else"),
    "insights:club": Case(staff_only()),
    "insights:recompute": [
        Case(everyone(405)),
        Case(staff_only(REDIRECT), method="post"),
    ],
    "insights:organisation": Case(org_a_private(), kwargs=ORG_A),
    "insights:organisation_pdf": Case(org_a_private(), kwargs=ORG_A),
    "insights:organisation_csv": Case(org_a_private(), kwargs=ORG_A),
}
