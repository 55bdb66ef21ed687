"""Demo knowledge for the demo club: reports of the done workshops, notes, a real outcome.

Idempotent: a report exists once per workshop, notes and outcomes are matched by
title. Written straight to the tables (no emails), then indexed for search.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from compagnon.cases.models import Case
from compagnon.knowledge.models import (
    Note,
    Outcome,
    OutcomeKind,
    Report,
    ReportStatus,
    Visibility,
)
from compagnon.knowledge.services import search_document_sync_note, search_document_sync_report
from compagnon.members.models import Organisation, Person, Tag
from compagnon.workshops.models import Workshop, WorkshopStatus

NOTES = [
    (
        "data.scientist@accor.example.org",
        "Séparer rupture durable et choc passager dans une série",
        (
            "Avant de réentraîner un modèle de prévision après un choc (Covid, guerre), "
            "**testez la rupture** : un test de Chow ou un modèle à changement de régime "
            "dit si la série a changé de niveau durablement.\n\n"
            "- gardez une fenêtre de validation *après* le choc ;\n"
            "- comparez avec un modèle naïf saisonnier ;\n"
            "- documentez la date de rupture retenue."
        ),
        ("forecasting", "time-series", "causality"),
        Visibility.MEMBERS,
    ),
    (
        "chercheuse@example.org",
        "Versioning your datasets, not just your code",
        (
            "A model is code **and** data. Hash every training set, keep the hash with the "
            "model, and store the data with a tool such as DVC or lakeFS. When a result cannot "
            "be reproduced, the first question is always: which data?"
        ),
        ("data-governance",),
        Visibility.PUBLIC,
    ),
    (
        "manager@danone.example.org",
        "Écrire une charte IA responsable : cinq leçons",
        (
            "1. Partir des usages réels, pas des principes.\n"
            "2. Nommer un responsable par engagement.\n"
            "3. Prévoir une revue annuelle.\n"
            "4. Publier la charte en interne **et** en externe.\n"
            "5. Outiller les équipes (check-lists, boîte à outils EthicalAI)."
        ),
        ("ethical-green-ai", "law-regulation"),
        Visibility.MEMBERS,
    ),
]

ETHICALAI = "EthicalAI toolkit"
ETHICALAI_DESCRIPTION = (
    "An open-source toolkit to assess and document the fairness, transparency and "
    "environmental footprint of AI models, developed by club members with Danone and "
    "Sorbonne Université."
)


def _report_sections(workshop: Workshop) -> dict[str, str]:
    tags = ", ".join(tag.label for tag in workshop.tags.all()) or workshop.title
    return {
        "question": (
            f"La question de départ : « {workshop.title} ». En séance, elle s'est précisée : "
            "qu'est-ce qui, dans les données disponibles, permet vraiment d'y répondre ?"
        ),
        "what_worked": (
            f"Travailler à plusieurs organisations sur un cas réel ({tags}) : chacun a apporté "
            "une méthode testée chez lui. Un modèle de référence simple, posé dès la première "
            "heure, a servi d'étalon à toutes les idées."
        ),
        "what_did_not": (
            "Vouloir tout modéliser d'un coup. Les variables externes non documentées ont "
            "fait perdre du temps."
        ),
        "data_sources": (
            "Données du cas anonymisées, plus des données ouvertes (data.gouv.fr, INSEE). "
            "Recommandation : un dictionnaire des variables avant la séance."
        ),
        "difficulties": "Le temps d'accès aux données ; les formats hétérogènes.",
        "next_leads": "Un atelier de suivi sur la mise en production et le suivi de dérive.",
        "code_links": "Notebook de l'atelier : dépôt interne du club.",
    }


def _demo_reports() -> int:
    created = 0
    workshops = Workshop.objects.filter(status=WorkshopStatus.DONE, report__isnull=True)
    for workshop in workshops.prefetch_related("tags", "hosts"):
        report = Report.objects.create(
            workshop=workshop,
            title=workshop.title,
            status=ReportStatus.PUBLISHED,
            visibility=Visibility.MEMBERS,
            published_at=workshop.ends_at or timezone.now(),
            **_report_sections(workshop),
        )
        report.authors.set(workshop.hosts.all())
        search_document_sync_report(report=report)
        created += 1
    return created


def _demo_notes() -> int:
    created = 0
    tags = {tag.slug: tag for tag in Tag.objects.all()}
    for email, title, body, tag_slugs, visibility in NOTES:
        if Note.objects.filter(title=title).exists():
            continue
        author = Person.objects.filter(email=email).first()
        if author is None:
            continue
        note = Note.objects.create(author=author, title=title, body=body, visibility=visibility)
        note.tags.set([tags[slug] for slug in tag_slugs if slug in tags])
        search_document_sync_note(note=note)
        created += 1
    return created


def _demo_outcomes() -> int:
    if Outcome.objects.filter(title=ETHICALAI).exists():
        return 0
    outcome = Outcome.objects.create(
        kind=OutcomeKind.OPEN_SOURCE,
        title=ETHICALAI,
        description=ETHICALAI_DESCRIPTION,
        date=date(2023, 6, 1),
        case=Case.objects.filter(title__startswith="Écrire notre charte").first(),
    )
    outcome.organisations.set(
        Organisation.objects.filter(slug__in=("danone", "sorbonne-universite"))
    )
    return 1


def demo_knowledge_load() -> int:
    """Create what is missing; return how many reports, notes and outcomes were created."""
    with transaction.atomic():
        return _demo_reports() + _demo_notes() + _demo_outcomes()
