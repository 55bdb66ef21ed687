"""What engagements hold on a person, for their data export and erasure (`accounts.privacy`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from compagnon.engagements.models import Engagement, LedgerEntry, StatusReport


def _when(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def engagements_export(person, user) -> dict[str, list[dict[str, Any]]]:
    if person is None:
        return {}
    engagements = Engagement.objects.filter(Q(expert=person) | Q(asker=person)).select_related(
        "case"
    )
    return {
        "engagements": [
            {
                "case": e.case.title,
                "role": "expert" if e.expert_id == person.pk else "asked",
                "scope": e.scope,
                "starts_on": _when(e.starts_on),
                "ends_on": _when(e.ends_on),
                "half_days_per_week": e.half_days_per_week,
                "confidentiality_terms": e.confidentiality_terms,
                "status": e.status,
                "closed_at": _when(e.closed_at),
            }
            for e in engagements.order_by("starts_on", "pk")
        ],
        "engagement_time_entries": [
            {
                "case": entry.engagement.case.title,
                "date": _when(entry.worked_on),
                "half_days": entry.half_days,
                "note": entry.note,
                "logged_by_me": entry.logged_by_id == person.pk,
                "decided_by_me": entry.decided_by_id == person.pk,
                "status": entry.status,
                "decided_at": _when(entry.decided_at),
                "dispute_reason": entry.dispute_reason,
            }
            for entry in LedgerEntry.objects.filter(Q(logged_by=person) | Q(decided_by=person))
            .select_related("engagement__case")
            .order_by("worked_on", "pk")
        ],
        "engagement_status_reports": [
            {"case": r.engagement.case.title, "at": _when(r.created_at), "report": r.body}
            for r in StatusReport.objects.filter(author=person)
            .select_related("engagement__case")
            .order_by("created_at", "pk")
        ],
    }


def engagements_erase(person, user) -> None:
    """Runs inside `person_erase`'s transaction. The time stays (the club's counts and the
    organisation's record), attached to the anonymised person; the free text they wrote
    about the work of a day (notes, dispute reasons) goes. Status reports stay: they are
    the organisation's record of the engagement, as a case's description is."""
    if person is None:
        return
    LedgerEntry.objects.filter(logged_by=person).update(note="")
    LedgerEntry.objects.filter(decided_by=person).exclude(dispute_reason="").update(
        dispute_reason=""
    )
