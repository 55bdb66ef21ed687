"""The demo's expert engagements: one running with four weeks logged, one closed with an outcome.

Idempotent by the case's title. The cases are written straight (as the cases demo does);
everything after goes through the services: the set-up (which plans the case), the
half-days logged by the expert, the asker's confirmations, a status report, the closing
with its knowledge outcome.

- running: the resident researcher helps Accor's data scientist (both demo logins), one
  day a week; three weeks confirmed, the last one waiting for confirmation;
- closed: an expert from another organisation helped Danone's manager for eight weeks;
  closed with an open-source outcome.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from compagnon.accounts.models import User
from compagnon.cases.models import Case, CaseFormat, CaseStatus, CaseTransition
from compagnon.engagements import services
from compagnon.engagements.models import Engagement
from compagnon.members.models import Person
from compagnon.site.demo.data import (
    DATA_SCIENTIST_EMAIL,
    MANAGER_EMAIL,
    RESEARCHER_EMAIL,
    STAFF_EMAIL,
)

RUNNING_TITLE = "Industrialiser nos prévisions de demande hôtelière"
CLOSED_TITLE = "Détecter les anomalies sur les capteurs de nos usines"


def _case(*, title: str, description: str, bringer: Person, staff: User, now) -> Case:
    case = Case.objects.create(
        title=title,
        description=description,
        brought_by=bringer,
        organisation=bringer.organisation,
        filed_by=bringer.user,
        format=CaseFormat.EXPERT_HELP,
        status=CaseStatus.MATCHED,
        opened_at=now - dt.timedelta(days=70),
        interested_needed=1,
        created_at=now - dt.timedelta(days=75),
    )
    previous = ""
    for step, status in enumerate(
        (CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.OPEN, CaseStatus.MATCHED)
    ):
        CaseTransition.objects.create(
            case=case,
            from_status=previous,
            to_status=status,
            actor=staff if status in (CaseStatus.OPEN, CaseStatus.MATCHED) else bringer.user,
            at=now - dt.timedelta(days=75 - step * 2),
        )
        previous = status
    return case


def _log_weeks(
    engagement: Engagement, expert: Person, asker: Person, mondays, *, confirm_all: bool, now
):
    """Tuesday and Thursday mornings of each week; the asker confirms all but the last week."""
    last = mondays[-1]
    for monday in mondays:
        for offset, note in (
            (1, "Revue des données et des features"),
            (3, "Atelier avec l'équipe"),
        ):
            entry = services.entry_log(
                engagement=engagement,
                person=expert,
                worked_on=monday + dt.timedelta(days=offset),
                half_days=1,
                note=note,
                now=now,
            )
            if confirm_all or monday != last:
                services.entry_decide(entry=entry, person=asker, confirm=True, now=now)


@transaction.atomic
def demo_engagements_load(*, today: dt.date | None = None) -> int:
    now = timezone.now()
    today = today or timezone.localdate()
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    researcher = Person.objects.filter(email=RESEARCHER_EMAIL).first()
    scientist = Person.objects.filter(email=DATA_SCIENTIST_EMAIL).first()
    manager = Person.objects.filter(email=MANAGER_EMAIL).first()
    if staff is None or researcher is None or scientist is None or manager is None:
        return 0
    this_monday = today - dt.timedelta(days=today.weekday())
    created = 0
    if not Case.objects.filter(title=RUNNING_TITLE).exists():
        case = _case(
            title=RUNNING_TITLE,
            description=(
                "Nos prévisions tournent dans des notebooks. Nous voulons les passer en production "
                "avec un suivi de la dérive, et que l'équipe sache les maintenir.\n\n"
                "Format souhaité : un ou une experte, un jour par semaine pendant deux mois."
            ),
            bringer=scientist,
            staff=staff,
            now=now,
        )
        start = this_monday - dt.timedelta(weeks=4)
        engagement = services.engagement_create(
            actor=staff,
            case=case,
            expert=researcher,
            scope=(
                "- Revoir le pipeline de prévision et ses **features**\n"
                "- Mettre en place un suivi de la dérive\n"
                "- Former deux personnes de l'équipe à la maintenance"
            ),
            starts_on=start,
            ends_on=start + dt.timedelta(weeks=8, days=-3),
            half_days_per_week=2,
            confidentiality_terms="Les données restent sur l'environnement d'Accor ; aucun export.",
        )
        _log_weeks(
            engagement,
            researcher,
            scientist,
            [start + dt.timedelta(weeks=w) for w in range(4)],
            confirm_all=False,
            now=now,
        )
        services.report_add(
            engagement=engagement,
            person=researcher,
            actor=researcher.user,
            body=(
                "**Semaine 3.** Le pipeline tourne de bout en bout en recette. "
                "Reste à brancher les alertes de dérive et à documenter la reprise."
            ),
        )
        created += 1
    if not Case.objects.filter(title=CLOSED_TITLE).exists():
        expert = (
            Person.objects.filter(
                is_demo=True,
                user__isnull=False,
                organisation__isnull=False,
                left_organisation_on__isnull=True,
                skills__tag__slug__in=("time-series", "machine-learning"),
                skills__level__gte=3,
            )
            .exclude(organisation_id=manager.organisation_id)
            .exclude(email__in=(DATA_SCIENTIST_EMAIL, RESEARCHER_EMAIL))
            .order_by("pk")
            .first()
        ) or researcher
        case = _case(
            title=CLOSED_TITLE,
            description=(
                "Des milliers de capteurs, des pannes rares : nous voulons repérer les "
                "anomalies avant l'arrêt d'une ligne."
            ),
            bringer=manager,
            staff=staff,
            now=now,
        )
        start = this_monday - dt.timedelta(weeks=14)
        engagement = services.engagement_create(
            actor=staff,
            case=case,
            expert=expert,
            scope="Un prototype de détection d'anomalies sur deux lignes, puis la passation.",
            starts_on=start,
            ends_on=start + dt.timedelta(weeks=8, days=-3),
            half_days_per_week=2,
        )
        _log_weeks(
            engagement,
            expert,
            manager,
            [start + dt.timedelta(weeks=w) for w in range(8)],
            confirm_all=True,
            now=now,
        )
        services.engagement_close(
            engagement=engagement,
            actor=staff,
            summary="Le prototype tourne sur deux lignes ; l'équipe l'étend seule aux autres.",
            outcome_kind="open_source",
            outcome_title="sensor-anomalies : la bibliothèque publiée par l'équipe",
            outcome_url="https://example.org/sensor-anomalies",
            now=now,
        )
        created += 1
    return created
