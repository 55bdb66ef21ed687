"""The demo club's careers: five PhD candidates, four offers, one recruitment session.

Seed 002: the club « organises recruitment sessions and even created a hiring platform
for young doctors in AI and data science ». The resident researcher demo login gets a
candidate profile too, so « My job search » shows matched offers; the Danone manager
login posts two offers, so « Recruiting » shows a pipeline. Idempotent (by the demo
candidates' addresses and the session's slug); written straight to the tables (no email
leaves).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from compagnon.careers.models import (
    CandidateProfile,
    CandidateVisibility,
    JobApplication,
    Offer,
    OfferAudience,
    OfferSkill,
    OfferStatus,
    RecruitmentSession,
    SessionSlot,
)
from compagnon.members.models import (
    Base,
    MembershipType,
    Person,
    RoleFamily,
    Skill,
    Tag,
)

SESSION_SLUG = "recrutement-jeunes-docteurs"

# (first, last, email, thesis, lab, skills {slug: level}, visibility)
CANDIDATES = [
    (
        "Inès",
        "Belkacem",
        "ines.belkacem@univ-demo.example.org",
        "Inférence causale pour l'évaluation des promotions en grande distribution",
        "CREST",
        {"causality": 4, "time-series": 3, "data-engineering": 3},
        CandidateVisibility.RECRUITERS,
    ),
    (
        "Théo",
        "Marchand",
        "theo.marchand@univ-demo.example.org",
        "Réseaux de neurones sur graphes pour le réseau électrique",
        "LIRIS",
        {"machine-learning": 4, "optimisation": 4, "data-engineering": 3},
        CandidateVisibility.CLUB,
    ),
    (
        "Yasmine",
        "El Idrissi",
        "yasmine.elidrissi@univ-demo.example.org",
        "Apprentissage fédéré et confidentialité différentielle en santé",
        "Inria Saclay",
        {"privacy-safety": 4, "machine-learning": 3, "health-data": 3},
        CandidateVisibility.RECRUITERS,
    ),
    (
        "Lucas",
        "Fontaine",
        "lucas.fontaine@univ-demo.example.org",
        "Prévision probabiliste de la demande énergétique",
        "LSCE",
        {"time-series": 4, "forecasting": 4, "statistics": 3},
        CandidateVisibility.RECRUITERS,
    ),
    (
        "Clara",
        "Nguyen",
        "clara.nguyen@univ-demo.example.org",
        "Traitement automatique des langues pour les textes juridiques",
        "LIPN",
        {"nlp": 4, "genai-text": 3},
        CandidateVisibility.HIDDEN,
    ),
]

# (organisation slug, title, team, contract, skills {slug: level}, audience, description)
OFFERS = [
    (
        "danone",
        "Data scientist — mesure d'impact des promotions",
        "Revenue management",
        "permanent",
        {"causality": 3, "time-series": 2},
        OfferAudience.PUBLIC,
        "Vous mesurez l'effet réel de nos promotions avec des méthodes d'inférence causale, "
        "en lien avec les équipes commerciales.",
    ),
    (
        "danone",
        "Postdoc — prévision de la demande",
        "Supply chain",
        "postdoc",
        {"forecasting": 3, "time-series": 3},
        OfferAudience.MEMBERS,
        "Dix-huit mois pour améliorer nos prévisions de demande, publier, et passer en "
        "production ce qui marche.",
    ),
    (
        "accor",
        "Machine learning engineer — recommandation",
        "Digital",
        "permanent",
        {"machine-learning": 3, "data-engineering": 3},
        OfferAudience.PUBLIC,
        "Vous industrialisez nos modèles de recommandation de séjours.",
    ),
    (
        "insep",
        "Doctorant·e CIFRE — analyse de la performance",
        "Recherche",
        "fixed_term",
        {"time-series": 3, "statistics": 3},
        OfferAudience.MEMBERS,
        "Analyser les données de capteurs des athlètes pour prévenir les blessures.",
    ),
]


def _tags(slugs) -> dict[str, Tag]:
    return {tag.slug: tag for tag in Tag.objects.filter(slug__in=set(slugs))}


def _poster(org_slug: str) -> Person | None:
    return (
        Person.objects.filter(organisation__slug=org_slug, is_org_manager=True)
        .order_by("pk")
        .first()
        or Person.objects.filter(organisation__slug=org_slug).order_by("pk").first()
    )


def demo_careers_load(*, candidate_email: str = "", manager_email: str = "") -> int:
    """Create the demo careers rows unless they exist; returns how many were created."""
    if RecruitmentSession.objects.filter(slug=SESSION_SLUG).exists():
        return 0
    created = 0
    today = timezone.localdate()
    paris = Base.objects.filter(slug="paris").first()
    with transaction.atomic():
        all_slugs = {s for row in CANDIDATES for s in row[5]} | {
            s for row in OFFERS for s in row[4]
        }
        tags = _tags(all_slugs)
        profiles = []
        for first, last, email, thesis, lab, skills, visibility in CANDIDATES:
            person, _new = Person.objects.get_or_create(
                email=email,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "organisation": None,
                    "membership_type": MembershipType.RESEARCHER,
                    "role_family": RoleFamily.PHD_CANDIDATE,
                    "job_title": "Doctorant·e",
                    "base": paris,
                    "languages": ["fr", "en"],
                    "is_demo": True,
                },
            )
            for slug, level in skills.items():
                if slug in tags:
                    Skill.objects.get_or_create(
                        person=person, tag=tags[slug], defaults={"level": level}
                    )
            profile = CandidateProfile.objects.create(
                person=person,
                thesis_title=thesis,
                lab=lab,
                supervisor="",
                defence_on=today + dt.timedelta(days=90 + 30 * len(profiles)),
                available_from=today + dt.timedelta(days=120),
                contracts=["permanent", "postdoc"],
                languages=["fr", "en"],
                visibility=visibility,
                is_demo=True,
            )
            if paris is not None:
                profile.bases.add(paris)
            profiles.append(profile)
            created += 1
        researcher = Person.objects.filter(email__iexact=candidate_email).first()
        if (
            researcher is not None
            and not CandidateProfile.objects.filter(person=researcher).exists()
        ):
            CandidateProfile.objects.create(
                person=researcher,
                thesis_title="Apprentissage statistique pour les séries temporelles",
                lab="Laboratoire de mathématiques d'Orsay",
                contracts=["permanent"],
                languages=["fr", "en"],
                visibility=CandidateVisibility.RECRUITERS,
                is_demo=True,
            )
            created += 1
        offers = []
        now = timezone.now()
        for org_slug, title, team, contract, skills, audience, description in OFFERS:
            poster = Person.objects.filter(
                email__iexact=manager_email, organisation__slug=org_slug
            ).first() or _poster(org_slug)
            if poster is None or poster.organisation is None:
                continue
            offer = Offer.objects.create(
                organisation=poster.organisation,
                posted_by=poster,
                title=title,
                team=team,
                contract=contract,
                base=paris,
                description=description,
                audience=audience,
                status=OfferStatus.PUBLISHED,
                expires_on=today + dt.timedelta(days=60),
                published_at=now,
                salary_min=42000,
                salary_max=55000,
                is_demo=True,
            )
            OfferSkill.objects.bulk_create(
                OfferSkill(offer=offer, tag=tags[slug], level=level)
                for slug, level in skills.items()
                if slug in tags
            )
            offers.append(offer)
            created += 1
        if offers and profiles:
            JobApplication.objects.create(
                offer=offers[0], candidate=profiles[0], status="interview"
            )
            created += 1
        start = timezone.make_aware(
            dt.datetime.combine(today + dt.timedelta(days=21), dt.time(14, 0))
        )
        session = RecruitmentSession.objects.create(
            title="Après-midi recrutement : jeunes docteurs en IA",
            slug=SESSION_SLUG,
            description="Trois organisations membres présentent leurs équipes en dix minutes, "
            "puis rencontrent les candidats en entretiens de vingt minutes.",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=4),
            place="Paris, au club",
            is_demo=True,
        )
        organisations = []
        for offer in offers:
            if offer.organisation not in organisations:
                organisations.append(offer.organisation)
        session.organisations.set(organisations)
        for index, organisation in enumerate(organisations):
            for slot in range(4):
                begins = start + dt.timedelta(minutes=40 + 20 * slot + 5 * index)
                SessionSlot.objects.create(
                    session=session,
                    organisation=organisation,
                    starts_at=begins,
                    ends_at=begins + dt.timedelta(minutes=20),
                )
        created += 1
    return created
