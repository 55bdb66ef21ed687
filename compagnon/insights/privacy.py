"""What Insights holds on a person, for their data export (`accounts.privacy`).

Past tenures imported by staff from a CSV (`tenure_import.py`) name the person: they are in
the export. At erasure they stay, attached to the anonymised person, like the registrations
the retention figures also count (no free text of theirs is in them). `TenureRecord` rows
name nobody and are not personal data.
"""

from __future__ import annotations

from typing import Any

from compagnon.insights.models import PastTenure


def _when(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def past_tenures_export(person, user) -> dict[str, list[dict[str, Any]]]:
    if person is None:
        return {}
    tenures = (
        PastTenure.objects.filter(person=person)
        .select_related("organisation", "tenure_import")
        .order_by("started_on", "pk")
    )
    return {
        "past_tenures": [
            {
                "organisation": t.organisation.name,
                "role": t.role_family,
                "started_on": _when(t.started_on),
                "left_on": _when(t.ended_on),
                "imported_at": _when(t.tenure_import.applied_at),
                "imported_from": t.tenure_import.filename,
            }
            for t in tenures
        ]
    }
