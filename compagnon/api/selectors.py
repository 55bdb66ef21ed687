"""Reads of the API app: tokens by owner, for staff, and by their raw value."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from compagnon.api.models import ApiToken
from compagnon.api.services import TOKEN_PREFIX, token_hash


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def tokens_all() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user", "revoked_by").order_by("-created_at", "-pk")


def token_for_manager(*, pk: int, user: Any) -> ApiToken:
    """A token its owner (or staff) may revoke; 404 for anyone else's."""
    tokens = tokens_all() if user.is_staff else tokens_of(user)
    token = tokens.filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


def token_live_for_raw(raw: str, now: datetime | None = None) -> ApiToken | None:
    """The live token behind a raw value, or None (unknown, revoked, expired, inactive owner)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = now or timezone.now()
    return (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=token_hash(raw),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .first()
    )


def token_is_live(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return token.revoked_at is None and token.expires_at > now
