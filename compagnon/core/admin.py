"""Admin shared pieces, and the outgoing email log."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compagnon.core.models import OutboundEmail


class ClubStaffAdminMixin:
    """Club staff (`is_staff`) run the platform: they get the club's models without per-model grants.

    Django's admin asks for a model permission on top of `is_staff`; the club
    has one staff role, so the club's own models open to every active staff
    account. Superusers keep whatever Django gives them; anyone else falls back
    to Django's permission checks.
    """

    @staticmethod
    def _is_club_staff(request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff)

    def has_module_permission(self, request):
        return self._is_club_staff(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._is_club_staff(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._is_club_staff(request) or super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._is_club_staff(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._is_club_staff(request) or super().has_delete_permission(request, obj)


def service_action_run(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    objects: Iterable[Any],
    call: Callable[[Any], object],
    *,
    refusals: tuple[type[Exception], ...] = (),
) -> int:
    """Run one service call per selected object and tell staff what was done and what refused.

    Admin actions change state only through services: the lock, the record and
    the emails come with the call. Each object is its own transaction (the
    service's), so one refusal does not undo the others. Returns how many went through.
    """
    done = 0
    problems: list[str] = []
    for obj in objects:
        try:
            call(obj)
        except (ValidationError, PermissionDenied, *refusals) as error:
            text = " ".join(getattr(error, "messages", None) or [str(error) or gettext("refused")])
            problems.append(f"{obj}: {text}")
        else:
            done += 1
    modeladmin.message_user(
        request,
        gettext("Done for %(count)d of %(total)d.")
        % {"count": done, "total": done + len(problems)},
        messages.SUCCESS if done else messages.WARNING,
    )
    if problems:
        modeladmin.message_user(
            request,
            gettext("Refused: %(problems)s") % {"problems": "; ".join(problems)},
            messages.ERROR,
        )
    return done


class ReadOnlyAdminMixin:
    """A view on rows that services write: staff look, never type."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SentFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Waiting to be sent")),
            ("failed", _("Failed at least once")),
            ("sent", _("Sent")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(sent_at__isnull=True)
        if self.value() == "failed":
            return queryset.exclude(last_error="")
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    """A read-only log: emails are written by the code that sends them, never by hand."""

    list_display = ("subject", "recipients", "created_at", "sent_at", "attempts", "short_error")
    list_filter = (SentFilter, "created_at")
    search_fields = ("subject", "to")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    fields = (
        "subject",
        "to",
        "key",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
        "headers",
        "body_text",
        "body_html",
    )
    readonly_fields = fields

    @admin.display(description=_("to"))
    def recipients(self, obj: OutboundEmail) -> str:
        return ", ".join(obj.to)

    @admin.display(description=_("last error"))
    def short_error(self, obj: OutboundEmail) -> str:
        return Truncator(obj.last_error).chars(80)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
