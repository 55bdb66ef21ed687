from django.contrib import admin

from compagnon.chat.models import DigestPost, InvitationMessage
from compagnon.core.admin import ClubStaffAdminMixin


class _ReadOnly(ClubStaffAdminMixin, admin.ModelAdmin):
    # A record of what was posted: written by the chat services only.
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InvitationMessage)
class InvitationMessageAdmin(_ReadOnly):
    list_display = ("invitation", "chat_user_id", "posted_at", "attempts", "answered_at")
    list_select_related = ("invitation__case", "invitation__person")


@admin.register(DigestPost)
class DigestPostAdmin(_ReadOnly):
    list_display = ("__str__", "posted_at")
