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


def _tenure_import(world):
    """An uploaded file of past tenure with a line that fails (an unknown email)."""
    if not hasattr(world, "tenure_import"):
        from compagnon.insights.models import TenureImport

        world.tenure_import = TenureImport.objects.create(
            filename="tenure.csv",
            content="email,organisation,started_on,ended_on\nnobody@example.org,x,2020-01-01,2021-01-01\n",
        )
    return {"pk": world.tenure_import.pk}


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
    "insights:organisation_progress": Case(org_a_private(), kwargs=ORG_A),
    "insights:club_progress": Case(staff_only()),
    "insights:tenure_imports": Case(staff_only()),
    "insights:tenure_import": Case(staff_only(), kwargs=_tenure_import),
    "insights:tenure_import_apply": [
        Case(everyone(405), kwargs=_tenure_import),
        Case(staff_only(REDIRECT), method="post", kwargs=_tenure_import),
    ],
    "insights:tenure_import_errors": Case(staff_only(), kwargs=_tenure_import),
}
