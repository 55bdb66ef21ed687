"""Who reaches each page of the public site and the blog desk (walked by test_permissions)."""

from __future__ import annotations

import datetime as dt

from compagnon.core.tests.urltable import REDIRECT, Case, everyone, staff_only


def _post(world, *, published=True):
    name = f"news_post_{published}"
    if not hasattr(world, name):
        from compagnon.news.models import Author, Post, PostJob, PostTag

        post = Post.objects.create(
            slug=f"post-{'published' if published else 'draft'}",
            title="A post",
            date=dt.date(2024, 3, 5),
            body="Hello.\n\n**Job : add a picture.**\n",
            status="published" if published else "draft",
        )
        post.tags.add(PostTag.objects.get_or_create(slug="club", defaults={"name": "club"})[0])
        post.authors.add(Author.objects.get_or_create(slug="ada", defaults={"name": "Ada"})[0])
        PostJob.objects.create(post=post, text="add a picture.")
        setattr(world, name, post)
    return getattr(world, name)


def _slug(world):
    return {"slug": _post(world).slug}


def _job(world):
    post = _post(world)
    return {"slug": post.slug, "pk": post.jobs.get().pk}


URL_TABLE = {
    "news:about": Case(everyone(200)),
    "news:about_edit": [
        Case(staff_only()),
        Case(
            staff_only(REDIRECT),
            method="post",
            data=lambda w: {
                "title_fr": "À propos",
                "title_en": "About",
                "body_fr": "",
                "body_en": "",
            },
        ),
    ],
    "news:bases": Case(everyone(200)),
    "news:projects": Case(everyone(200)),
    "news:robots": Case(everyone(200)),
    "news:sitemap": Case(everyone(200)),
    "news:blog": Case(everyone(200)),
    "news:rss": Case(everyone(200)),
    "news:atom": Case(everyone(200)),
    "news:tag": Case(everyone(200), kwargs=lambda w: (_post(w), {"slug": "club"})[1]),
    "news:author": Case(everyone(200), kwargs=lambda w: (_post(w), {"slug": "ada"})[1]),
    "news:archive": Case(everyone(200)),
    "news:archive_month": Case(
        everyone(200), kwargs=lambda w: (_post(w), {"year": 2024, "month": 3})[1]
    ),
    "news:post": [
        Case(everyone(200), kwargs=_slug),
        Case(
            {**everyone(404), "staff": 200},
            kwargs=lambda w: {"slug": _post(w, published=False).slug},
            note="a draft is for staff only; 404 for everyone else",
        ),
    ],
    "news:manage": Case(staff_only()),
    "news:post_new": Case(staff_only()),
    "news:import": Case(staff_only()),
    "news:preview": Case(staff_only(), method="post", data=lambda w: {"body": "# Hi"}),
    "news:post_edit": Case(staff_only(), kwargs=_slug),
    "news:post_images": Case(staff_only(REDIRECT), kwargs=_slug, method="post"),
    "news:post_publish": Case(
        staff_only(REDIRECT), kwargs=_slug, method="post", data=lambda w: {"action": "publish"}
    ),
    "news:post_job": Case(
        staff_only(REDIRECT), kwargs=_job, method="post", data=lambda w: {"done": "1"}
    ),
}
