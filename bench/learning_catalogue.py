"""Learning benchmark: the filtered catalogue over 10 000 lessons and 100 000 progress rows.

Run: uv run python bench/learning_catalogue.py   (SQLite in a temp dir, or DATABASE_URL=postgres://…)

In one run, through the whole Django stack, signed in as a member:
- learning_catalogue_filtered_10k: `/learning/?audience=all&level=1` (about 2 500 matches,
  first page of 50) vs the floor `/healthz`;
- learning_catalogue_word_10k: the same with a word searched in titles and transcripts;
- the time of each SQL statement of the filtered page goes to stderr, slowest first.
"""

from __future__ import annotations

import time

from _common import bench_client, count_queries, info, measure, report, setup_django

LESSONS = 10_000
PROGRESS_ROWS = 100_000
VIEWERS = 200


def main() -> None:
    vendor = setup_django()
    info(f"database: {vendor}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from compagnon.accounts.models import User
    from compagnon.learning.models import Lesson, LessonKind, LessonProgress, Module, Programme
    from compagnon.members.models import Organisation, Person

    organisation = Organisation.objects.create(
        name="Bench Org", slug="bench-org", email_domains="bench.example"
    )
    users = []
    for i in range(VIEWERS):
        user = User.objects.create_user(email=f"viewer{i}@bench.example", password=None)
        Person.objects.create(
            user=user, first_name=f"V{i}", email=user.email, organisation=organisation
        )
        users.append(user)
    started = time.perf_counter()
    programmes = [
        Programme.objects.create(
            slug=f"bench-{p}", title_fr=f"Bench {p}", title_en=f"Bench {p}", is_published=True
        )
        for p in range(5)
    ]
    modules = Module.objects.bulk_create(
        [
            Module(programme=programmes[i % 5], position=i, title_fr=f"M{i}", title_en=f"M{i}")
            for i in range(100)
        ]
    )
    lessons = Lesson.objects.bulk_create(
        [
            Lesson(
                module=modules[i % 100],
                position=i,
                title_fr=f"Leçon {i}",
                title_en=f"Lesson {i}",
                kind=LessonKind.TEXT,
                audiences=["all", "managers"] if i % 4 else ["hr"],
                languages=["fr", "en"] if i % 2 else ["fr"],
                level=1 + i % 3,
                duration_minutes=5 + i % 20,
            )
            for i in range(LESSONS)
        ],
        batch_size=2000,
    )
    per_user = PROGRESS_ROWS // VIEWERS
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(user=user, lesson=lessons[(u * 37 + k) % LESSONS], share_watched=1.0)
            for u, user in enumerate(users)
            for k in range(per_user)
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    info(
        f"{LESSONS} lessons and {PROGRESS_ROWS} progress rows in {time.perf_counter() - started:.1f} s"
    )

    client = bench_client(users[0])
    filtered_url = "/learning/?audience=all&level=1"
    word_url = "/learning/?audience=all&q=Lesson%2099"
    response = client.get(filtered_url)
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    shown = page.count("/learning/lessons/")
    info(f"lesson links on the page: {shown}")
    assert shown >= 50, "the filtered catalogue shows no lessons"
    with CaptureQueriesContext(connection) as captured:
        client.get(filtered_url)
    for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:4]:
        info(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:160]}")
    info(f"queries: {count_queries(lambda: client.get(filtered_url))}")
    healthz = measure(lambda: client.get("/healthz"))
    report("learning_catalogue_filtered_10k", measure(lambda: client.get(filtered_url)), healthz)
    report("learning_catalogue_word_10k", measure(lambda: client.get(word_url)), healthz)


if __name__ == "__main__":
    main()
