"""Demo workshops for the demo club: past ones done with attendance and feedback, upcoming ones
published with registrations and a waiting list, one public, one remote, one hybrid, a series,
a follow-up.

Idempotent by title: a workshop that exists is left alone. Written straight to the tables
(no emails): it is fictional data for a demo server. Needs the club demo (bases, people: compagnon.site.demo).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from compagnon.cases.models import Case
from compagnon.members.models import Base, Person, Tag
from compagnon.workshops.models import (
    Attendance,
    Audience,
    Feedback,
    FeedbackLevel,
    Material,
    MaterialKind,
    Mode,
    Registration,
    RegistrationStatus,
    SeatKind,
    Session,
    Workshop,
    WorkshopFormat,
    WorkshopStatus,
)


@dataclass(frozen=True)
class DemoWorkshop:
    title: str
    summary: str
    days: int  # from today; negative: in the past
    tags: tuple[str, ...] = ()
    format: str = WorkshopFormat.HALF_DAY
    mode: str = Mode.ONSITE
    audience: str = Audience.MEMBERS
    seats: int = 12
    remote_seats: int | None = None
    registrations: int = 6  # beyond the seats: the waiting list
    sessions: int = 1
    parent: str = ""
    case_words: str = ""


DEMO_WORKSHOPS = [
    DemoWorkshop(
        "Prévoir après une rupture : Covid et séries temporelles",
        "Nous repartons des prévisions hôtelières cassées en 2020 : détecter les ruptures, "
        "distinguer le durable du passager.\n\n- notebooks fournis\n- données anonymisées",
        -40,
        ("forecasting", "time-series", "causality"),
        registrations=10,
        case_words="prévisions",
    ),
    DemoWorkshop(
        "Écrire une charte d'usage responsable de l'IA",
        "Structure, engagements, gouvernance et suivi : nous écrivons ensemble une charte.",
        -25,
        ("ethical-green-ai", "data-governance"),
        registrations=9,
        case_words="charte",
    ),
    DemoWorkshop(
        "Détection d'anomalies sur capteurs industriels",
        "Une journée sur des séries de capteurs réelles : seuils, modèles, explications.",
        -12,
        ("anomaly-detection", "time-series"),
        format=WorkshopFormat.ONE_DAY,
        registrations=8,
    ),
    DemoWorkshop(
        "Suite : inférence causale pour la prévision",
        "Suite donnée aux idées de l'atelier sur les ruptures : variables instrumentales, "
        "contrôles synthétiques.",
        9,
        ("causality", "forecasting"),
        parent="Prévoir après une rupture : Covid et séries temporelles",
        seats=8,
        registrations=11,
    ),
    DemoWorkshop(
        "Journée portes ouvertes : la donnée au service des territoires",
        "Ouvert à tous : démonstrations, retours d'expérience des membres, questions.",
        16,
        ("data-governance",),
        audience=Audience.PUBLIC,
        seats=40,
        registrations=15,
    ),
    DemoWorkshop(
        "Évaluer un LLM sur vos propres données",
        "À distance : jeux d'évaluation, métriques, pièges. Lien vidéo envoyé aux inscrits.",
        6,
        ("nlp",),
        mode=Mode.REMOTE,
        seats=0,
        remote_seats=30,
        registrations=18,
    ),
    DemoWorkshop(
        "Vision par ordinateur pour le contrôle qualité",
        "Sur place et à distance : annoter peu, entraîner vite, mesurer honnêtement.",
        23,
        ("computer-vision",),
        mode=Mode.HYBRID,
        seats=10,
        remote_seats=15,
        registrations=14,
        format=WorkshopFormat.ONE_DAY,
    ),
    DemoWorkshop(
        "Série : MLOps de bout en bout",
        "Trois séances d'une demi-journée, du notebook à la production.",
        30,
        ("mlops",),
        format=WorkshopFormat.SERIES,
        sessions=3,
        seats=15,
        registrations=9,
    ),
    DemoWorkshop(
        "Données de santé : anonymiser sans tout perdre",
        "Deux jours sur la pseudonymisation, la confidentialité différentielle et leurs coûts.",
        44,
        ("privacy", "data-governance"),
        format=WorkshopFormat.TWO_DAYS,
        sessions=2,
        seats=14,
        registrations=4,
    ),
    DemoWorkshop(
        "Graphes de connaissances en entreprise",
        "Modéliser, peupler, interroger : un cas réel de catalogue produits.",
        12,
        ("knowledge-graphs",),
        seats=6,
        registrations=9,
    ),
    DemoWorkshop(
        "Optimisation de tournées sous contraintes",
        "Recherche opérationnelle et apprentissage : un cas logistique.",
        52,
        ("optimisation",),
        registrations=3,
    ),
    DemoWorkshop(
        "Atelier annulé : données satellitaires",
        "Reporté faute de données disponibles à temps.",
        20,
        ("computer-vision",),
        registrations=0,
    ),
]

LEARNED = [
    "J'ai appris à distinguer une rupture durable d'un choc passager.",
    "I learned how to compare two models honestly on a shifted period.",
    "J'ai appris à écrire une charte courte et suivie d'effets.",
    "Comment expliquer une anomalie à un opérateur.",
    "",
]
IDEAS = [
    "Creuser les variables instrumentales",
    "Un atelier sur le suivi des modèles en production",
    "",
]


def _working_day(days: int, *, span_days: int = 1) -> date:
    """Today + `days`, moved to a weekday (forward when ahead, back when past) so that
    all `span_days` consecutive days of the workshop fall between Monday and Friday."""
    day = timezone.localdate() + timedelta(days=days)
    step = 1 if days >= 0 else -1
    while day.weekday() + span_days - 1 > 4:
        day += timedelta(days=step)
    return day


def _start(day: date, workshop: Workshop, hour: int, minute: int = 0) -> datetime:
    """Working hours on the workshop's own clock (a New York base starts at 09:00 New York)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(workshop.time_zone))


def _sessions(workshop: Workshop, spec: DemoWorkshop) -> None:
    full_day = spec.format in (WorkshopFormat.ONE_DAY, WorkshopFormat.TWO_DAYS)
    hours = 8 if full_day else 4
    step = 7 if spec.format == WorkshopFormat.SERIES else 1
    span_days = spec.sessions if step == 1 else 1
    first_day = _working_day(spec.days, span_days=span_days)
    # Full days 09:00-17:00; half days in the morning (09:30) or the afternoon (14:00).
    hour, minute = (9, 0) if full_day else ((9, 30) if spec.days % 2 else (14, 0))
    starts = []
    for index in range(spec.sessions):
        start = _start(first_day + timedelta(days=index * step), workshop, hour, minute)
        Session.objects.create(
            workshop=workshop,
            title=f"Séance {index + 1}" if spec.sessions > 1 else "",
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
        )
        starts.append(start)
    workshop.starts_at = starts[0]
    workshop.ends_at = starts[-1] + timedelta(hours=hours)
    workshop.save(update_fields=["starts_at", "ends_at"])


def _register(workshop: Workshop, spec: DemoWorkshop, people: list[Person], rng) -> None:
    past = spec.days < 0
    # The demo logins register first, so that they find seats and waiting places of their own.
    logins = [person for person in people if person.user_id is not None][:2]
    rest = [person for person in people if person not in logins]
    wanted = min(spec.registrations, len(people))
    chosen = logins[:wanted] + rng.sample(rest, max(0, wanted - len(logins)))
    taken = {SeatKind.ONSITE: 0, SeatKind.REMOTE: 0}
    capacity = {SeatKind.ONSITE: spec.seats, SeatKind.REMOTE: spec.remote_seats or 0}
    kinds = {
        Mode.ONSITE: [SeatKind.ONSITE],
        Mode.REMOTE: [SeatKind.REMOTE],
        Mode.HYBRID: [SeatKind.ONSITE, SeatKind.REMOTE],
    }[spec.mode]
    now = timezone.now()
    tags = list(workshop.tags.all())
    for index, person in enumerate(chosen):
        seat = kinds[index % len(kinds)]
        confirmed = taken[seat] < capacity[seat]
        taken[seat] += confirmed
        queued = (workshop.published_at or now) + timedelta(hours=index)
        registration = Registration.objects.create(
            workshop=workshop,
            person=person,
            organisation=person.organisation,
            seat=seat,
            status=RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING,
            queued_at=queued,
            confirmed_at=queued if confirmed else None,
            attendance=(
                (Attendance.NO_SHOW if index % 7 == 6 else Attendance.PRESENT)
                if past and confirmed
                else Attendance.UNKNOWN
            ),
        )
        if past and registration.attendance == Attendance.PRESENT and index % 4 != 3:
            feedback = Feedback.objects.create(
                registration=registration,
                rating=rng.choice([4, 4, 5, 5, 3]),
                learned=LEARNED[index % len(LEARNED)],
                follow_up_idea=IDEAS[index % len(IDEAS)],
            )
            for tag in tags:
                before = rng.randint(1, 3)
                FeedbackLevel.objects.create(
                    feedback=feedback,
                    tag=tag,
                    before=before,
                    after=min(4, before + rng.randint(0, 2)),
                )


@transaction.atomic
def demo_workshops_load() -> int:
    """Create the demo workshops that do not exist yet; return how many were created."""
    rng = random.Random(4)
    bases = list(Base.objects.filter(is_active=True).order_by("pk"))
    # Demo logins first (so that they see their own registrations), then everyone else.
    people = list(
        Person.objects.filter(organisation__isnull=False, left_organisation_on__isnull=True)
        .select_related("organisation")
        .order_by(F("user").asc(nulls_last=True), "pk")[:200]
    )
    tags = {tag.slug: tag for tag in Tag.objects.all()}
    created = 0
    now = timezone.now()
    for index, spec in enumerate(DEMO_WORKSHOPS):
        if Workshop.objects.filter(title=spec.title).exists():
            continue
        base = bases[index % len(bases)] if bases and spec.mode != Mode.REMOTE else None
        mode = spec.mode if base is not None or spec.mode == Mode.REMOTE else Mode.REMOTE
        if spec.days < 0:
            status = WorkshopStatus.DONE
        elif spec.title.startswith("Atelier annulé"):
            status = WorkshopStatus.CANCELLED
        else:
            status = WorkshopStatus.PUBLISHED
        case = (
            Case.objects.filter(title__icontains=spec.case_words).first()
            if spec.case_words
            else None
        )
        workshop = Workshop.objects.create(
            title=spec.title,
            summary=spec.summary,
            format=spec.format,
            mode=mode,
            base=base,
            room="Salle Lovelace" if base else "",
            time_zone=base.time_zone if base else "Europe/Paris",
            video_url="https://visio.example.org/club-atelier" if mode != Mode.ONSITE else "",
            onsite_seats=spec.seats if mode != Mode.REMOTE else None,
            remote_seats=spec.remote_seats if mode != Mode.ONSITE else None,
            audience=spec.audience,
            language="fr",
            agenda="1. Le cas et les données\n2. Travail en groupes\n3. Restitution",
            prerequisites="Python, pandas ; un ordinateur portable.",
            status=status,
            origin_case=case,
            parent=Workshop.objects.filter(title=spec.parent).first() if spec.parent else None,
            published_at=now - timedelta(days=30),
            cancelled_at=now if status == WorkshopStatus.CANCELLED else None,
            cancellation_reason=(
                "Les données ne seront pas prêtes à temps."
                if status == WorkshopStatus.CANCELLED
                else ""
            ),
        )
        workshop.tags.set([tags[slug] for slug in spec.tags if slug in tags])
        hosts = people[index * 3 % max(len(people), 1) :][:2] if people else []
        workshop.hosts.set(hosts)
        if case is not None:
            workshop.invitees.set([invitation.person for invitation in case.invitations.all()[:5]])
        _sessions(workshop, spec)
        Material.objects.create(
            workshop=workshop,
            kind=MaterialKind.REPOSITORY,
            title="Dépôt de l'atelier",
            url=f"https://git.example.org/club/atelier-{index + 1}",
        )
        if status != WorkshopStatus.CANCELLED:
            others = [person for person in people if person not in hosts]
            _register(workshop, spec, others, rng)
        created += 1
    return created
