"""The demo club's awards: the 26 June 2023 edition (seed 002) and its five categories.

"Five prizes went to the teams behind the most audacious, innovative and inclusive
projects, and the project most beneficial to society. The fifth went to the
company whose operations were best optimised by AI." The winning projects are
fictional, one per category, from the demo organisations when they are loaded; a
jury of three demo people scored them, so the board has something to show.
Idempotent by slug; written straight to the tables (no email leaves).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from compagnon.awards.models import (
    Application,
    ApplicationStatus,
    Category,
    Criterion,
    Decision,
    Edition,
    Eligibility,
    Juror,
    JurorStatus,
    Outcome,
    Review,
    Score,
)
from compagnon.members.models import Person

EDITION_SLUG = "awards-2023"

# (slug, name, description, for organisations, eligibility)
CATEGORIES = [
    (
        "audacieux",
        "Projet le plus audacieux",
        "Le pari le plus osé : un problème que personne n'osait attaquer avec l'IA.",
        False,
        Eligibility.OPEN,
    ),
    (
        "innovant",
        "Projet le plus innovant",
        "Une méthode, une donnée ou un usage vraiment nouveaux.",
        False,
        Eligibility.OPEN,
    ),
    (
        "inclusif",
        "Projet le plus inclusif",
        "L'IA qui ouvre l'accès : à l'emploi, aux services, à l'information.",
        False,
        Eligibility.OPEN,
    ),
    (
        "benefique",
        "Projet le plus bénéfique pour la société",
        "Un bénéfice mesurable pour la société : santé, environnement, services publics.",
        False,
        Eligibility.OPEN,
    ),
    (
        "entreprise-optimisee",
        "Entreprise la mieux optimisée par l'IA",
        "L'organisation membre dont le fonctionnement a le plus gagné grâce à l'IA.",
        True,
        Eligibility.MEMBERS,
    ),
]
# The same weighted criteria in every category, scored from 0 to 10.
CRITERIA = [
    ("Originalité", 2),
    ("Impact mesuré", 3),
    ("Rigueur de la méthode", 2),
    ("IA responsable", 2),
    ("Clarté du dossier", 1),
]
# (category, organisation slug, title, story); the first of each category wins.
PROJECTS = [
    (
        "audacieux",
        "insep",
        "Prédire la blessure avant qu'elle n'arrive",
        "Les data scientists de l'INSEP ont croisé charges d'entraînement et sommeil de 120 "
        "athlètes pour anticiper les blessures. Un atelier du club, rejoint par des ingénieurs "
        "autoroutiers, a apporté l'idée décisive : traiter la fatigue comme l'usure d'une chaussée.",
    ),
    (
        "innovant",
        "vinci-autoroutes",
        "Des caméras qui comptent sans filmer personne",
        "Un comptage du trafic par vision embarquée qui ne garde aucune image : seules les "
        "trajectoires anonymes quittent la caméra.",
    ),
    (
        "inclusif",
        "credit-agricole",
        "Un crédit expliqué à chaque client",
        "Chaque refus de crédit vient désormais avec une explication lisible, testée avec des "
        "associations de consommateurs ; l'écart de traitement entre groupes a été divisé par deux.",
    ),
    (
        "benefique",
        "urssaf",
        "Repérer plus tôt les entreprises en difficulté",
        "Un modèle d'alerte précoce permet d'accompagner les entreprises avant l'impayé : 1 800 "
        "plans d'étalement proposés plus tôt en 2022.",
    ),
    (
        "entreprise-optimisee",
        "accor",
        "Des prévisions de réservation qui ont survécu au Covid",
        "Accor a reconstruit ses prévisions de réservation après 2020 avec le club : l'erreur "
        "moyenne est revenue sous son niveau d'avant-crise en six mois.",
    ),
    ("innovant", "bouygues", "Suivre un chantier par drone", ""),
    ("benefique", "danone", "Moins de gaspillage dans les usines laitières", ""),
]
JUROR_ORGS = ("wavestone", "bva", "fdj")


def _person_of(slug: str) -> Person | None:
    return (
        Person.objects.filter(organisation__slug=slug, left_organisation_on__isnull=True)
        .order_by("email")
        .first()
    )


def _edition() -> Edition:
    return Edition.objects.create(
        name="Les Awards 2023",
        slug=EDITION_SLUG,
        intro=(
            "Le 26 juin 2023, le club a remis ses Awards pour récompenser les usages de l'IA "
            "les plus intéressants : cinq prix, pour les projets les plus audacieux, "
            "innovants, inclusifs et bénéfiques pour la société, et pour l'entreprise dont "
            "le fonctionnement a été le mieux optimisé par l'IA."
        ),
        time_zone="Europe/Paris",
        call_opens_on=dt.date(2023, 3, 1),
        deadline_on=dt.date(2023, 5, 15),
        deadline_time=dt.time(23, 59),
        jury_starts_on=dt.date(2023, 5, 22),
        jury_ends_on=dt.date(2023, 6, 16),
        ceremony_on=dt.date(2023, 6, 26),
        shortlist_published=True,
        winners_published=True,
        is_demo=True,
    )


def demo_awards_load(*, juror_email: str = "") -> int:
    """Create the 2023 edition unless it exists; returns how many rows it created (0 if there).

    `juror_email` (a demo login) joins the jury with two applications still to score, so
    the jury's pages can be tried.
    """
    if Edition.objects.filter(slug=EDITION_SLUG).exists():
        return 0
    created = 0
    with transaction.atomic():
        edition = _edition()
        created += 1
        categories = {}
        for position, (slug, name, description, for_orgs, eligibility) in enumerate(CATEGORIES):
            category = Category.objects.create(
                edition=edition,
                slug=slug,
                name=name,
                description=description,
                for_organisations=for_orgs,
                eligibility=eligibility,
                scale_min=0,
                scale_max=10,
                position=position,
            )
            categories[slug] = category
            for index, (criterion, weight) in enumerate(CRITERIA):
                Criterion.objects.create(
                    category=category, name=criterion, weight=weight, position=index
                )
            created += 1
        submitted = dt.datetime(2023, 5, 10, 18, 0, tzinfo=edition.zone)
        applications = []
        winners = set()
        for category_slug, org_slug, title, story in PROJECTS:
            person = _person_of(org_slug)
            if person is None:
                continue
            first = category_slug not in winners
            winners.add(category_slug)
            application = Application.objects.create(
                edition=edition,
                category=categories[category_slug],
                applicant=person,
                organisation=person.organisation,
                title=title,
                summary=story or title,
                problem="—",
                data="—",
                method="—",
                impact="—",
                responsible_ai="—",
                status=ApplicationStatus.ELIGIBLE,
                submitted_at=submitted,
                outcome=Outcome.WINNER if first else Outcome.SHORTLISTED,
                story=story,
            )
            application.team.add(person)
            applications.append(application)
            created += 1
        jurors = []
        for org_slug in JUROR_ORGS:
            person = _person_of(org_slug)
            if person is not None:
                jurors.append(
                    Juror.objects.create(
                        edition=edition, person=person, status=JurorStatus.ACCEPTED
                    )
                )
        trying = Person.objects.filter(email=juror_email).first() if juror_email else None
        if trying is not None:
            juror = Juror.objects.create(
                edition=edition, person=trying, status=JurorStatus.ACCEPTED
            )
            for application in applications[:2]:
                if application.organisation_id != trying.organisation_id:
                    Review.objects.create(application=application, juror=juror)
        ceremony = dt.datetime(2023, 6, 16, 18, 0, tzinfo=edition.zone)
        for a_index, application in enumerate(applications):
            criteria = list(application.category.criteria.all())
            for j_index, juror in enumerate(jurors):
                review = Review.objects.create(
                    application=application,
                    juror=juror,
                    comment="",
                    submitted_at=ceremony,
                )
                for c_index, criterion in enumerate(criteria):
                    # Deterministic and varied; winners score higher, juror 2 is harsher.
                    base = 8 if application.outcome == Outcome.WINNER else 6
                    value = base - j_index + (a_index + c_index) % 3
                    Score.objects.create(
                        review=review, criterion=criterion, value=max(0, min(10, value))
                    )
            Decision.objects.create(
                application=application,
                outcome=application.outcome,
                note="",
                decided_at=ceremony,
            )
    return created
