"""Every change to reports, notes and outcomes, and the search index kept in step with them.

Each function checks who acts, validates (`full_clean`), writes inside one
transaction and updates the report's or note's `SearchDocument` (and the
full-text part) in that same transaction: a failed save leaves no half-indexed
row. Publishing or withdrawing a report, or editing a published one, also tells
the matching index that the workshop's people have new text (see
`knowledge.matching_text`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import unescape
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from compagnon.accounts.models import User
from compagnon.cases.models import Case, Confidentiality
from compagnon.core.markdown import render_markdown
from compagnon.knowledge import search
from compagnon.knowledge.matching_text import report_people_ids
from compagnon.knowledge.models import (
    SECTION_FIELDS,
    DocumentKind,
    Note,
    Outcome,
    Report,
    ReportStatus,
    SearchDocument,
    Visibility,
)
from compagnon.knowledge.selectors import can_edit_note, can_edit_report, search_facets_forget
from compagnon.matching.index import index_people_touch
from compagnon.members.models import Organisation, Person, Tag
from compagnon.members.selectors import viewer_for
from compagnon.workshops.models import Workshop

REPORT_FIELDS: tuple[str, ...] = ("title", *SECTION_FIELDS, "visibility")
NOTE_FIELDS: tuple[str, ...] = ("title", "body", "visibility")


def _plain(markdown: str) -> str:
    """The text a reader sees, without Markdown or HTML (for the index and snippets)."""
    if not markdown:
        return ""
    html = str(render_markdown(markdown))
    # Block ends become line breaks so words of two paragraphs do not run together.
    html = html.replace("</p>", "</p>\n").replace("</li>", "</li>\n").replace("<br>", "\n")
    return unescape(strip_tags(html)).strip()


# --- the search index ----------------------------------------------------------------------------


def _tag_words(tags: Iterable[Tag]) -> str:
    return " ".join(f"{tag.label_fr} {tag.label_en} {tag.synonyms}" for tag in tags)


def _report_organisations(workshop: Workshop) -> set[int]:
    """The hosts' organisations, and the case's; never an anonymised case's organisation.

    What a case hides stays hidden in what grew from it: even when the person who
    brought it hosts the workshop, the report is not filed under their organisation.
    """
    ids = {
        host.organisation_id for host in workshop.hosts.all() if host.organisation_id is not None
    }
    case: Case | None = workshop.origin_case
    if case is not None and case.organisation_id is not None:
        if case.confidentiality == Confidentiality.ANONYMISED:
            ids.discard(case.organisation_id)
        else:
            ids.add(case.organisation_id)
    return ids


def search_document_sync_report(*, report: Report) -> SearchDocument:
    workshop = report.workshop
    tags = list(workshop.tags.all())
    body = "\n\n".join(_plain(getattr(report, name)) for name in SECTION_FIELDS)
    body = "\n\n".join(part for part in body.split("\n\n") if part)
    when = report.published_at or workshop.starts_at or report.created_at or timezone.now()
    document, _created = SearchDocument.objects.update_or_create(
        report=report,
        defaults={
            "kind": DocumentKind.REPORT,
            "title": report.title,
            "body": body,
            "index_title": search.normalise(report.title),
            "index_body": search.normalise(f"{body}\n{workshop.title}\n{_tag_words(tags)}"),
            "year": timezone.localtime(when).year,
        },
    )
    document.tags.set(tags)
    document.organisations.set(_report_organisations(workshop))
    search.index_write(document)
    search_facets_forget()
    return document


def search_document_sync_note(*, note: Note) -> SearchDocument:
    tags = list(note.tags.all())
    body = _plain(note.body)
    document, _created = SearchDocument.objects.update_or_create(
        note=note,
        defaults={
            "kind": DocumentKind.NOTE,
            "title": note.title,
            "body": body,
            "index_title": search.normalise(note.title),
            "index_body": search.normalise(f"{body}\n{_tag_words(tags)}"),
            "year": timezone.localtime(note.created_at).year,
        },
    )
    document.tags.set(tags)
    organisation_ids = set()
    if note.author is not None and note.author.organisation_id is not None:
        organisation_ids.add(note.author.organisation_id)
    document.organisations.set(organisation_ids)
    search.index_write(document)
    search_facets_forget()
    return document


def knowledge_workshop_changed(*, workshop: Workshop) -> None:
    """Re-index the workshop's report after its title, tags or hosts changed.

    For the workshops app to call from its own services (inside their transaction).
    """
    report = Report.objects.filter(workshop=workshop).first()
    if report is not None:
        search_document_sync_report(report=report)


def knowledge_case_changed(*, case: Case) -> None:
    """Re-index the reports of the case's workshops after its confidentiality changed.

    For the cases app to call from its own services: an anonymised case's organisation
    must leave the reports' organisation filter at once.
    """
    reports = Report.objects.filter(workshop__origin_case=case).select_related(
        "workshop__origin_case"
    )
    for report in reports:
        search_document_sync_report(report=report)


def search_reindex() -> int:
    """Rebuild every search document from scratch; returns how many were written."""
    with transaction.atomic():
        search.index_clear()
        search_facets_forget()
        SearchDocument.objects.all().delete()
        count = 0
        reports = Report.objects.select_related("workshop", "workshop__origin_case")
        for report in reports.prefetch_related("workshop__tags", "workshop__hosts"):
            search_document_sync_report(report=report)
            count += 1
        for note in Note.objects.select_related("author").prefetch_related("tags"):
            search_document_sync_note(note=note)
            count += 1
    return count


# --- reports ------------------------------------------------------------------------------------


def _require_report_editor(*, workshop: Workshop, actor: User) -> None:
    if not can_edit_report(viewer_for(actor), workshop):
        raise PermissionDenied(
            _("Only the workshop's hosts and the club's staff write its report.")
        )


def _touch_matching(report: Report) -> None:
    """The people whose matching text includes this report are read again by the index."""
    index_people_touch(report_people_ids(report))


def report_save(*, workshop: Workshop, actor: User, **fields: Any) -> Report:
    """Create the workshop's report, or change it (it stays in its status)."""
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown report fields: {sorted(unknown)}")
    _require_report_editor(workshop=workshop, actor=actor)
    with transaction.atomic():
        # Two hosts saving the first draft at once: the lock makes the second one edit it.
        Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
        report = Report.objects.filter(workshop=workshop).first()
        if report is None:
            report = Report(workshop=workshop, title=workshop.title, created_by=actor)
        for name, value in fields.items():
            setattr(report, name, value)
        if not report.title:
            report.title = workshop.title
        report.full_clean()
        report.save()
        person = viewer_for(actor).person
        if person is not None:
            report.authors.add(person)
        search_document_sync_report(report=report)
        if report.is_published:
            _touch_matching(report)
    return report


def report_publish(*, report: Report, actor: User, visibility: str | None = None) -> Report:
    _require_report_editor(workshop=report.workshop, actor=actor)
    if visibility is not None and visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who may read the report.")})
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("workshop").get(pk=report.pk)
        if not any(getattr(report, name).strip() for name in SECTION_FIELDS):
            raise ValidationError(_("Write at least one section before publishing the report."))
        if visibility is not None:
            report.visibility = visibility
        if not report.is_published:
            report.status = ReportStatus.PUBLISHED
            report.published_at = timezone.now()
            from compagnon.webhooks.services import event_emit

            event_emit(
                event="report.published",
                data={"id": report.pk, "workshop_id": report.workshop_id, "title": report.title},
            )
        report.full_clean()
        report.save()
        search_document_sync_report(report=report)
        _touch_matching(report)
    return report


def report_unpublish(*, report: Report, actor: User) -> Report:
    _require_report_editor(workshop=report.workshop, actor=actor)
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("workshop").get(pk=report.pk)
        if report.is_published:
            report.status = ReportStatus.DRAFT
            report.save(update_fields=["status", "updated_at"])
            search_document_sync_report(report=report)
            _touch_matching(report)
    return report


# --- notes --------------------------------------------------------------------------------------


def _note_set_links(
    note: Note, tags: Iterable[Tag] | None, workshops: Iterable[Workshop] | None
) -> None:
    if tags is not None:
        note.tags.set(list(tags))
    if workshops is not None:
        note.workshops.set(list(workshops))


def note_create(
    *,
    author: Person,
    actor: User,
    title: str,
    body: str,
    visibility: str = Visibility.MEMBERS,
    tags: Iterable[Tag] = (),
    workshops: Iterable[Workshop] = (),
) -> Note:
    viewer = viewer_for(actor)
    if not viewer.is_member:
        raise PermissionDenied(_("Only members write notes."))
    with transaction.atomic():
        note = Note(author=author, title=title.strip(), body=body, visibility=visibility)
        note.full_clean()
        note.save()
        _note_set_links(note, tags, workshops)
        search_document_sync_note(note=note)
    return note


def note_update(
    *,
    note: Note,
    actor: User,
    tags: Iterable[Tag] | None = None,
    workshops: Iterable[Workshop] | None = None,
    **fields: Any,
) -> Note:
    unknown = set(fields) - set(NOTE_FIELDS)
    if unknown:
        raise TypeError(f"unknown note fields: {sorted(unknown)}")
    if not can_edit_note(viewer_for(actor), note):
        raise PermissionDenied(_("Only the note's author and the club's staff change it."))
    with transaction.atomic():
        note = Note.objects.select_for_update().get(pk=note.pk)
        for name, value in fields.items():
            setattr(note, name, value.strip() if name == "title" else value)
        note.full_clean()
        note.save()
        _note_set_links(note, tags, workshops)
        search_document_sync_note(note=note)
    return note


# --- outcomes -----------------------------------------------------------------------------------


def outcome_create(
    *,
    actor: User,
    kind: str,
    title: str,
    date: date,
    description: str = "",
    url: str = "",
    organisations: Iterable[Organisation] = (),
    case: Case | None = None,
    workshop: Workshop | None = None,
) -> Outcome:
    if not (actor.is_active and actor.is_staff):
        raise PermissionDenied(_("Only the club's staff record outcomes."))
    with transaction.atomic():
        outcome = Outcome(
            kind=kind,
            title=title.strip(),
            date=date,
            description=description,
            url=url,
            case=case,
            workshop=workshop,
            created_by=actor,
        )
        outcome.full_clean()
        outcome.save()
        outcome.organisations.set(list(organisations))
    return outcome
