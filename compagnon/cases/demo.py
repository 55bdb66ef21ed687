"""Demo cases for the demo club: the stories the club's own articles tell, at every stage.

Idempotent by title: a case that exists is left alone. Written straight to the
tables (no emails, no announcements): it is fictional data for a demo server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from compagnon.cases.models import (
    Answer,
    Case,
    CaseFormat,
    CaseInvitation,
    CaseStatus,
    CaseTransition,
    Confidentiality,
    DataSharing,
)
from compagnon.members.models import Organisation, Person, Skill, Tag

PATH = {
    CaseStatus.DRAFT: [],
    CaseStatus.SUBMITTED: [CaseStatus.SUBMITTED],
    CaseStatus.OPEN: [CaseStatus.SUBMITTED, CaseStatus.OPEN],
    CaseStatus.MATCHED: [CaseStatus.SUBMITTED, CaseStatus.OPEN, CaseStatus.MATCHED],
}


@dataclass(frozen=True)
class DemoCase:
    title: str
    description: str
    owner_email: str
    tags: tuple[str, ...]
    status: str
    format: str = CaseFormat.WORKSHOP_HALF_DAY
    confidentiality: str = Confidentiality.MEMBERS
    exclude: tuple[str, ...] = ()
    wants_research: bool = False
    invite: int = 0
    interested: int = 0


DEMO_CASES = [
    DemoCase(
        title="Nos prévisions de ventes ont cassé avec le Covid",
        description=(
            "Nos modèles de prévision de la demande hôtelière étaient très performants jusqu'en 2020. "
            "Le Covid puis la guerre en Ukraine les ont rendus inutilisables.\n\n"
            "**Question** : comment distinguer les ruptures durables des chocs passagers, et que peut "
            "apporter l'inférence causale à nos prévisions ?\n\n"
            "- 6 ans d'historique journalier, 300 hôtels\n- données anonymisables"
        ),
        owner_email="data.scientist@accor.example.org",
        tags=("forecasting", "causality", "time-series"),
        status=CaseStatus.OPEN,
        wants_research=True,
        invite=6,
        interested=2,
    ),
    DemoCase(
        title="Écrire notre charte d'usage responsable des données",
        description=(
            "Nous rédigeons une charte sur l'utilisation responsable des données et de l'IA. "
            "Nous aimerions l'écrire avec des membres qui l'ont déjà fait : structure, engagements, "
            "gouvernance, suivi.\n\nFormat souhaité : un atelier d'une demi-journée."
        ),
        owner_email="manager@danone.example.org",
        tags=("ethical-green-ai", "data-governance", "law-regulation"),
        status=CaseStatus.MATCHED,
        invite=5,
        interested=3,
    ),
    DemoCase(
        title="Composer la meilleure équipe selon l'adversaire et la météo",
        description=(
            "Aider un entraîneur à choisir l'équipe la plus performante selon les adversaires, "
            "la météo et le contexte. Données de performance de haut niveau, confidentielles."
        ),
        owner_email="",
        tags=("sport-analytics", "optimisation", "machine-learning"),
        status=CaseStatus.OPEN,
        format=CaseFormat.WORKSHOP_DAYS,
        exclude=(),
        invite=4,
        interested=1,
    ),
    DemoCase(
        title="Détecter les biais de notre modèle de recrutement",
        description=(
            "Notre outil de présélection de CV donne des résultats différents selon le genre. "
            "Nous voulons mesurer ces biais et les corriger, sans perdre en qualité."
        ),
        owner_email="",
        tags=("bias-fairness", "explicability", "nlp"),
        status=CaseStatus.SUBMITTED,
        confidentiality=Confidentiality.ANONYMISED,
    ),
]


def _owner(spec: DemoCase, index: int) -> Person | None:
    people = Person.objects.filter(is_demo=True, user__isnull=True, organisation__isnull=False)
    if spec.owner_email:
        return Person.objects.filter(email=spec.owner_email).first()
    if "sport-analytics" in spec.tags:
        insep = Organisation.objects.filter(slug__startswith="insep").first()
        if insep is not None:
            return people.filter(organisation=insep).order_by("pk").first()
    return people.order_by("pk")[index * 7 : index * 7 + 1].first()


def _experts(case: Case, spec: DemoCase) -> list[Person]:
    taken: set[int] = set()
    chosen: list[Person] = []
    skills = (
        Skill.objects.filter(tag__slug__in=spec.tags, level__gte=3, person__is_demo=True)
        .exclude(person__organisation=case.organisation)
        .select_related("person")
        .order_by("-level", "-can_teach", "person_id")
    )
    for skill in skills:
        person = skill.person
        if person.pk in taken or person.left_organisation_on is not None:
            continue
        taken.add(person.pk)
        chosen.append(person)
        if len(chosen) == spec.invite:
            break
    return chosen


@transaction.atomic
def demo_cases_load(*, researcher_email: str | None = None) -> int:
    """Create the demo cases that do not exist yet; return how many were created.

    `researcher_email` names the demo researcher invited to the research cases (the
    demo loader in `compagnon.site.demo` passes its login).
    """
    now = timezone.now()
    created = 0
    tags = {tag.slug: tag for tag in Tag.objects.all()}
    for index, spec in enumerate(DEMO_CASES):
        if Case.objects.filter(title=spec.title).exists():
            continue
        owner = _owner(spec, index)
        if owner is None:
            continue
        started = now - timedelta(days=20 - 4 * index)
        case = Case.objects.create(
            title=spec.title,
            description=spec.description,
            brought_by=owner,
            organisation=owner.organisation,
            format=spec.format,
            confidentiality=spec.confidentiality,
            data_sharing=DataSharing.UNDER_AGREEMENT,
            wants_research=spec.wants_research,
            interested_needed=3,
            status=spec.status,
            created_at=started,
            updated_at=started,
            opened_at=started + timedelta(days=2)
            if spec.status in (CaseStatus.OPEN, CaseStatus.MATCHED)
            else None,
        )
        case.tags.set([tags[slug] for slug in spec.tags if slug in tags])
        previous = CaseStatus.DRAFT
        for step, status in enumerate(PATH[spec.status]):
            CaseTransition.objects.create(
                case=case,
                from_status=previous,
                to_status=status,
                at=started + timedelta(days=step + 1),
            )
            previous = status
        for rank, person in enumerate(_experts(case, spec)):
            answer = Answer.INTERESTED if rank < spec.interested else Answer.PENDING
            CaseInvitation.objects.create(
                case=case,
                person=person,
                created_at=started + timedelta(days=3),
                expires_at=now + timedelta(days=7),
                answer=answer,
                answer_message="Avec plaisir, nous avons vécu la même situation."
                if answer != Answer.PENDING
                else "",
                answered_at=started + timedelta(days=4) if answer != Answer.PENDING else None,
            )
        if spec.wants_research and researcher_email:
            # The demo researcher is invited too and has not answered: her home page shows
            # the invitation with its answer buttons.
            researcher = Person.objects.filter(email=researcher_email).first()
            if researcher is not None and not case.invitations.filter(person=researcher).exists():
                CaseInvitation.objects.create(
                    case=case,
                    person=researcher,
                    created_at=now - timedelta(days=2),
                    expires_at=now + timedelta(days=8),
                )
        created += 1
    return created
