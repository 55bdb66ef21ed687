"""Every change to a benchathon: creation, grid, items, assignment, evaluations, publication.

Who may act is checked here (organisers: the workshop's hosts and staff; an
evaluation: its evaluator), then each function validates and writes inside one
transaction. Publishing goes through `knowledge.services`, so the report is
indexed and its readers decided there, as for any workshop report.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnon.accounts.models import User
from compagnon.benchathons.assignment import AssignmentImpossible, Evaluator, assignment_plan
from compagnon.benchathons.charts import heatmap_svg
from compagnon.benchathons.models import (
    Benchathon,
    BenchathonStatus,
    Criterion,
    Evaluation,
    Grid,
    Item,
    Scale,
    Score,
)
from compagnon.benchathons.report import report_sections
from compagnon.benchathons.selectors import (
    benchathon_results,
    can_manage_benchathon,
    criteria_of,
    evidence_links_of,
    grid_is_locked,
    items_of,
    participants_of,
)
from compagnon.knowledge.models import Report
from compagnon.knowledge.services import report_publish, report_save
from compagnon.members.selectors import viewer_for
from compagnon.workshops.models import Workshop
from compagnon.workshops.selectors import can_edit_workshop

# Tests switch the assignment lock off to show the race it prevents, and widen the
# window between reading who evaluates what and writing the new evaluations.
LOCK_ASSIGNMENT = True
RACE_WINDOW_SECONDS = 0.0


def _require_organiser(*, benchathon: Benchathon, actor: User) -> None:
    if not can_manage_benchathon(viewer_for(actor), benchathon):
        raise PermissionDenied(_("Only the workshop's hosts and the club's staff run it."))


def _refuse_when_published(benchathon: Benchathon) -> None:
    if benchathon.status == BenchathonStatus.PUBLISHED:
        raise ValidationError(_("The report is published: the benchathon is closed to changes."))


def _lock(benchathon: Benchathon) -> Benchathon:
    return Benchathon.objects.select_for_update().select_related("workshop").get(pk=benchathon.pk)


# --- creation and the grid ----------------------------------------------------------------------


def _copy_criteria(*, source: Grid, target: Grid) -> None:
    Criterion.objects.bulk_create(
        Criterion(
            grid=target,
            position=criterion.position,
            name=criterion.name,
            description=criterion.description,
            scale=criterion.scale,
            unit=criterion.unit,
            weight=criterion.weight,
        )
        for criterion in source.criteria.order_by("position", "pk")
    )


def benchathon_create(
    *,
    workshop: Workshop,
    actor: User,
    goal: str = "",
    evaluators_per_item: int = 2,
    grid_source: Grid | None = None,
) -> Benchathon:
    """Make the workshop a benchathon, its grid empty or copied from a past one."""
    if not can_edit_workshop(viewer_for(actor), workshop):
        raise PermissionDenied(_("Only the workshop's hosts and the club's staff run it."))
    with transaction.atomic():
        # Two hosts clicking at once: the second finds the first one's benchathon.
        Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
        if Benchathon.objects.filter(workshop=workshop).exists():
            raise ValidationError(_("This workshop is already a benchathon."))
        grid = Grid.objects.create(
            title=_("Grid of “%(title)s”") % {"title": workshop.title}, copied_from=grid_source
        )
        if grid_source is not None:
            _copy_criteria(source=grid_source, target=grid)
        benchathon = Benchathon(
            workshop=workshop,
            grid=grid,
            goal=goal,
            evaluators_per_item=evaluators_per_item,
            created_by=actor,
        )
        benchathon.full_clean()
        benchathon.save()
    return benchathon


def _require_open_grid(benchathon: Benchathon) -> None:
    _refuse_when_published(benchathon)
    if grid_is_locked(benchathon):
        raise ValidationError(
            _(
                "Evaluations have started: the grid can no longer change, "
                "since the answers refer to its criteria."
            )
        )


def grid_copy(*, benchathon: Benchathon, source: Grid, actor: User) -> Benchathon:
    """Replace the grid's criteria by a copy of another grid's."""
    _require_organiser(benchathon=benchathon, actor=actor)
    with transaction.atomic():
        benchathon = _lock(benchathon)
        _require_open_grid(benchathon)
        if source.pk == benchathon.grid_id:
            raise ValidationError(_("Choose another benchathon's grid."))
        benchathon.grid.criteria.all().delete()
        _copy_criteria(source=source, target=benchathon.grid)
        benchathon.grid.copied_from = source
        benchathon.grid.save(update_fields=["copied_from"])
    return benchathon


def criterion_add(
    *,
    benchathon: Benchathon,
    actor: User,
    name: str,
    scale: str,
    description: str = "",
    unit: str = "",
    weight: Decimal | int | float = 1,
) -> Criterion:
    _require_organiser(benchathon=benchathon, actor=actor)
    with transaction.atomic():
        benchathon = _lock(benchathon)
        _require_open_grid(benchathon)
        name = name.strip()
        if Criterion.objects.filter(grid_id=benchathon.grid_id, name__iexact=name).exists():
            raise ValidationError({"name": _("The grid already has a criterion of that name.")})
        if scale != Scale.NUMBER:
            unit = ""
        last = Criterion.objects.filter(grid_id=benchathon.grid_id).order_by("-position").first()
        criterion = Criterion(
            grid_id=benchathon.grid_id,
            position=(last.position + 1) if last else 1,
            name=name,
            description=description.strip(),
            scale=scale,
            unit=unit.strip(),
            weight=Decimal(str(weight)),
        )
        criterion.full_clean()
        criterion.save()
    return criterion


def criterion_delete(*, criterion: Criterion, actor: User) -> None:
    benchathon = Benchathon.objects.get(grid_id=criterion.grid_id)
    _require_organiser(benchathon=benchathon, actor=actor)
    with transaction.atomic():
        benchathon = _lock(benchathon)
        _require_open_grid(benchathon)
        criterion.delete()


# --- items --------------------------------------------------------------------------------------


def item_add(
    *, benchathon: Benchathon, actor: User, name: str, url: str = "", version: str = ""
) -> Item:
    _require_organiser(benchathon=benchathon, actor=actor)
    with transaction.atomic():
        benchathon = _lock(benchathon)
        _refuse_when_published(benchathon)
        name, version = name.strip(), version.strip()
        if Item.objects.filter(
            benchathon=benchathon, name__iexact=name, version__iexact=version
        ).exists():
            raise ValidationError({"name": _("This item is already on the list.")})
        item = Item(benchathon=benchathon, name=name, url=url.strip(), version=version)
        item.full_clean()
        item.save()
    return item


def item_delete(*, item: Item, actor: User) -> None:
    _require_organiser(benchathon=item.benchathon, actor=actor)
    with transaction.atomic():
        _refuse_when_published(_lock(item.benchathon))
        if Score.objects.filter(evaluation__item=item).exists():
            raise ValidationError(
                _("This item has answers already: it stays, so that no evaluation is lost.")
            )
        item.delete()


# --- assignment ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentOutcome:
    created: int
    single_organisation_items: list[Item]


def evaluations_assign(
    *, benchathon: Benchathon, actor: User, per_item: int | None = None
) -> AssignmentOutcome:
    """Give every item `per_item` evaluators among the confirmed participants, balanced.

    Idempotent: evaluations that exist are kept and counted; only the missing are made.
    """
    _require_organiser(benchathon=benchathon, actor=actor)
    with transaction.atomic():
        # Two organisers assigning at once would both top the same items up: the
        # second would then fail on the unique (item, evaluator) pair, or overload people.
        if LOCK_ASSIGNMENT:
            benchathon = _lock(benchathon)
        else:
            benchathon = Benchathon.objects.select_related("workshop").get(pk=benchathon.pk)
        _refuse_when_published(benchathon)
        if per_item is not None:
            if per_item < 2:
                raise ValidationError(
                    {"evaluators_per_item": _("Each item needs at least two evaluators.")}
                )
            benchathon.evaluators_per_item = per_item
            benchathon.save(update_fields=["evaluators_per_item"])
        if not Criterion.objects.filter(grid_id=benchathon.grid_id).exists():
            raise ValidationError(_("Add the grid's criteria first."))
        items = items_of(benchathon)
        people = participants_of(benchathon.workshop)
        existing = Evaluation.objects.filter(item__benchathon=benchathon).values_list(
            "item_id", "evaluator_id"
        )
        try:
            plan = assignment_plan(
                item_ids=[item.pk for item in items],
                evaluators=[Evaluator(person.pk, person.organisation_id) for person in people],
                per_item=benchathon.evaluators_per_item,
                existing=list(existing),
            )
        except AssignmentImpossible as refusal:
            raise ValidationError(str(refusal)) from None
        if RACE_WINDOW_SECONDS:
            time.sleep(RACE_WINDOW_SECONDS)
        Evaluation.objects.bulk_create(
            Evaluation(item_id=item_id, evaluator_id=person_id, assigned_by=actor)
            for item_id, person_id in plan.new
        )
        if plan.new and benchathon.status == BenchathonStatus.PREPARING:
            benchathon.status = BenchathonStatus.EVALUATING
            benchathon.save(update_fields=["status"])
    by_id = {item.pk: item for item in items}
    return AssignmentOutcome(
        created=len(plan.new),
        single_organisation_items=[by_id[pk] for pk in plan.single_organisation_items],
    )


# --- evaluations --------------------------------------------------------------------------------


def _parse_answer(criterion: Criterion, raw: Any) -> tuple[float | None, str]:
    """The (number, text) stored for one answer; raises ValidationError with a readable message."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    if criterion.scale == Scale.TEXT:
        return None, str(raw).strip()
    if criterion.scale == Scale.YES_NO:
        if raw in (True, "yes", "1", 1):
            return 1.0, ""
        if raw in (False, "no", "0", 0):
            return 0.0, ""
        raise ValidationError(_("%(name)s: answer yes or no.") % {"name": criterion.name})
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise ValidationError(
            _("%(name)s: “%(value)s” is not a number.") % {"name": criterion.name, "value": raw}
        ) from None
    if not math.isfinite(number):
        raise ValidationError(_("%(name)s: give a finite number.") % {"name": criterion.name})
    if criterion.scale == Scale.ONE_TO_FIVE and (number != int(number) or not 1 <= number <= 5):
        raise ValidationError(
            _("%(name)s: give a whole mark from 1 to 5.") % {"name": criterion.name}
        )
    return number, ""


def _clean_evidence(evidence: str) -> str:
    validate = URLValidator(schemes=["http", "https"])
    lines = [line.strip() for line in evidence.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        try:
            validate(line)
        except ValidationError:
            raise ValidationError(
                {
                    "evidence": _(
                        "Line %(number)d is not a web link (http:// or https://): %(line)s"
                    )
                    % {"number": number, "line": line[:80]}
                }
            ) from None
    return "\n".join(lines)


def evaluation_save(
    *,
    evaluation: Evaluation,
    actor: User,
    answers: Mapping[int, Any],
    evidence: str = "",
    notes: str = "",
    submit: bool = False,
) -> Evaluation:
    """Record the evaluator's answers (keyed by criterion id); `submit` needs every mark.

    A submitted evaluation may still be corrected until the report is published.
    """
    person = viewer_for(actor).person
    if person is None or person.pk != evaluation.evaluator_id:
        raise PermissionDenied(_("Only its evaluator fills in an evaluation."))
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        benchathon = Benchathon.objects.get(pk=evaluation.item.benchathon_id)
        _refuse_when_published(benchathon)
        criteria = criteria_of(benchathon)
        errors: list[ValidationError] = []
        parsed: dict[int, tuple[float | None, str]] = {}
        for criterion in criteria:
            try:
                parsed[criterion.pk] = _parse_answer(criterion, answers.get(criterion.pk))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        if submit:
            missing = [
                criterion.name
                for criterion in criteria
                if criterion.scale != Scale.TEXT and parsed[criterion.pk][0] is None
            ]
            if missing:
                raise ValidationError(
                    _(
                        "To submit, answer every criterion (free text may stay empty). Missing: %(names)s."
                    )
                    % {"names": ", ".join(missing)}
                )
        evaluation.evidence = _clean_evidence(evidence)
        evaluation.notes = notes.strip()
        if submit and evaluation.submitted_at is None:
            evaluation.submitted_at = timezone.now()
        evaluation.full_clean()
        evaluation.save()
        Score.objects.filter(evaluation=evaluation).delete()
        Score.objects.bulk_create(
            Score(evaluation=evaluation, criterion_id=criterion_id, number=number, text=text)
            for criterion_id, (number, text) in parsed.items()
            if number is not None or text
        )
    return evaluation


# --- publication --------------------------------------------------------------------------------


def benchathon_publish(
    *, benchathon: Benchathon, actor: User, visibility: str | None = None
) -> Report:
    """One click: the grid, the table, the heatmap and the code links become the workshop's report.

    Writes the report's generated sections through `knowledge.services` (the sections the
    hosts wrote by hand are kept), publishes it, and keeps a snapshot of the heatmap.
    """
    _require_organiser(benchathon=benchathon, actor=actor)
    with transaction.atomic():
        benchathon = _lock(benchathon)
        if not Evaluation.objects.filter(
            item__benchathon=benchathon, submitted_at__isnull=False
        ).exists():
            raise ValidationError(_("No evaluation is submitted yet: there is nothing to publish."))
        criteria = criteria_of(benchathon)
        items = items_of(benchathon)
        results = benchathon_results(benchathon, criteria=criteria, items=items)
        svg = heatmap_svg(results, items)
        sections = report_sections(
            benchathon=benchathon,
            results=results,
            criteria=criteria,
            items=items,
            evidence=evidence_links_of(benchathon),
            with_chart=bool(svg),
        )
        title = _("Benchathon: %(title)s") % {"title": benchathon.workshop.title}
        report = Report.objects.filter(workshop=benchathon.workshop).first()
        if report is not None:
            title = report.title
        report = report_save(workshop=benchathon.workshop, actor=actor, title=title, **sections)
        report = report_publish(report=report, actor=actor, visibility=visibility)
        benchathon.report_chart_svg = svg
        benchathon.status = BenchathonStatus.PUBLISHED
        benchathon.published_at = timezone.now()
        benchathon.save(update_fields=["report_chart_svg", "status", "published_at"])
    return report


def benchathon_reopen(*, benchathon: Benchathon, actor: User) -> Benchathon:
    """Back to evaluating, to correct something; the report stays as published until the next click."""
    _require_organiser(benchathon=benchathon, actor=actor)
    with transaction.atomic():
        benchathon = _lock(benchathon)
        if benchathon.status == BenchathonStatus.PUBLISHED:
            benchathon.status = BenchathonStatus.EVALUATING
            benchathon.save(update_fields=["status"])
    return benchathon
