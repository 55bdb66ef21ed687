"""What published workshop reports add to the matching index's text about people.

The hosts, the report's authors and the people marked present at a workshop
whose report is published get the report's title, the workshop's tags and its
main sections added to their matching document: "what worked" on uplift
modelling is evidence that they have worked on uplift modelling. Registered
with `matching.index.index_text_source_add` when the app loads; the knowledge
services tell the index which people to read again (`index_people_touch`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import Q

from compagnon.knowledge.models import Report, ReportStatus
from compagnon.workshops.models import Attendance, Registration

# The sections that say what the workshop was about; each cut to keep a long
# report from drowning a person's own profile.
MATCHING_SECTIONS = ("question", "what_worked", "next_leads")
SECTION_CHARS = 800
REPORTS_PER_PERSON = 5


def report_people_ids(report: Report) -> set[int]:
    """Everyone whose matching text includes this report."""
    workshop = report.workshop
    ids = set(workshop.hosts.values_list("pk", flat=True))
    ids |= set(report.authors.values_list("pk", flat=True))
    ids |= set(
        workshop.registrations.filter(attendance=Attendance.PRESENT).values_list(
            "person_id", flat=True
        )
    )
    return ids


def _report_text(report: Report) -> str:
    parts = [report.title]
    parts += [f"{tag.label_fr} {tag.label_en}" for tag in report.workshop.tags.all()]
    parts += [getattr(report, name)[:SECTION_CHARS] for name in MATCHING_SECTIONS]
    return "\n".join(part for part in parts if part)


def report_text_for_people(person_ids: Sequence[int]) -> Mapping[int, str]:
    """Text by person id from the published reports of workshops they hosted, wrote or attended."""
    if not person_ids:
        return {}
    wanted = set(person_ids)
    involved = (
        Q(workshop__hosts__in=wanted)
        | Q(authors__in=wanted)
        | Q(
            workshop__registrations__person_id__in=wanted,
            workshop__registrations__attendance=Attendance.PRESENT,
        )
    )
    report_ids = list(
        Report.objects.filter(involved, status=ReportStatus.PUBLISHED)
        .values_list("pk", flat=True)
        .distinct()
    )
    if not report_ids:
        return {}
    reports = list(
        Report.objects.filter(pk__in=report_ids)
        .select_related("workshop")
        .prefetch_related("workshop__tags", "workshop__hosts", "authors")
        .order_by("-published_at", "-pk")
    )
    by_report = {report.pk: report for report in reports}
    present: dict[int, set[int]] = {}
    for workshop_id, person_id in Registration.objects.filter(
        workshop_id__in=[r.workshop_id for r in reports],
        person_id__in=wanted,
        attendance=Attendance.PRESENT,
    ).values_list("workshop_id", "person_id"):
        present.setdefault(workshop_id, set()).add(person_id)
    texts: dict[int, list[str]] = {}
    for report in by_report.values():
        people = {p.pk for p in report.workshop.hosts.all()} | {p.pk for p in report.authors.all()}
        people |= present.get(report.workshop_id, set())
        text = _report_text(report)
        for person_id in people & wanted:
            if len(texts.setdefault(person_id, [])) < REPORTS_PER_PERSON:
                texts[person_id].append(text)
    return {person_id: "\n".join(parts) for person_id, parts in texts.items()}
