"""Reads about reports, notes and outcomes, and the one place deciding who reads what.

- A report: staff, the workshop's hosts and the report's authors, always (drafts
  included). Once published, and while its workshop is not a draft: everyone
  when it is public (except people of an organisation the workshop excluded);
  members who may see its workshop (`workshops_visible_to`) when members-only.
- A note: public notes to everyone, members-only notes to members; its author
  and staff always.
- Outcomes: members and staff.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from compagnon.cases.models import Case
from compagnon.knowledge.models import (
    Note,
    Outcome,
    Report,
    ReportStatus,
    SearchDocument,
    Visibility,
)
from compagnon.members.models import Organisation, Tag
from compagnon.members.selectors import Viewer
from compagnon.workshops.models import Workshop, WorkshopStatus
from compagnon.workshops.selectors import (
    can_edit_workshop,
    workshop_shows_origin_case,
    workshops_visible_to,
)

# How deep the case page follows follow-ups of follow-ups.
CHAIN_MAX_DEPTH = 5


# --- reports ------------------------------------------------------------------------------------


def _report_editor_side(viewer: Viewer) -> Q:
    person = viewer.person
    if person is None:
        return Q(pk__in=[])
    hosted = Workshop.hosts.through.objects.filter(
        workshop_id=OuterRef("workshop_id"), person_id=person.pk
    )
    written = Report.authors.through.objects.filter(report_id=OuterRef("pk"), person_id=person.pk)
    return Q(Exists(hosted)) | Q(Exists(written))


def reports_visible_to(viewer: Viewer) -> QuerySet[Report]:
    reports = Report.objects.all()
    if viewer.is_staff:
        return reports
    published = Q(status=ReportStatus.PUBLISHED) & ~Q(workshop__status=WorkshopStatus.DRAFT)
    public = published & Q(visibility=Visibility.PUBLIC)
    if viewer.organisation_id is not None:
        excluding_mine = Workshop.excluded_organisations.through.objects.filter(
            workshop_id=OuterRef("workshop_id"), organisation_id=viewer.organisation_id
        )
        public &= ~Q(Exists(excluding_mine))
    visible = public
    if viewer.is_member:
        visible |= published & Q(workshop__in=workshops_visible_to(viewer).values("pk"))
    return reports.filter(visible | _report_editor_side(viewer))


def report_for_viewer(viewer: Viewer, pk: int) -> Report:
    try:
        return (
            reports_visible_to(viewer)
            .select_related("workshop", "workshop__base", "workshop__origin_case")
            .prefetch_related("authors", Prefetch("workshop__tags", Tag.objects.order_by("slug")))
            .get(pk=pk)
        )
    except Report.DoesNotExist:
        raise Http404 from None


def can_edit_report(viewer: Viewer, workshop: Workshop) -> bool:
    """The workshop's hosts and staff write its report."""
    return viewer.is_authenticated and can_edit_workshop(viewer, workshop)


@dataclass(frozen=True)
class WorkshopReport:
    """What a workshop page shows about its report."""

    workshop: Workshop
    report: Report | None
    can_edit: bool

    @property
    def shown(self) -> bool:
        return self.report is not None or self.can_edit


def report_for_workshop(*, workshop: Workshop, viewer: Viewer) -> WorkshopReport:
    """The workshop's report if the viewer may read it, and whether they may write it."""
    can_edit = can_edit_report(viewer, workshop)
    report = reports_visible_to(viewer).filter(workshop_id=workshop.pk).first()
    return WorkshopReport(workshop=workshop, report=report, can_edit=can_edit)


# --- notes --------------------------------------------------------------------------------------


def notes_visible_to(viewer: Viewer) -> QuerySet[Note]:
    notes = Note.objects.all()
    if viewer.is_staff:
        return notes
    visible = Q(visibility=Visibility.PUBLIC)
    if viewer.is_member:
        visible |= Q(visibility=Visibility.MEMBERS)
    if viewer.person is not None:
        visible |= Q(author_id=viewer.person.pk)
    return notes.filter(visible)


def notes_with_card(notes: QuerySet[Note]) -> QuerySet[Note]:
    return notes.select_related("author", "author__organisation").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("slug"))
    )


def note_for_viewer(viewer: Viewer, pk: int) -> Note:
    try:
        return (
            notes_with_card(notes_visible_to(viewer))
            .prefetch_related(Prefetch("workshops", workshops_visible_to(viewer).order_by("pk")))
            .get(pk=pk)
        )
    except Note.DoesNotExist:
        raise Http404 from None


def can_edit_note(viewer: Viewer, note: Note) -> bool:
    if viewer.is_staff:
        return True
    return (
        viewer.is_member
        and viewer.person is not None
        and note.author_id is not None
        and note.author_id == viewer.person.pk
    )


# --- outcomes -----------------------------------------------------------------------------------


def outcomes_visible_to(viewer: Viewer) -> QuerySet[Outcome]:
    if not viewer.is_member:
        return Outcome.objects.none()
    return Outcome.objects.all()


def outcomes_with_card(outcomes: QuerySet[Outcome]) -> QuerySet[Outcome]:
    """What an outcome card shows besides its own fields: the organisations involved."""
    return outcomes.prefetch_related(
        Prefetch("organisations", queryset=Organisation.objects.order_by("name"))
    )


# --- search -------------------------------------------------------------------------------------


def documents_visible_to(viewer: Viewer) -> QuerySet[SearchDocument]:
    return SearchDocument.objects.filter(
        Q(report__in=reports_visible_to(viewer).values("pk"))
        | Q(note__in=notes_visible_to(viewer).values("pk"))
    )


# The filter choices cost a few queries over every visible document: they are kept per
# viewer for a while, and forgotten by every write to the search documents.
FACETS_GENERATION_KEY = "knowledge:facets:generation"
FACETS_TIMEOUT = 600


def search_facets_forget() -> None:
    """Make every viewer's filter choices be computed again: now, and once more after
    commit (a page computed meanwhile from the old rows is not kept)."""
    _facets_next_generation()
    transaction.on_commit(_facets_next_generation)


def _facets_next_generation() -> None:
    try:
        cache.incr(FACETS_GENERATION_KEY)
    except ValueError:  # not in the cache (first write, or evicted)
        cache.set(FACETS_GENERATION_KEY, 1, None)


def search_facets(viewer: Viewer) -> dict[str, list]:
    """The choices the search filters offer: tags, organisations and years in use."""
    generation = cache.get_or_set(FACETS_GENERATION_KEY, 1, None)
    who = viewer.user.pk if viewer.is_authenticated and viewer.user is not None else "visitor"
    key = f"knowledge:facets:{generation}:{who}"
    facets = cache.get(key)
    if facets is None:
        facets = _search_facets(viewer)
        cache.set(key, facets, FACETS_TIMEOUT)
    return facets


def _search_facets(viewer: Viewer) -> dict[str, list]:
    documents = documents_visible_to(viewer)
    tag_ids = SearchDocument.tags.through.objects.filter(
        searchdocument_id__in=documents.values("pk")
    ).values("tag_id")
    organisation_ids = SearchDocument.organisations.through.objects.filter(
        searchdocument_id__in=documents.values("pk")
    ).values("organisation_id")
    return {
        "tags": list(Tag.objects.filter(pk__in=tag_ids).order_by("label_en")),
        "organisations": list(
            Organisation.objects.filter(pk__in=organisation_ids).order_by("name")
        ),
        "years": list(documents.order_by("-year").values_list("year", flat=True).distinct()),
    }


# --- the case chain ------------------------------------------------------------------------------


@dataclass
class ChainLink:
    """One workshop in a case's chain, with its report, outcomes and follow-ups."""

    workshop: Workshop
    report: Report | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    follow_ups: list[ChainLink] = field(default_factory=list)


@dataclass
class CaseChain:
    case: Case
    workshops: list[ChainLink]
    outcomes: list[Outcome]

    @property
    def is_empty(self) -> bool:
        return not self.workshops and not self.outcomes


def case_chain(*, case: Case, viewer: Viewer) -> CaseChain:
    """case -> workshops -> follow-ups -> outcomes (+ reports), as far as the viewer may see.

    One query per level of follow-ups (at most CHAIN_MAX_DEPTH), then one for the
    reports (their titles only) and one for the outcomes.
    """
    if not workshop_shows_origin_case(viewer, case):
        # An anonymised case's workshops and outcomes (their hosts, the organisations
        # involved) are listed only to those who may see who brought it.
        return CaseChain(case=case, workshops=[], outcomes=[])
    visible = workshops_visible_to(viewer).order_by("starts_at", "pk")
    links: dict[int, ChainLink] = {}
    roots = [ChainLink(workshop=w) for w in visible.filter(origin_case_id=case.pk)]
    level = roots
    for _depth in range(CHAIN_MAX_DEPTH):
        for link in level:
            links[link.workshop.pk] = link
        if not level:
            break
        parents = [link.workshop.pk for link in level]
        children = [
            ChainLink(workshop=w)
            for w in visible.filter(parent_id__in=parents).exclude(pk__in=list(links))
        ]
        for child in children:
            links[child.workshop.parent_id].follow_ups.append(child)  # type: ignore[index]
        level = children
    for link in level:
        links.setdefault(link.workshop.pk, link)
    if links:
        reports = reports_visible_to(viewer).filter(workshop_id__in=list(links))
        for report in reports.only("pk", "workshop_id", "title"):
            links[report.workshop_id].report = report
    case_outcomes: list[Outcome] = []
    outcomes = outcomes_visible_to(viewer).filter(
        Q(case_id=case.pk) | Q(workshop_id__in=list(links))
    )
    for outcome in outcomes.order_by("date", "pk"):
        if outcome.workshop_id in links:
            links[outcome.workshop_id].outcomes.append(outcome)
        else:
            case_outcomes.append(outcome)
    return CaseChain(case=case, workshops=roots, outcomes=case_outcomes)
