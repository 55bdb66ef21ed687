"""In-app notices: the short "something happened for you" lines behind the header's Notices link.

A notice is written in the caller's transaction (like an email row), so a
rolled-back action leaves none. `key` makes sending idempotent: the same key
for the same user keeps one notice, whatever the number of calls or retries.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from compagnon.core.models import Notice

NOTICE_LIST_LIMIT = 50
_TEXT_MAX = Notice._meta.get_field("text").max_length or 300
_URL_MAX = Notice._meta.get_field("url").max_length or 300


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def notice_send(*, user: Any, text: str, url: str = "", key: str = "") -> Notice | None:
    """Tell `user` something in the app; None when there is no account to tell."""
    if user is None:
        return None
    text = _clip(text, _TEXT_MAX)
    url = url if len(url) <= _URL_MAX else ""
    if not key:
        return Notice.objects.create(user=user, text=text, url=url)
    existing = Notice.objects.filter(user=user, key=key).first()
    if existing is not None:
        return existing
    try:
        # A savepoint: a concurrent sender of the same key must not break the caller's transaction.
        with transaction.atomic():
            return Notice.objects.create(user=user, text=text, url=url, key=key)
    except IntegrityError:
        return Notice.objects.get(user=user, key=key)


def notices_for(user: Any, *, limit: int = NOTICE_LIST_LIMIT) -> list[Notice]:
    """The user's latest notices, newest first."""
    return list(Notice.objects.filter(user=user).order_by("-created_at", "-id")[:limit])


def notices_unread(user: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user, read_at__isnull=True)


def notices_unread_count(user: Any) -> int:
    """One COUNT query; 0 for visitors."""
    if user is None or not user.is_authenticated:
        return 0
    return notices_unread(user).count()


def notices_mark_read(*, user: Any, up_to_id: int | None = None) -> int:
    """Mark the user's unread notices read, those the page showed (id <= up_to_id) when given.

    A notice that arrived after the page was drawn stays unread.
    """
    unread = notices_unread(user)
    if up_to_id is not None:
        unread = unread.filter(pk__lte=up_to_id)
    return unread.update(read_at=timezone.now())


def notices_mark_read_by_key(*, user: Any, keys: list[str]) -> int:
    """Mark read the user's notices about one thing (its keys), once the thing is dealt with.

    An invitation answered from its email or the home page should not stay
    "unread" behind the Notices link.
    """
    if user is None or not keys:
        return 0
    return notices_unread(user).filter(key__in=keys).update(read_at=timezone.now())
