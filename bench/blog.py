"""Blog benchmark: 2 000 posts, the blog list and a post page, and rendering a long post.

Run: uv run python bench/blog.py   (SQLite in a temp dir, or DATABASE_URL=postgres://...)

Prints, relative to the trivial /healthz view:
    blog_list_first_page: ... ms (...x floor healthz ... ms)
    blog_list_page_100: ...
    blog_post_page: ...
    blog_list_queries: N at 10 per page, N at 50 per page
    render_long_post_first: ... ms (seed 001 x10, target < 50 ms)
    render_long_post_cached: ... ms
    render_invalidated_on_edit: yes
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from pathlib import Path

from _common import bench_client, count_queries, info, measure, report, setup_django

POSTS = 2000
SEED = 20240601
ROOT = Path(__file__).resolve().parent.parent
SEED_001 = ROOT / "compagnon" / "news" / "tests" / "data" / "2021-02-15-datacraft.md"
WORDS = [
    "data",
    "science",
    "club",
    "atelier",
    "modèle",
    "données",
    "apprentissage",
    "équipe",
    "cas",
    "réel",
]


def populate(rng: random.Random) -> None:
    from compagnon.news.models import Author, Post, PostTag

    authors = Author.objects.bulk_create(
        [Author(slug=f"author-{i}", name=f"Author {i}", title="Data scientist") for i in range(40)]
    )
    tags = PostTag.objects.bulk_create(
        [PostTag(slug=f"tag-{i}", name=f"tag {i}") for i in range(30)]
    )
    start = dt.date(2015, 1, 1)
    posts = Post.objects.bulk_create(
        [
            Post(
                slug=f"post-{i}",
                title=f"Post {i}: " + " ".join(rng.choices(WORDS, k=6)),
                language=rng.choice(("fr", "en")),
                date=start + dt.timedelta(days=i),
                description=" ".join(rng.choices(WORDS, k=20)),
                body="\n\n".join(" ".join(rng.choices(WORDS, k=60)) for _ in range(8)),
                status="published",
            )
            for i in range(POSTS)
        ],
        batch_size=500,
    )
    PostAuthors = Post.authors.through
    PostTags = Post.tags.through
    PostAuthors.objects.bulk_create(
        [PostAuthors(post_id=p.pk, author_id=rng.choice(authors).pk) for p in posts],
        batch_size=1000,
    )
    PostTags.objects.bulk_create(
        [PostTags(post_id=p.pk, posttag_id=t.pk) for p in posts for t in rng.sample(tags, 2)],
        batch_size=1000,
    )


def long_post_body() -> str:
    import frontmatter

    return "\n\n".join([frontmatter.loads(SEED_001.read_text()).content] * 10)


def main() -> None:
    engine = setup_django()
    info(f"database: {engine}, {POSTS} posts")
    rng = random.Random(SEED)
    started = time.perf_counter()
    populate(rng)
    info(f"seeded in {time.perf_counter() - started:.1f} s")

    from compagnon.news import views
    from compagnon.news.models import Post
    from compagnon.news.rendering import render_post
    from compagnon.news.services import post_rendering

    client = bench_client()
    floor = measure(lambda: client.get("/healthz"))
    report("blog_list_first_page", measure(lambda: client.get("/blog/")), floor)
    report("blog_list_page_100", measure(lambda: client.get("/blog/?page=100")), floor)
    post = Post.objects.get(slug="post-1000")
    report("blog_post_page", measure(lambda: client.get(post.get_absolute_url())), floor)

    counts = {}
    for size in (10, 50):
        views.POSTS_PER_PAGE = size
        counts[size] = count_queries(lambda: client.get("/blog/"))
    views.POSTS_PER_PAGE = 10
    print(f"blog_list_queries: {counts[10]} at 10 per page, {counts[50]} at 50 per page")
    post_queries = count_queries(lambda: client.get(post.get_absolute_url()))
    print(f"blog_post_queries: {post_queries}")

    body = long_post_body()
    info(f"long post: {len(body)} characters")
    render_post(body)  # import and parser set-up, once per process
    durations = []
    for _ in range(15):
        start = time.perf_counter()
        render_post(body, title="datacraft")
        durations.append((time.perf_counter() - start) * 1000)
    first = statistics.median(durations)
    verdict = "ok" if first < 50 else "OVER TARGET"
    print(f"render_long_post_first: {first:.1f} ms (seed 001 x10, target < 50 ms: {verdict})")

    long_post = Post.objects.create(
        slug="long-post", title="Long", date=dt.date(2021, 2, 15), body=body, status="published"
    )
    post_rendering(long_post)  # first render, written to the row
    fresh = Post.objects.get(pk=long_post.pk)
    cached = []
    for _ in range(30):
        start = time.perf_counter()
        post_rendering(fresh)
        cached.append((time.perf_counter() - start) * 1000)
    cached_ms = statistics.median(cached)
    print(f"render_long_post_cached: {cached_ms:.2f} ms ({first / cached_ms:.0f}x faster)")
    report("blog_long_post_page", measure(lambda: client.get("/blog/long-post/")), floor)

    Post.objects.filter(pk=long_post.pk).update(body=body + "\n\nUne phrase ajoutée.")
    edited = post_rendering(Post.objects.get(pk=long_post.pk))
    invalidated = "Une phrase ajoutée." in edited.body_html
    print(f"render_invalidated_on_edit: {'yes' if invalidated else 'NO'}")


if __name__ == "__main__":
    main()
