"""Every change to the blog and the public pages goes through these functions."""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from compagnon.news.labels import AUTHOR_PAIRS, TAG_PAIRS, english_of, french_of
from compagnon.news.models import (
    FILE_MAX_BYTES,
    IMAGE_MAX_BYTES,
    Author,
    Page,
    Post,
    PostFile,
    PostImage,
    PostJob,
    PostStatus,
    PostTag,
)
from compagnon.news.rendering import RENDERER_VERSION, RenderedPost, render_post
from compagnon.news.selectors import TAGS_CACHE_KEY


def _lists_changed() -> None:
    """Cached lists (tags in use) are cleared once the change is committed."""
    transaction.on_commit(lambda: cache.delete(TAGS_CACHE_KEY))


POST_FIELDS = (
    "slug",
    "title",
    "language",
    "date",
    "description",
    "body",
    "audio",
    "audio_transcript",
)


# ---------------------------------------------------------------------- rendering


def normalise_path(path: str) -> str:
    """'./img/a%20b.png' and 'img/a b.png' are the same file: 'img/a b.png'."""
    path = unquote(path.strip()).replace("\\", "/")
    path = posixpath.normpath(path.lstrip("/")) if path else ""
    return "" if path in (".", "") else path


@functools.cache
def catalogue_fingerprint(language: str) -> str:
    """The compiled catalogue of `language`: the renderer's labels ("Video", "Note") come
    from it, so a new translation re-renders the posts written in that language."""
    for folder in settings.LOCALE_PATHS:
        path = Path(folder) / language / "LC_MESSAGES" / "django.mo"
        if path.exists():
            return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return ""


def _source_hash(post: Post) -> str:
    parts = (
        post.body,
        post.title,
        post.language,
        post.audio,
        post.audio_transcript,
        catalogue_fingerprint(post.language),
    )
    images = sorted(
        f"{image.source_path}={image.file.name}" for image in post.images.all() if image.source_path
    )
    images += sorted(f"{item.source_path}={item.file.name}" for item in post.files.all())
    return hashlib.sha256("\x00".join((*parts, *images)).encode()).hexdigest()


def post_image_url(post: Post | None) -> Callable[[str], str]:
    """Map a path the post's Markdown uses ('./img/a.png') to its URL in media ('' if none)."""
    images = (
        {image.source_path: image.file.url for image in post.images.all() if image.source_path}
        if post is not None
        else {}
    )
    if post is not None and post.pk:
        for item in post.files.all():
            images.setdefault(item.source_path, item.file.url)

    def image_url(path: str) -> str:
        return images.get(normalise_path(path), "")

    return image_url


def _render(post: Post) -> RenderedPost:
    image_url = post_image_url(post)
    audio = post.audio
    if audio and not audio.startswith(("http://", "https://")):
        audio = image_url(audio)
    return render_post(
        post.body,
        image_url=image_url,
        audio=audio or None,
        audio_transcript=post.audio_transcript or None,
        language=post.language,
        title=post.title,
    )


def post_rendering(post: Post) -> Post:
    """Make sure the cached HTML is current (renderer version and source); return the post.

    The cache lives in the post's row: a stale one is re-rendered once and written
    back with a plain UPDATE (no signals, `updated_at` untouched), and the editors'
    jobs found by the renderer are synchronised.
    """
    source_hash = _source_hash(post)
    if post.rendered_version == RENDERER_VERSION and post.rendered_hash == source_hash:
        return post
    rendered = _render(post)
    post.body_html = rendered.html
    post.excerpt_html = rendered.excerpt_html
    post.plain_text = rendered.text
    post.reading_minutes = rendered.reading_minutes
    post.rendered_version = RENDERER_VERSION
    post.rendered_hash = source_hash
    with transaction.atomic():
        # Two readers opening a stale post at once: the second waits here, then finds the
        # row current and leaves the jobs alone (creating them twice would break the
        # unique (post, text) constraint).
        stamp = (
            Post.objects.select_for_update()
            .filter(pk=post.pk)
            .values_list("rendered_version", "rendered_hash")
            .first()
        )
        if stamp == (RENDERER_VERSION, source_hash):
            return post
        Post.objects.filter(pk=post.pk).update(
            body_html=post.body_html,
            excerpt_html=post.excerpt_html,
            plain_text=post.plain_text,
            reading_minutes=post.reading_minutes,
            rendered_version=RENDERER_VERSION,
            rendered_hash=source_hash,
        )
        _jobs_sync(post, rendered.jobs)
    return post


def _jobs_sync(post: Post, jobs: Iterable[str]) -> None:
    """Current jobs are the renderer's; a job seen before keeps its tick (matched by text)."""
    texts = list(dict.fromkeys(job.strip()[:1000] for job in jobs if job.strip()))
    existing = {job.text: job for job in PostJob.objects.filter(post=post)}
    for position, text in enumerate(texts):
        job = existing.pop(text, None)
        if job is None:
            PostJob.objects.create(post=post, text=text, position=position)
        elif job.position != position or not job.is_current:
            job.position, job.is_current = position, True
            job.save(update_fields=["position", "is_current"])
    stale = [job.pk for job in existing.values() if job.is_current]
    if stale:
        PostJob.objects.filter(pk__in=stale).update(is_current=False)


# ----------------------------------------------------------------------- authors


@transaction.atomic
def author_image_set(*, author: Author, upload: File) -> Author:
    """The author's picture from a file (an import's `image_url: /img/team/a.png`); the same
    file again changes nothing."""
    check_image(upload)
    if author.image and author.image.size == upload.size:
        return author
    old = author.image.name if author.image else ""
    storage = author.image.storage
    author.image.save(posixpath.basename(upload.name or "author.png"), upload, save=False)
    author.save(update_fields=["image"])
    if old:
        transaction.on_commit(lambda: storage.delete(old))
    return author


@transaction.atomic
def author_get_or_create(
    *, name: str, title: str = "", url: str = "", image_url: str = ""
) -> Author:
    """The author with this name (French or English, « Club staff » is « Équipe du club »),
    created or completed (given values win); validated before anything is written."""
    slug = slugify(name)[:120] or "author"
    author = (
        Author.objects.select_for_update().filter(slug=slug).first()
        or Author.objects.select_for_update().filter(name_en__iexact=name.strip()).first()
    )
    if author is None:
        french = french_of(name, AUTHOR_PAIRS)
        if french:
            author = Author.objects.select_for_update().filter(slug=slugify(french)[:120]).first()
            if author is not None and not author.name_en:
                author.name_en = name
                author.full_clean()
                author.save(update_fields=["name_en"])
            elif author is None:
                # Known in both languages: the record is made under its French name.
                author = Author(
                    slug=slugify(french)[:120],
                    name=french,
                    name_en=name,
                    title=title,
                    url=url,
                    image_url=image_url,
                )
    if author is not None and author._state.adding:
        pass
    elif author is None:
        author = Author(
            slug=slug,
            name=name,
            name_en=english_of(name, AUTHOR_PAIRS),
            title=title,
            url=url,
            image_url=image_url,
        )
    else:
        changed = False
        for field_name, value in (("title", title), ("url", url), ("image_url", image_url)):
            if value and getattr(author, field_name) != value:
                setattr(author, field_name, value)
                changed = True
        if not changed:
            return author
    author.full_clean()
    author.save()
    return author


def tags_get_or_create(*, names: Iterable[str]) -> list[PostTag]:
    """One tag per name, found under its French or English label (« workshops » is the tag
    « ateliers »), created with both labels when the pair is known (news/labels.py)."""
    tags = []
    for name in names:
        name = str(name).strip()
        slug = slugify(name)[:80]
        if not slug:
            continue
        tag = (
            PostTag.objects.filter(slug=slug).first()
            or PostTag.objects.filter(name_en__iexact=name).first()
        )
        if tag is None:
            french = french_of(name, TAG_PAIRS)
            if french:
                tag = PostTag.objects.filter(slug=slugify(french)[:80]).first()
                if tag is not None and not tag.name_en:
                    PostTag.objects.filter(pk=tag.pk).update(name_en=name[:80])
                elif tag is None:
                    tag, _created = PostTag.objects.get_or_create(
                        slug=slugify(french)[:80],
                        defaults={"name": french[:80], "name_en": name[:80]},
                    )
        if tag is None:
            tag, _created = PostTag.objects.get_or_create(
                slug=slug,
                defaults={"name": name[:80], "name_en": english_of(name, TAG_PAIRS)[:80]},
            )
        if tag not in tags:
            tags.append(tag)
    return tags


# ------------------------------------------------------------------------- posts


@dataclass
class PostData:
    """What a post is made of, whoever writes it (the staff form or the importer)."""

    slug: str
    title: str
    date: Any
    language: str = "fr"
    description: str = ""
    body: str = ""
    audio: str = ""
    audio_transcript: str = ""
    tags: tuple[str, ...] = ()
    authors: tuple[Author, ...] | None = None
    # None: leave the post's value as it is (the staff form does not show them).
    keywords: str | None = None
    unlisted: bool | None = None


def _apply(post: Post, data: PostData) -> None:
    for name in POST_FIELDS:
        setattr(post, name, getattr(data, name))
    for name in ("keywords", "unlisted"):
        if getattr(data, name) is not None:
            setattr(post, name, getattr(data, name))
    post.full_clean(exclude=["header_image"])


@transaction.atomic
def post_create(*, data: PostData, status: str = PostStatus.DRAFT, source_file: str = "") -> Post:
    post = Post(status=status, source_file=source_file)
    if status == PostStatus.PUBLISHED:
        post.published_at = timezone.now()
    _apply(post, data)
    post.save()
    post.tags.set(tags_get_or_create(names=data.tags))
    if data.authors is not None:
        post.authors.set(data.authors)
    _lists_changed()
    return post


@transaction.atomic
def post_update(*, post: Post, data: PostData) -> Post:
    post = Post.objects.select_for_update().get(pk=post.pk)
    _apply(post, data)
    post.save()
    post.tags.set(tags_get_or_create(names=data.tags))
    if data.authors is not None:
        post.authors.set(data.authors)
    _lists_changed()
    return post


@transaction.atomic
def post_publish(*, post: Post) -> Post:
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status != PostStatus.PUBLISHED:
        post.status = PostStatus.PUBLISHED
        post.published_at = post.published_at or timezone.now()
        post.save(update_fields=["status", "published_at", "updated_at"])
        _lists_changed()
    return post


@transaction.atomic
def post_unpublish(*, post: Post) -> Post:
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status != PostStatus.DRAFT:
        post.status = PostStatus.DRAFT
        post.save(update_fields=["status", "updated_at"])
        _lists_changed()
    return post


IMAGE_MAX_PIXELS = 50_000_000  # a 10 000 x 5 000 photograph; more is a bomb, not a picture


def _megapixels(upload: File) -> str:
    """The size a picture declares, read from its header only (never decoded)."""
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(upload) as picture:
                width, height = picture.size
        return str(round(width * height / 1_000_000))
    except Image.DecompressionBombError as error:
        found = re.search(r"\((\d+) pixels\)", str(error))
        return str(round(int(found.group(1)) / 1_000_000)) if found else "?"
    except Exception:
        return "?"
    finally:
        upload.seek(0)


def check_image(upload: File) -> None:
    """Refuse what is not a picture this site can show: too large, unreadable, a bomb."""
    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The image %(name)s is %(size)s MB; images may be at most 10 MB.")
            % {
                "name": posixpath.basename(upload.name or ""),
                "size": f"{upload.size / 1024 / 1024:.1f}",
            }
        )
    name = posixpath.basename(upload.name or "")
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it: a bomb either way.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as picture:
                width, height = picture.size
                if width * height > IMAGE_MAX_PIXELS:
                    raise Image.DecompressionBombError(f"{width}x{height}")
                picture.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _(
                "%(name)s would take %(pixels)s million pixels once opened (at most %(max)s "
                "million): it is refused as a decompression bomb."
            )
            % {
                "name": name,
                "pixels": _megapixels(upload),
                "max": IMAGE_MAX_PIXELS // 1_000_000,
            }
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("%(name)s is not an image this site can show (PNG, JPEG, GIF or WebP).")
            % {"name": posixpath.basename(upload.name or "")}
        ) from None
    finally:
        upload.seek(0)


@transaction.atomic
def post_image_add(*, post: Post, upload: File, source_path: str = "", alt: str = "") -> PostImage:
    """Store an image for a post; an image with the same path in the post is replaced.

    The replaced file is deleted once the change is committed: a rollback (an import that
    fails on a later file) leaves the row pointing to a file that still exists.
    """
    check_image(upload)
    source_path = normalise_path(source_path)
    if not source_path:
        source_path = normalise_path(posixpath.basename(upload.name or "image"))
    previous = post.images.filter(source_path=source_path).first()
    if previous is not None:
        storage, old_name = previous.file.storage, previous.file.name
        previous.file.save(posixpath.basename(source_path), upload, save=False)
        previous.size = previous.file.size
        previous.alt = alt or previous.alt
        previous.save()
        if old_name:
            transaction.on_commit(lambda: storage.delete(old_name))
        return previous
    image = PostImage(post=post, source_path=source_path, alt=alt)
    image.file.save(posixpath.basename(source_path), upload, save=False)
    image.size = image.file.size
    image.save()
    return image


@transaction.atomic
def post_file_add(*, post: Post, upload: File, source_path: str) -> PostFile:
    """Store a file the post links to (PDF, SVG); the same path in the post is replaced."""
    if upload.size > FILE_MAX_BYTES:
        raise ValidationError(
            _("The file %(name)s is %(size)s MB; linked files may be at most 20 MB.")
            % {
                "name": posixpath.basename(source_path),
                "size": f"{upload.size / 1024 / 1024:.1f}",
            }
        )
    source_path = normalise_path(source_path)
    item = PostFile.objects.filter(post=post, source_path=source_path).first()
    old_name = item.file.name if item is not None else ""
    if item is None:
        item = PostFile(post=post, source_path=source_path)
    storage = item.file.storage
    item.file.save(posixpath.basename(source_path), upload, save=False)
    item.size = item.file.size
    item.full_clean()
    item.save()
    if old_name:
        transaction.on_commit(lambda: storage.delete(old_name))
    return item


@transaction.atomic
def post_header_image_set(*, post: Post, image: PostImage | None) -> None:
    Post.objects.filter(pk=post.pk).update(header_image=image)
    post.header_image = image


@transaction.atomic
def post_job_set_done(*, job: PostJob, done: bool, user) -> PostJob:
    job = PostJob.objects.select_for_update().get(pk=job.pk)
    if done and job.done_at is None:
        job.done_at, job.done_by = timezone.now(), user
    elif not done:
        job.done_at, job.done_by = None, None
    job.save(update_fields=["done_at", "done_by"])
    return job


@transaction.atomic
def page_update(*, slug: str, user, **fields: str) -> Page:
    page, _created = Page.objects.select_for_update().get_or_create(
        slug=slug, defaults={"title_fr": slug, "title_en": slug}
    )
    for name in ("title_fr", "title_en", "body_fr", "body_en"):
        if name in fields:
            setattr(page, name, fields[name])
    page.updated_by = user
    page.full_clean()
    page.save()
    return page
