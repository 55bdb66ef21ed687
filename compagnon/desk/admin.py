"""Membership requests and contact messages in the admin: to look up, not to handle.

They are handled on the desk (`/staff/`), through `desk.services`; here every
field is read-only and nothing is added or deleted by hand.
"""

from django.contrib import admin

from compagnon.core.admin import ClubStaffAdminMixin
from compagnon.desk.models import ContactMessage, MembershipRequest


class _ReadOnlyAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MembershipRequest)
class MembershipRequestAdmin(_ReadOnlyAdmin):
    list_display = ("__str__", "kind", "contact_email", "status", "created_at", "handled_by")
    list_filter = ("status", "kind")
    search_fields = ("organisation_name", "contact_name", "contact_email")


@admin.register(ContactMessage)
class ContactMessageAdmin(_ReadOnlyAdmin):
    list_display = ("name", "email", "topic", "created_at", "closed_at")
    list_filter = ("topic",)
    search_fields = ("name", "email", "message")
