from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from compagnon.api.models import ApiToken
from compagnon.api.services import token_revoke
from compagnon.core.admin import ClubStaffAdminMixin, service_action_run


@admin.register(ApiToken)
class ApiTokenAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    """Tokens are made by their owners on the account page; staff only look and revoke."""

    list_display = ("name", "user", "prefix", "expires_at", "last_used_at", "revoked_at")
    search_fields = ("name", "user__email", "prefix")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "scopes",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    )
    exclude = ("key_hash",)
    actions = ("revoke",)

    def has_add_permission(self, request, *args):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        service_action_run(
            self, request, queryset, lambda token: token_revoke(token=token, actor=request.user)
        )
