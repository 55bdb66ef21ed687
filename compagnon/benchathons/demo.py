"""The demo benchathon: five open-source fairness libraries on the club's grid, report published.

Idempotent by the workshop's title. Nine participants from several organisations
(the demo's data scientist among them, so the login finds their evaluations), the
issue's grid, the assignment made by the real planner, marks drawn from a fixed
profile per library (with two honest disagreements), then one click on "Publish as
report" by the staff animator, through the services.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from compagnon.accounts.models import User
from compagnon.benchathons import services
from compagnon.benchathons.assignment import Evaluator, assignment_plan
from compagnon.benchathons.models import Benchathon, Evaluation, Item, Scale, Score
from compagnon.knowledge.models import Visibility
from compagnon.members.models import Person
from compagnon.workshops.models import (
    Attendance,
    Audience,
    Registration,
    RegistrationStatus,
    Session,
    Workshop,
    WorkshopFormat,
    WorkshopStatus,
)

TITLE = "Benchathon équité : cinq bibliothèques open source au banc d'essai"
HOST_EMAIL = "chercheuse@example.org"
LOGIN_EMAIL = "data.scientist@accor.example.org"
PARTICIPANTS = 9

GRID = [
    ("Facilité d'installation", Scale.ONE_TO_FIVE, "pip install dans un environnement neuf", 1),
    ("Utilisabilité", Scale.ONE_TO_FIVE, "Prise en main sur le jeu de crédit du club", 1),
    ("Documentation", Scale.ONE_TO_FIVE, "Guides, exemples, référence d'API", 1),
    ("Complétude", Scale.ONE_TO_FIVE, "Métriques et méthodes de mitigation couvertes", 2),
    ("Fiabilité", Scale.ONE_TO_FIVE, "Résultats reproductibles, tests, versions stables", 2),
    ("Communauté", Scale.ONE_TO_FIVE, "Activité, mainteneurs, réponses aux tickets", 1),
    ("L'utiliseriez-vous dans un vrai projet ?", Scale.YES_NO, "", 2),
    ("Faiblesses", Scale.TEXT, "Ce qui a manqué ou gêné", 0),
]

# name, version, link, marks on the six 1-5 criteria, would use, weakness
LIBRARIES = [
    (
        "Fairlearn",
        "0.10.0",
        "https://github.com/fairlearn/fairlearn",
        (5, 4, 4, 4, 4, 4),
        True,
        "Peu de méthodes de pré-traitement.",
    ),
    (
        "AI Fairness 360",
        "0.6.1",
        "https://github.com/Trusted-AI/AIF360",
        (2, 3, 4, 5, 3, 3),
        True,
        "Installation lourde (dépendances optionnelles, TensorFlow).",
    ),
    (
        "Aequitas",
        "1.0.0",
        "https://github.com/dssg/aequitas",
        (4, 4, 3, 3, 4, 3),
        True,
        "Centré sur l'audit : peu de mitigation.",
    ),
    (
        "What-If Tool",
        "1.8.1",
        "https://github.com/PAIR-code/what-if-tool",
        (3, 4, 3, 2, 3, 2),
        False,
        "Lié à TensorBoard et aux notebooks ; développement ralenti.",
    ),
    (
        "themis-ml",
        "0.0.4",
        "https://github.com/cosmicBboy/themis-ml",
        (4, 2, 2, 2, 2, 1),
        False,
        "Projet peu maintenu, API datée.",
    ),
]
# Two disagreements the report shows: (library, criterion index, evaluator rank, shift).
DISAGREEMENTS = {("AI Fairness 360", 0, 1): 2, ("What-If Tool", 1, 1): -2}


def _participants(host: Person | None) -> list[Person]:
    """Nine people from as many organisations as possible, the demo login first."""
    people = list(
        Person.objects.filter(organisation__isnull=False, left_organisation_on__isnull=True)
        .exclude(pk=host.pk if host else None)
        .select_related("organisation")
        .order_by(F("user").asc(nulls_last=True), "pk")[:200]
    )
    login = next((person for person in people if person.email == LOGIN_EMAIL), None)
    chosen: list[Person] = [login] if login else []
    organisations = {person.organisation_id for person in chosen}
    # One per organisation first, then anyone, until nine.
    for person in people:
        if len(chosen) >= PARTICIPANTS:
            break
        if person not in chosen and person.organisation_id not in organisations:
            chosen.append(person)
            organisations.add(person.organisation_id)
    for person in people:
        if len(chosen) >= PARTICIPANTS:
            break
        if person not in chosen:
            chosen.append(person)
    return chosen


def _workshop(host: Person | None, people: list[Person]) -> Workshop:
    now = timezone.now()
    starts = (now - timedelta(days=40)).replace(hour=8, minute=0, second=0, microsecond=0)
    workshop = Workshop.objects.create(
        title=TITLE,
        summary=(
            "Une journée mi-benchmark, mi-hackathon : des membres de plusieurs organisations "
            "comparent cinq bibliothèques d'équité algorithmique sur une grille commune, "
            "preuves à l'appui, puis publient ensemble un rapport comparatif et le code."
        ),
        format=WorkshopFormat.ONE_DAY,
        audience=Audience.MEMBERS,
        language="fr",
        status=WorkshopStatus.DONE,
        onsite_seats=20,
        published_at=now - timedelta(days=70),
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
    )
    Session.objects.create(workshop=workshop, starts_at=starts, ends_at=starts + timedelta(hours=8))
    if host is not None:
        workshop.hosts.set([host])
    for index, person in enumerate(people):
        queued = now - timedelta(days=60, hours=-index)
        Registration.objects.create(
            workshop=workshop,
            person=person,
            organisation=person.organisation,
            status=RegistrationStatus.CONFIRMED,
            queued_at=queued,
            confirmed_at=queued,
            attendance=Attendance.PRESENT,
        )
    return workshop


def _fill(benchathon: Benchathon, people: list[Person], staff: User) -> None:
    items = {item.name: item for item in Item.objects.filter(benchathon=benchathon)}
    plan = assignment_plan(
        item_ids=[items[name].pk for name, *_rest in LIBRARIES],
        evaluators=[Evaluator(person.pk, person.organisation_id) for person in people],
        per_item=benchathon.evaluators_per_item,
    )
    submitted = timezone.now() - timedelta(days=39)
    Evaluation.objects.bulk_create(
        Evaluation(
            item_id=item_id, evaluator_id=person_id, assigned_by=staff, submitted_at=submitted
        )
        for item_id, person_id in plan.new
    )
    criteria = list(benchathon.grid.criteria.order_by("position"))
    marks = [criterion for criterion in criteria if criterion.scale == Scale.ONE_TO_FIVE]
    use = next(criterion for criterion in criteria if criterion.scale == Scale.YES_NO)
    weakness = next(criterion for criterion in criteria if criterion.scale == Scale.TEXT)
    scores = []
    for name, _version, url, profile, would_use, weak in LIBRARIES:
        evaluations = Evaluation.objects.filter(item=items[name]).order_by("pk")
        for rank, evaluation in enumerate(evaluations):
            evaluation.evidence = f"{url}\nhttps://git.example.org/club/benchathon-equite/{name.lower().replace(' ', '-')}.ipynb"
            evaluation.notes = "Évalué sur le jeu de crédit synthétique du club."
            evaluation.save(update_fields=["evidence", "notes"])
            for index, criterion in enumerate(marks):
                shift = DISAGREEMENTS.get((name, index, rank), 0) if rank else 0
                mark = min(5, max(1, profile[index] + shift - (rank % 2 if index == 5 else 0)))
                scores.append(Score(evaluation=evaluation, criterion=criterion, number=mark))
            scores.append(Score(evaluation=evaluation, criterion=use, number=float(would_use)))
            if rank == 0:
                scores.append(Score(evaluation=evaluation, criterion=weakness, text=weak))
    Score.objects.bulk_create(scores)


def demo_benchathons_load() -> int:
    """Create the demo benchathon unless it exists; return how many were created."""
    if Workshop.objects.filter(title=TITLE).exists():
        return 0
    staff = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    if staff is None:
        return 0
    host = Person.objects.filter(email=HOST_EMAIL).first()
    with transaction.atomic():
        people = _participants(host)
        if len(people) < 2:
            return 0
        workshop = _workshop(host, people)
        benchathon = services.benchathon_create(
            workshop=workshop,
            actor=staff,
            goal=(
                "Quelle bibliothèque d'équité choisir pour auditer et corriger un modèle de "
                "crédit ? Chaque bibliothèque est évaluée par deux personnes d'organisations "
                "différentes, sur la même grille, avec leurs notebooks comme preuves."
            ),
        )
        for name, scale, description, weight in GRID:
            services.criterion_add(
                benchathon=benchathon,
                actor=staff,
                name=name,
                scale=scale,
                description=description,
                weight=weight,
            )
        for name, version, url, *_rest in LIBRARIES:
            services.item_add(
                benchathon=benchathon, actor=staff, name=name, url=url, version=version
            )
        _fill(benchathon, people, staff)
        services.benchathon_publish(
            benchathon=benchathon, actor=staff, visibility=Visibility.PUBLIC
        )
    return 1
