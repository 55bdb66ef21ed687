"""Knowledge search benchmark: 5 000 reports and notes, median search time.

Run: uv run python bench/knowledge_search.py   (SQLite in a temp dir, or DATABASE_URL=postgres://…)

Prints, relative to a trivial indexed lookup (one search document by primary key),
and for the page relative to the trivial /healthz view:
    knowledge_search_common: 12.0 ms (30.0x floor pk_lookup 0.4 ms)
    knowledge_search_rare: …
    knowledge_search_filtered: …
    knowledge_search_page: … (… floor healthz …)
"""

from __future__ import annotations

import os
import random
import time

# Run as a script, so bench/ is on sys.path.
from _common import bench_client, info, measure, report, setup_django

REPORTS = int(os.environ.get("BENCH_REPORTS", "2500"))
NOTES = int(os.environ.get("BENCH_NOTES", "2500"))
ORGANISATIONS = 50
SEED = 20241122
WORDS = [
    "prévision",
    "prévisions",
    "demande",
    "hôtelière",
    "série",
    "temporelle",
    "rupture",
    "choc",
    "modèle",
    "causal",
    "inférence",
    "données",
    "qualité",
    "gouvernance",
    "charte",
    "éthique",
    "apprentissage",
    "profond",
    "réseau",
    "neurones",
    "texte",
    "langue",
    "classification",
    "régression",
    "boosting",
    "arbre",
    "forêt",
    "validation",
    "croisée",
    "dérive",
    "production",
    "pipeline",
    "entrepôt",
    "lac",
    "tableau",
    "bord",
    "client",
    "churn",
    "uplift",
    "forecasting",
    "forecast",
    "demand",
    "hotel",
    "time",
    "series",
    "break",
    "shock",
    "model",
    "causal",
    "inference",
    "data",
    "quality",
    "governance",
    "ethics",
    "deep",
    "learning",
    "neural",
    "network",
    "text",
    "language",
    "classification",
    "regression",
    "boosting",
    "tree",
    "forest",
    "cross",
    "validation",
    "drift",
    "production",
    "pipeline",
    "warehouse",
    "lake",
    "dashboard",
    "customer",
    "churn",
    "uplift",
    "recommendation",
    "ranking",
    "retrieval",
    "embedding",
]


# Filler vocabulary: 3 000 made-up words, so that a topical word appears in some
# documents only (each document draws its topics from a handful of the words above).
FILLER = [f"mot{i}" for i in range(3000)]


def _text(rng: random.Random, words: int) -> str:
    topics = rng.sample(WORDS, 4)
    picked = [
        rng.choice(topics) if rng.random() < 0.15 else rng.choice(FILLER) for _ in range(words)
    ]
    return " ".join(picked).capitalize() + "."


def populate(rng: random.Random):
    from django.db import transaction
    from django.utils import timezone

    from compagnon.accounts.models import User
    from compagnon.knowledge.models import Note, Report, ReportStatus, Visibility
    from compagnon.knowledge.services import (
        search_document_sync_note,
        search_document_sync_report,
    )
    from compagnon.members.models import MembershipType, Organisation, Person, Tag
    from compagnon.workshops.models import Workshop, WorkshopStatus

    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Org {i}", slug=f"org-{i}", email_domains=f"org{i}.example")
            for i in range(ORGANISATIONS)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(
                first_name="P",
                last_name=str(i),
                email=f"p{i}@org{i % ORGANISATIONS}.example",
                organisation=organisations[i % ORGANISATIONS],
                membership_type=MembershipType.EMPLOYEE,
            )
            for i in range(500)
        ]
    )
    tags = list(Tag.objects.all())
    now = timezone.now()
    workshops = Workshop.objects.bulk_create(
        [
            Workshop(
                title=_text(rng, 5),
                status=WorkshopStatus.DONE,
                starts_at=now - timezone.timedelta(days=rng.randint(10, 2000)),
            )
            for _ in range(REPORTS)
        ],
        batch_size=500,
    )
    Workshop.hosts.through.objects.bulk_create(
        [
            Workshop.hosts.through(workshop_id=w.pk, person_id=rng.choice(people).pk)
            for w in workshops
        ],
        batch_size=2000,
    )
    Workshop.tags.through.objects.bulk_create(
        [
            Workshop.tags.through(workshop_id=w.pk, tag_id=tag.pk)
            for w in workshops
            for tag in rng.sample(tags, 2)
        ],
        batch_size=2000,
    )
    reports = Report.objects.bulk_create(
        [
            Report(
                workshop=w,
                title=w.title,
                question=_text(rng, 40),
                what_worked=_text(rng, 80),
                what_did_not=_text(rng, 40),
                next_leads=_text(rng, 30),
                status=ReportStatus.PUBLISHED,
                published_at=w.starts_at,
            )
            for w in workshops
        ],
        batch_size=500,
    )
    notes = Note.objects.bulk_create(
        [
            Note(
                title=_text(rng, 5),
                body=_text(rng, 120),
                author=rng.choice(people),
                visibility=rng.choice(Visibility.values),
            )
            for _ in range(NOTES)
        ],
        batch_size=500,
    )
    started = time.perf_counter()
    with transaction.atomic():
        for item in Report.objects.filter(pk__in=[r.pk for r in reports]).select_related(
            "workshop", "workshop__origin_case"
        ):
            search_document_sync_report(report=item)
        for item in Note.objects.filter(pk__in=[n.pk for n in notes]).select_related("author"):
            search_document_sync_note(note=item)
    per_document = (time.perf_counter() - started) * 1000 / (REPORTS + NOTES)
    info(f"{REPORTS} reports, {NOTES} notes indexed, {per_document:.2f} ms per document")
    user = User.objects.create_user(email="viewer@org0.example", password=None)
    viewer = people[0]
    viewer.user = user
    viewer.save()
    return user, organisations[3], tags[0], per_document


def main() -> None:
    vendor = setup_django()
    info(f"database: {vendor}")
    from django.db import connection
    from django.urls import reverse

    from compagnon.knowledge.models import SearchDocument
    from compagnon.knowledge.search import SearchFilters, search
    from compagnon.members.selectors import viewer_for

    started = time.perf_counter()
    user, organisation, tag, per_document = populate(random.Random(SEED))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    info(f"data generated in {time.perf_counter() - started:.1f} s")

    viewer = viewer_for(user)
    some_pk = SearchDocument.objects.order_by("pk").values_list("pk", flat=True)[
        (REPORTS + NOTES) // 2
    ]
    floor = measure(lambda: SearchDocument.objects.filter(pk=some_pk).first(), runs=50)

    def run(query, filters=None):
        return lambda: search(query=query, viewer=viewer, filters=filters, limit=20)

    common = search(query="forecasting", viewer=viewer).total
    rare = search(query="rupture embedding drift", viewer=viewer).total
    info(f"matches of {REPORTS + NOTES}: 'forecasting' {common}, 'rupture embedding drift' {rare}")
    report("knowledge_search_common", measure(run("forecasting")), floor, floor_name="pk_lookup")
    report(
        "knowledge_search_rare",
        measure(run("rupture embedding drift")),
        floor,
        floor_name="pk_lookup",
    )
    filters = SearchFilters(organisation_id=organisation.pk, tag_ids=frozenset({tag.pk}))
    report(
        "knowledge_search_filtered",
        measure(run("prévisions", filters)),
        floor,
        floor_name="pk_lookup",
    )
    report("knowledge_index_write", per_document, floor, floor_name="pk_lookup")

    client = bench_client(user)
    healthz = reverse("core:healthz")
    page = reverse("knowledge:search") + "?q=forecasting+demand"
    page_floor = measure(lambda: client.get(healthz))
    report("knowledge_search_page", measure(lambda: client.get(page)), page_floor)


if __name__ == "__main__":
    main()
