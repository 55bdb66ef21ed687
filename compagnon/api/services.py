"""Writes of the API app: making and revoking personal access tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.api.models import SCOPES, ApiToken

TOKEN_PREFIX = "cpat_"
EXPIRY_DAYS: tuple[int, ...] = (7, 30, 90, 365)
MAX_TOKENS_PER_USER = 20


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown once, never stored


def token_create(
    *, user: Any, name: str, scopes: list[str], days: int, now: datetime | None = None
) -> NewToken:
    """A new token for `user`; the raw value is returned once and only its hash is kept."""
    now = now or timezone.now()
    name = (name or "").strip()
    errors: dict[str, list[Any]] = {}
    if not name:
        errors.setdefault("name", []).append(_("Give the token a name, to recognise it later."))
    elif len(name) > 100:
        errors.setdefault("name", []).append(_("The name is limited to 100 characters."))
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        errors.setdefault("scopes", []).append(
            _("Unknown scopes: %(scopes)s.") % {"scopes": ", ".join(unknown)}
        )
    elif not scopes:
        errors.setdefault("scopes", []).append(_("Choose at least one scope."))
    if days not in EXPIRY_DAYS:
        errors.setdefault("days", []).append(_("Choose one of the offered lifetimes."))
    if errors:
        raise ValidationError(errors)
    if user is None or not user.is_active:
        raise PermissionDenied("Only an active account owns tokens.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        live = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
        if live.count() >= MAX_TOKENS_PER_USER:
            raise ValidationError(
                _("You have %(limit)d live tokens: revoke one before making another.")
                % {"limit": MAX_TOKENS_PER_USER}
            )
        token = ApiToken(
            user=user,
            name=name,
            prefix=raw[: len(TOKEN_PREFIX) + 6],
            key_hash=token_hash(raw),
            scopes=[scope for scope in SCOPES if scope in set(scopes)],
            expires_at=now + timedelta(days=days),
        )
        token.full_clean()
        token.save()
    return NewToken(token=token, raw=raw)


def token_revoke(*, token: ApiToken, actor: Any, now: datetime | None = None) -> ApiToken:
    """Its owner or staff revoke a token; revoking twice keeps the first date."""
    if actor is None or not (actor.pk == token.user_id or actor.is_staff):
        raise PermissionDenied("Only the token's owner or staff revoke it.")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = now or timezone.now()
            locked.revoked_by = actor
            locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def token_touch(*, token: ApiToken, now: datetime | None = None) -> None:
    """Record when a token was last used, at most once a minute (no write per request)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
