"""Reads about benchathons, and the one place deciding who sees and does what.

- A benchathon is seen by whoever sees its workshop (`workshops_visible_to`).
- Its organisers are the workshop's hosts and the club's staff
  (`can_edit_workshop`): they set the grid and the items, assign, publish.
- Its participants are the people with at least one evaluation in it: they fill
  in their own evaluations, and follow the board and the results with the
  organisers. An evaluation is opened by its evaluator and the organisers only.
- The chart published with the report is read by whoever reads the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from compagnon.benchathons.aggregation import CriterionSpec, Results, aggregate_split
from compagnon.benchathons.models import Benchathon, Criterion, Evaluation, Grid, Item, Score
from compagnon.knowledge.models import Report
from compagnon.knowledge.selectors import reports_visible_to
from compagnon.members.models import Person
from compagnon.members.selectors import Viewer
from compagnon.workshops.models import RegistrationStatus, Workshop
from compagnon.workshops.selectors import can_edit_workshop, workshops_visible_to


def benchathons_visible_to(viewer: Viewer) -> QuerySet[Benchathon]:
    return Benchathon.objects.filter(workshop__in=workshops_visible_to(viewer).values("pk"))


def benchathon_for_viewer(viewer: Viewer, pk: int) -> Benchathon:
    benchathon = (
        benchathons_visible_to(viewer).select_related("workshop", "grid").filter(pk=pk).first()
    )
    if benchathon is None:
        raise Http404
    return benchathon


def benchathon_for_workshop(*, workshop: Workshop) -> Benchathon | None:
    return Benchathon.objects.filter(workshop=workshop).first()


def can_manage_benchathon(viewer: Viewer, benchathon: Benchathon) -> bool:
    return viewer.is_authenticated and can_edit_workshop(viewer, benchathon.workshop)


def is_participant(viewer: Viewer, benchathon: Benchathon) -> bool:
    if viewer.person is None:
        return False
    return Evaluation.objects.filter(item__benchathon=benchathon, evaluator=viewer.person).exists()


def can_follow_benchathon(viewer: Viewer, benchathon: Benchathon) -> bool:
    """The board and the results: organisers and participants."""
    return can_manage_benchathon(viewer, benchathon) or is_participant(viewer, benchathon)


def evaluation_for_viewer(viewer: Viewer, pk: int) -> Evaluation:
    """The viewer's own evaluation, or any of a benchathon they organise; else 404."""
    evaluation = (
        Evaluation.objects.select_related(
            "item__benchathon__workshop", "item__benchathon__grid", "evaluator"
        )
        .filter(pk=pk)
        .first()
    )
    if evaluation is None:
        raise Http404
    own = viewer.person is not None and evaluation.evaluator_id == viewer.person.pk
    if not (own or can_manage_benchathon(viewer, evaluation.item.benchathon)):
        raise Http404
    return evaluation


def criteria_of(benchathon: Benchathon) -> list[Criterion]:
    return list(Criterion.objects.filter(grid_id=benchathon.grid_id).order_by("position", "pk"))


def items_of(benchathon: Benchathon) -> list[Item]:
    return list(Item.objects.filter(benchathon=benchathon).order_by("name", "pk"))


def grids_to_copy(*, exclude: Grid | None = None) -> QuerySet[Grid]:
    """Grids of past benchathons that have criteria: the templates a new grid starts from."""
    grids = (
        Grid.objects.filter(benchathon__isnull=False)
        .annotate(criteria_count=Count("criteria"))
        .filter(criteria_count__gt=0)
        .select_related("benchathon__workshop")
        .order_by("-created_at", "-pk")
    )
    if exclude is not None:
        grids = grids.exclude(pk=exclude.pk)
    return grids


def grid_is_locked(benchathon: Benchathon) -> bool:
    """Once an answer is recorded, the criteria stay as they are (the answers refer to them)."""
    return Score.objects.filter(evaluation__item__benchathon=benchathon).exists()


def participants_of(workshop: Workshop) -> list[Person]:
    """The workshop's confirmed participants: the people a benchathon's items go to."""
    return list(
        Person.objects.filter(
            workshop_registrations__workshop=workshop,
            workshop_registrations__status=RegistrationStatus.CONFIRMED,
        )
        .select_related("organisation")
        .order_by("pk")
    )


def my_evaluations(viewer: Viewer, benchathon: Benchathon) -> list[Evaluation]:
    if viewer.person is None:
        return []
    return list(
        Evaluation.objects.filter(item__benchathon=benchathon, evaluator=viewer.person)
        .select_related("item")
        .order_by("item__name", "pk")
    )


# --- the board ----------------------------------------------------------------------------------


@dataclass
class ItemProgress:
    item: Item
    evaluations: list[Evaluation]

    @property
    def submitted(self) -> int:
        return sum(1 for evaluation in self.evaluations if evaluation.is_submitted)

    @property
    def organisations(self) -> int:
        return len({evaluation.evaluator.organisation_id for evaluation in self.evaluations})


@dataclass
class Board:
    items: list[ItemProgress] = field(default_factory=list)

    @property
    def assigned(self) -> int:
        return sum(len(row.evaluations) for row in self.items)

    @property
    def submitted(self) -> int:
        return sum(row.submitted for row in self.items)

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


def progress_board(benchathon: Benchathon) -> Board:
    """Who evaluates what, and what is submitted: three queries whatever the size."""
    evaluations = Evaluation.objects.select_related("evaluator__organisation").order_by(
        "evaluator__last_name", "evaluator__first_name", "pk"
    )
    items = (
        Item.objects.filter(benchathon=benchathon)
        .prefetch_related(Prefetch("evaluations", queryset=evaluations))
        .order_by("name", "pk")
    )
    return Board(items=[ItemProgress(item, list(item.evaluations.all())) for item in items])


# --- the results --------------------------------------------------------------------------------


def criterion_specs(criteria: list[Criterion]) -> list[CriterionSpec]:
    return [
        CriterionSpec(
            id=criterion.pk,
            name=criterion.name,
            scale=criterion.scale,
            weight=float(criterion.weight),
            unit=criterion.unit,
        )
        for criterion in criteria
    ]


def benchathon_results(
    benchathon: Benchathon, *, criteria: list[Criterion], items: list[Item]
) -> Results:
    """The aggregation of the submitted evaluations (drafts do not count).

    Numbers and texts are read apart, so that the numbers go to numpy in one conversion.
    """
    submitted = Score.objects.filter(
        evaluation__item__benchathon=benchathon, evaluation__submitted_at__isnull=False
    )
    numbers = submitted.filter(number__isnull=False).values_list(
        "evaluation__item_id", "criterion_id", "number"
    )
    texts = submitted.filter(number__isnull=True).values_list(
        "evaluation__item_id", "criterion_id", "text"
    )
    return aggregate_split(
        item_ids=[item.pk for item in items],
        criteria=criterion_specs(criteria),
        # Filtered on `number IS NOT NULL`: every number is a float here.
        numbers=cast(list[tuple[int, int, float]], list(numbers)),
        texts=texts,
    )


def evidence_links_of(benchathon: Benchathon) -> list[tuple[Item, list[str]]]:
    """The evidence of the submitted evaluations, per item, without repeats."""
    rows = (
        Evaluation.objects.filter(item__benchathon=benchathon, submitted_at__isnull=False)
        .exclude(evidence="")
        .select_related("item")
        .order_by("item__name", "pk")
    )
    links: dict[int, tuple[Item, list[str]]] = {}
    for evaluation in rows:
        _item, seen = links.setdefault(evaluation.item_id, (evaluation.item, []))
        seen.extend(link for link in evaluation.evidence_links if link not in seen)
    return list(links.values())


def report_of(benchathon: Benchathon) -> Report | None:
    return Report.objects.filter(workshop_id=benchathon.workshop_id).first()


def published_chart_for_viewer(viewer: Viewer, pk: int) -> Benchathon:
    """The benchathon whose published chart the viewer may see (with its report); else 404."""
    benchathon = Benchathon.objects.select_related("workshop").filter(pk=pk).first()
    if benchathon is None or not benchathon.report_chart_svg:
        raise Http404
    if can_manage_benchathon(viewer, benchathon):
        return benchathon
    if not reports_visible_to(viewer).filter(workshop_id=benchathon.workshop_id).exists():
        raise Http404
    return benchathon


def benchathons_listed(viewer: Viewer) -> QuerySet[Benchathon]:
    return (
        benchathons_visible_to(viewer)
        .select_related("workshop")
        .annotate(
            item_count=Count("items", distinct=True),
            submitted_count=Count(
                "items__evaluations",
                filter=Q(items__evaluations__submitted_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-workshop__starts_at", "-pk")
    )


@dataclass(frozen=True)
class WorkshopBenchathonCard:
    """What a workshop page says about its benchathon: a link, or an offer to start one."""

    workshop: Workshop
    benchathon: Benchathon | None
    can_start: bool

    @property
    def shown(self) -> bool:
        return self.benchathon is not None or self.can_start


def benchathon_card_for(*, workshop: Workshop, can_edit: bool) -> WorkshopBenchathonCard:
    benchathon = benchathon_for_workshop(workshop=workshop)
    return WorkshopBenchathonCard(
        workshop=workshop, benchathon=benchathon, can_start=benchathon is None and can_edit
    )
