"""Admin for the newsletter: staff look; consent changes only through the services.

A subscriber's status is consent: it changes with a `ConsentRecord` written by
`newsletter.services`, never by editing a field. Subscribers come in through the
double opt-in, mailings are written and sent on the newsletter desk.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from compagnon.core.admin import ClubStaffAdminMixin, ReadOnlyAdminMixin, service_action_run
from compagnon.newsletter.models import ConsentRecord, Delivery, Mailing, Subscriber
from compagnon.newsletter.services import subscriber_unsubscribe


class ConsentRecordInline(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.TabularInline):
    model = ConsentRecord
    extra = 0
    can_delete = False
    fields = ("action", "created_at", "source", "consent_version", "language", "ip_hash")
    readonly_fields = fields


@admin.register(Subscriber)
class SubscriberAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("email", "status", "language", "created_at", "confirmed_at")
    list_filter = ("status", "language")
    search_fields = ("email",)
    fields = (
        "email",
        "language",
        "status",
        "confirmed_at",
        "unsubscribed_at",
        "confirmation_sent_at",
        "confirmation_emails",
        "created_at",
        "updated_at",
    )
    # The address is what was consented for; the status is the consent itself.
    readonly_fields = tuple(name for name in fields if name != "language")
    inlines = (ConsentRecordInline,)
    actions = ("unsubscribe",)

    def has_add_permission(self, request, *args):
        return False  # only the person subscribes, through the double opt-in

    def has_delete_permission(self, request, obj=None):
        return False  # the consent records are the club's proof: unsubscribe instead

    @admin.action(description=_("Unsubscribe (recorded as asked by staff)"))
    def unsubscribe(self, request, queryset):
        service_action_run(
            self,
            request,
            queryset.order_by("pk"),
            lambda s: subscriber_unsubscribe(
                subscriber_id=s.pk, source=f"admin:{request.user.pk}", ip_hash=None
            ),
        )


@admin.register(Mailing)
class MailingAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    """Mailings are written, tested and sent on the newsletter desk."""

    list_display = ("subject", "status", "recipients_count", "created_at", "sent_at")
    list_filter = ("status",)
    readonly_fields = (
        "status",
        "recipients_count",
        "created_by",
        "test_sent_to",
        "send_started_at",
        "sent_at",
        "test_sent_at",
    )

    def has_add_permission(self, request, *args):
        return False

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != "draft":
            readonly += ["subject", "body", "digest"]  # what was sent stays as it was sent
        return readonly


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("mailing", "subscriber", "status", "sent_at")
    list_filter = ("status",)
    list_select_related = ("mailing", "subscriber")
    raw_id_fields = ("mailing", "subscriber", "email")
