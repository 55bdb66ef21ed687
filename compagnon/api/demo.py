"""The demo club's API tokens: the Accor data scientist's dashboard token (and a revoked
one), so the token page has something to show. The raw values are thrown away: a demo
visitor makes their own to try the API. Idempotent by owner and name."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from compagnon.api.models import ApiToken
from compagnon.api.services import token_create, token_revoke


def demo_api_load(*, owner_email: str) -> int:
    owner = get_user_model().objects.filter(email__iexact=owner_email).first()
    if owner is None or ApiToken.objects.filter(user=owner).exists():
        return 0
    token_create(
        user=owner,
        name="Tableau de bord de l'équipe",
        scopes=["workshops:read", "cases:read", "reports:read", "challenges:read"],
        days=90,
    )
    old = token_create(user=owner, name="Script d'essai", scopes=["posts:read"], days=30).token
    token_revoke(token=old, actor=owner, now=timezone.now() - timedelta(days=3))
    return 2
