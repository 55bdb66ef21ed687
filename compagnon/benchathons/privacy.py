"""What benchathons hold on a person, for `accounts.privacy`'s export and erasure.

An evaluator's marks stay at erasure, so that the benchathon's figures stay true
(as registrations and submissions do); what they wrote goes: their notes, their
evidence links and their free-text answers.
"""

from __future__ import annotations

from typing import Any

from compagnon.benchathons.models import Evaluation, Score


def _when(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def benchathon_evaluations_export(person, user) -> dict[str, list[dict[str, Any]]]:
    if person is None:
        return {}
    evaluations = (
        Evaluation.objects.filter(evaluator=person)
        .select_related("item__benchathon__workshop")
        .prefetch_related("scores__criterion")
        .order_by("pk")
    )
    rows = [
        {
            "benchathon": evaluation.item.benchathon.workshop.title,
            "item": str(evaluation.item),
            "submitted_at": _when(evaluation.submitted_at),
            "evidence": evaluation.evidence,
            "notes": evaluation.notes,
            "answers": {
                score.criterion.name: score.number if score.number is not None else score.text
                for score in evaluation.scores.all()
            },
        }
        for evaluation in evaluations
    ]
    return {"benchathon_evaluations": rows}


def benchathon_evaluations_erase(person, user) -> None:
    """Runs inside `person_erase`'s transaction."""
    if person is None:
        return
    Evaluation.objects.filter(evaluator=person).update(evidence="", notes="")
    Score.objects.filter(evaluation__evaluator=person, number__isnull=True).delete()
