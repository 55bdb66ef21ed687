"""Reads of the public site, shared by views, feeds, the sitemap and the newsletter."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth

from compagnon.news.models import Author, Page, Post, PostJob, PostStatus, PostTag, Project

ABOUT_SLUG = "about"


def posts_published() -> QuerySet[Post]:
    """Published posts, newest first, with what a list shows (authors, tags) prefetched."""
    return (
        Post.objects.filter(status=PostStatus.PUBLISHED, unlisted=False)
        .select_related("header_image")
        .prefetch_related(
            Prefetch("authors", queryset=Author.objects.order_by("name")),
            Prefetch("tags", queryset=PostTag.objects.order_by("name")),
        )
        .defer("body", "body_html", "plain_text")
        .order_by("-date", "-pk")
    )


def posts_published_between(*, start: date | datetime, end: date | datetime) -> QuerySet[Post]:
    """Published posts dated from `start` to `end` included (for the newsletter's digest).

    Each has `title`, `get_absolute_url()`, `description`, `date` and `language`.
    """
    if isinstance(start, datetime):
        start = start.date()
    if isinstance(end, datetime):
        end = end.date()
    return posts_published().filter(date__gte=start, date__lte=end).order_by("date", "pk")


def latest_posts(*, limit: int = 3) -> list[Post]:
    return list(posts_published()[:limit])


def post_for_viewer(*, slug: str, is_staff: bool) -> Post | None:
    """A published post for everyone; drafts for staff only (None: 404)."""
    # The images are read to check the cached rendering (services.post_rendering).
    posts = Post.objects.select_related("header_image").prefetch_related(
        "authors", "tags", "images", "files"
    )
    if not is_staff:
        posts = posts.filter(status=PostStatus.PUBLISHED)
    return posts.filter(slug=slug).first()


def post_jobs(post: Post) -> list[PostJob]:
    return list(post.jobs.filter(is_current=True).select_related("done_by"))


def posts_for_staff() -> QuerySet[Post]:
    return Post.objects.only("slug", "title", "status", "date", "language").annotate(
        open_jobs=Count("jobs", filter=Q(jobs__is_current=True, jobs__done_at__isnull=True))
    )


class ArchiveMonth(TypedDict):
    month: date
    count: int


def archive_months() -> list[ArchiveMonth]:
    """[{'month': date, 'count': n}, ...] newest first, for the archive page."""
    return list(
        Post.objects.filter(status=PostStatus.PUBLISHED, unlisted=False)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
    )


TAGS_CACHE_KEY = "news:tags-in-use"
TAGS_CACHE_SECONDS = 3600


def tags_in_use() -> list[PostTag]:
    """Tags of published posts with their count; cached, cleared by every post change."""
    tags = cache.get(TAGS_CACHE_KEY)
    if tags is None:
        tags = list(
            PostTag.objects.annotate(
                count=Count("post", filter=Q(post__status=PostStatus.PUBLISHED))
            )
            .filter(count__gt=0)
            .order_by("name")
        )
        cache.set(TAGS_CACHE_KEY, tags, TAGS_CACHE_SECONDS)
    return tags


def projects_public() -> QuerySet[Project]:
    return (
        Project.objects.filter(is_public=True)
        .select_related("workshop")
        .prefetch_related("organisations")
        .order_by("-date", "name")
    )


def about_page() -> Page | None:
    return Page.objects.filter(slug=ABOUT_SLUG).first()


def record_by_english_slug(
    model: type[PostTag] | type[Author], slug: str
) -> PostTag | Author | None:
    """The tag or author whose English name has this slug (its page before the merge)."""
    from django.utils.text import slugify

    for record in model.objects.exclude(name_en="").only("slug", "name_en"):
        if slugify(record.name_en) == slug:
            return record
    return None
