"""Learning benchmark: a video seek, the player's heartbeat, and query counts at scale.

Run: uv run python bench/learning_range.py   (SQLite in a temp dir, or DATABASE_URL=postgres://…)

In one run, through the whole Django stack (middleware, sessions, signed-in member):
- learning_video_range: a 1 MiB range in the middle of a 32 MiB video through the app's
  range view (members-only check, lesson lookup, streamed in 64 KiB chunks) vs a floor:
  a signed-in view that seeks and reads the same bytes from the same file, no other check;
- learning_video_whole_static_serve: Django's `static.serve` of the whole file, for scale
  (it cannot serve ranges, so every seek would cost the whole file);
- learning_heartbeat: the heartbeat POST (row lock, clamping, maybe completion) from 200
  signed-in viewers in turn vs a trivial signed-in POST view; median and p95;
- learning_queries: the catalogue (filtered) and the lesson page query counts with a
  handful of lessons and again with 10 000 lessons and 100 000 progress rows.
"""

from __future__ import annotations

import random
import statistics
import time

from _common import bench_client, count_queries, info, measure, report, setup_django

VIDEO_BYTES = 32 * 1024 * 1024
RANGE_BYTES = 1024 * 1024
VIEWERS = 200
LESSONS = 10_000
PROGRESS_ROWS = 100_000
SEED = 20261205


def _consume(response):
    if response.streaming:
        b"".join(response.streaming_content)
    else:
        response.content  # noqa: B018 - read the body as a browser would
    return response


def _ok(response):
    # measure() wants 200; a 206 is the success here.
    if response.status_code == 206:
        response.status_code = 200
    return response


def _floor_urls(video_path: str):
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path
    from django.views.decorators.csrf import csrf_exempt
    from django.views.static import serve

    import compagnon.urls as project_urls

    @login_required
    def floor_range(request):
        with open(video_path, "rb") as handle:
            handle.seek(VIDEO_BYTES // 2)
            data = handle.read(RANGE_BYTES)
        return HttpResponse(data, content_type="video/mp4")

    @csrf_exempt
    @login_required
    def trivial(request):
        return HttpResponse("ok")

    directory, name = video_path.rsplit("/", 1)
    project_urls.urlpatterns += [
        path("bench/floor-range/", floor_range),
        path("bench/trivial/", trivial),
        path("bench/static/<path:path>", serve, {"document_root": directory}),
    ]
    clear_url_caches()
    return name


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _timed(calls, rounds: int) -> list[float]:
    durations = []
    for index in range(rounds):
        call = calls[index % len(calls)]
        start = time.perf_counter()
        response = call()
        durations.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"bench: answered {response.status_code}")
    return durations


def main() -> None:
    vendor = setup_django()
    info(f"database: {vendor}")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from compagnon.accounts.models import User
    from compagnon.learning import services
    from compagnon.learning.models import Lesson, LessonKind, LessonProgress, Module, Programme
    from compagnon.members.models import Organisation, Person

    rng = random.Random(SEED)
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
    programme = Programme.objects.create(
        slug="bench", title_fr="Bench", title_en="Bench", is_published=True
    )
    module = Module.objects.create(programme=programme, title_fr="M", title_en="M")
    lesson = Lesson.objects.create(
        module=module, title_fr="Vidéo", title_en="Video", kind=LessonKind.VIDEO, video_seconds=600
    )
    payload = b"\x00\x00\x00\x18ftypmp42" + rng.randbytes(VIDEO_BYTES - 12)
    services.lesson_video_set(
        lesson=lesson, upload=SimpleUploadedFile("v.mp4", payload), seconds=600, actor=None
    )
    lesson.refresh_from_db()
    name = _floor_urls(lesson.video.path)

    client = bench_client(users[0])
    first = VIDEO_BYTES // 2
    range_header = f"bytes={first}-{first + RANGE_BYTES - 1}"
    video_url = f"/learning/lessons/{lesson.pk}/video/"
    floor = measure(lambda: _consume(client.get("/bench/floor-range/")))
    value = measure(lambda: _ok(_consume(client.get(video_url, HTTP_RANGE=range_header))))
    report("learning_video_range", value, floor, floor_name="seek_read_view")
    whole = measure(lambda: _consume(client.get(f"/bench/static/{name}")), runs=5, warmup=1)
    report("learning_video_whole_static_serve", whole, floor, floor_name="seek_read_view")

    clients = [bench_client(user) for user in users]
    heartbeat_url = f"/learning/lessons/{lesson.pk}/heartbeat/"
    for c in clients:
        c.post(heartbeat_url, {"position": 0})
    positions = iter(range(10**9))
    trivial = _timed([lambda c=c: c.post("/bench/trivial/") for c in clients], 600)
    beats = _timed(
        [lambda c=c: c.post(heartbeat_url, {"position": next(positions) % 600}) for c in clients],
        600,
    )
    report(
        "learning_heartbeat_median",
        statistics.median(beats),
        statistics.median(trivial),
        floor_name="trivial_signed_in_post",
    )
    report(
        "learning_heartbeat_p95",
        _p95(beats),
        _p95(trivial),
        floor_name="trivial_signed_in_post_p95",
    )

    catalogue_url = "/learning/?audience=all&level=1"
    lesson_url = f"/learning/lessons/{lesson.pk}/"
    small = (
        count_queries(lambda: client.get(catalogue_url)),
        count_queries(lambda: client.get(lesson_url)),
    )
    started = time.perf_counter()
    modules = Module.objects.bulk_create(
        [
            Module(programme=programme, position=i + 2, title_fr=f"M{i}", title_en=f"M{i}")
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
                audiences=["all"] if i % 3 else ["hr"],
                languages=["fr"],
                level=1 + i % 3,
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
    large = (
        count_queries(lambda: client.get(catalogue_url)),
        count_queries(lambda: client.get(lesson_url)),
    )
    print(
        f"learning_queries: catalogue {small[0]} -> {large[0]}, lesson page {small[1]} -> {large[1]} "
        f"(few lessons -> {LESSONS} lessons and {PROGRESS_ROWS} progress rows)",
        flush=True,
    )
    catalogue_ms = measure(lambda: client.get(catalogue_url), runs=10)
    healthz = measure(lambda: client.get("/healthz"))
    report("learning_catalogue_filtered_10k", catalogue_ms, healthz)


if __name__ == "__main__":
    main()
