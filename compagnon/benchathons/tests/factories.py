"""Benchathons for the tests, built through the services."""

from __future__ import annotations

from django.utils import timezone

from compagnon.benchathons import services
from compagnon.benchathons.models import Benchathon, Evaluation, Scale
from compagnon.knowledge.tests.factories import make_workshop
from compagnon.members.models import Person
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory
from compagnon.workshops.models import Registration, RegistrationStatus, Workshop

# The issue's grid: six marks, a yes/no and the weaknesses as free text.
ISSUE_GRID = [
    ("Ease of installation", Scale.ONE_TO_FIVE, "", 1),
    ("Usability", Scale.ONE_TO_FIVE, "", 1),
    ("Documentation", Scale.ONE_TO_FIVE, "", 1),
    ("Completeness", Scale.ONE_TO_FIVE, "", 2),
    ("Reliability", Scale.ONE_TO_FIVE, "", 2),
    ("Community standing", Scale.ONE_TO_FIVE, "", 1),
    ("Would you use it in a real project?", Scale.YES_NO, "", 2),
    ("Weaknesses", Scale.TEXT, "", 0),
]


def register(workshop: Workshop, *people: Person) -> None:
    now = timezone.now()
    for person in people:
        Registration.objects.create(
            workshop=workshop,
            person=person,
            organisation=person.organisation,
            status=RegistrationStatus.CONFIRMED,
            queued_at=now,
            confirmed_at=now,
        )


def make_participants(count: int, organisations: int) -> list[Person]:
    orgs = [OrganisationFactory() for _ in range(organisations)]
    return [
        PersonFactory(organisation=orgs[index % organisations], with_account=True)
        for index in range(count)
    ]


def make_benchathon(
    *,
    host: Person,
    participants=(),
    grid=ISSUE_GRID,
    items=("Fairlearn", "AIF360"),
    workshop: Workshop | None = None,
    **workshop_fields,
) -> Benchathon:
    workshop = workshop or make_workshop(hosts=[host], **workshop_fields)
    register(workshop, *participants)
    benchathon = services.benchathon_create(workshop=workshop, actor=host.user)
    for name, scale, unit, weight in grid:
        services.criterion_add(
            benchathon=benchathon, actor=host.user, name=name, scale=scale, unit=unit, weight=weight
        )
    for name in items:
        services.item_add(
            benchathon=benchathon,
            actor=host.user,
            name=name,
            url=f"https://example.org/{name.replace(' ', '-')}",
        )
    return benchathon


def fill(evaluation: Evaluation, marks: dict[str, object], *, submit: bool = True, **fields):
    criteria = {c.name: c.pk for c in evaluation.item.benchathon.grid.criteria.all()}
    answers = {criteria[name]: value for name, value in marks.items()}
    return services.evaluation_save(
        evaluation=evaluation,
        actor=evaluation.evaluator.user,
        answers=answers,
        submit=submit,
        **fields,
    )


def full_marks(mark: int = 4, *, use: str = "yes", weakness: str = "") -> dict[str, object]:
    marks: dict[str, object] = {name: mark for name, scale, _u, _w in ISSUE_GRID if scale == "1_5"}
    marks["Would you use it in a real project?"] = use
    if weakness:
        marks["Weaknesses"] = weakness
    return marks
