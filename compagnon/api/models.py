"""Personal access tokens: a member's key to the REST API.

Only a SHA-256 of the token is stored (tokens are 256 random bits, so a slow hash
would add nothing); the token itself is shown once, when it is made.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The areas of the API; each has a read scope, and those that accept writes a write scope.
AREAS: tuple[str, ...] = (
    "people",
    "organisations",
    "workshops",
    "cases",
    "reports",
    "posts",
    "challenges",
)
WRITE_AREAS: tuple[str, ...] = ("workshops", "cases", "challenges")
SCOPES: tuple[str, ...] = (
    *(f"{area}:read" for area in AREAS),
    *(f"{area}:write" for area in WRITE_AREAS),
)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters, to recognise a token in a list without storing it.
    prefix = models.CharField(_("prefix"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"api-token:{self.pk}"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
