"""An interview kit for a recruitment case: questions and exercises from the knowledge base.

The kit is the best-practice notes the reader may see that share a tag with the case,
those whose title speaks of interviews or exercises first; then the published workshop
reports on the same tags, as exercises drawn from real cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from compagnon.cases.models import Case as CaseRecord
from compagnon.knowledge.models import Note, Report
from compagnon.knowledge.selectors import notes_visible_to, reports_visible_to
from compagnon.members.selectors import Viewer

KIT_WORDS = ("entretien", "interview", "exercice", "exercise", "question", "recrut", "recruit")


@dataclass(frozen=True)
class InterviewKit:
    notes: list[Note]
    reports: list[Report]


def interview_kit(viewer: Viewer, case: CaseRecord, *, size: int = 6) -> InterviewKit:
    tag_ids = list(case.tags.values_list("pk", flat=True))
    about_kits = Q()
    for word in KIT_WORDS:
        about_kits |= Q(title__icontains=word)
    candidates = list(
        notes_visible_to(viewer)
        .filter(Q(tags__in=tag_ids) | about_kits)
        .distinct()
        .order_by("-created_at", "-pk")[: size * 3]
    )
    # Notes about interviews and exercises first, then the rest on the case's skills.
    notes = sorted(
        candidates,
        key=lambda note: not any(word in note.title.lower() for word in KIT_WORDS),
    )[:size]
    reports = (
        reports_visible_to(viewer).filter(workshop__tags__in=tag_ids).distinct()[:size]
        if tag_ids
        else Report.objects.none()
    )
    return InterviewKit(notes=notes, reports=list(reports))
