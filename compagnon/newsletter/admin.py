from django.contrib import admin

from compagnon.newsletter.models import ConsentRecord, Delivery, Mailing, Subscriber


class ConsentRecordInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    can_delete = False
    readonly_fields = ("action", "created_at", "source", "consent_version", "language", "ip_hash")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "status", "language", "created_at", "confirmed_at")
    list_filter = ("status", "language")
    search_fields = ("email",)
    readonly_fields = (
        "confirmation_token",
        "confirmation_sent_at",
        "confirmation_emails",
        "confirmed_at",
        "unsubscribed_at",
        "created_at",
        "updated_at",
    )
    inlines = (ConsentRecordInline,)


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    list_display = ("subject", "status", "recipients_count", "created_at", "sent_at")
    list_filter = ("status",)
    readonly_fields = ("status", "recipients_count", "send_started_at", "sent_at", "test_sent_at")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("mailing", "subscriber", "status", "sent_at")
    list_filter = ("status",)
    list_select_related = ("mailing", "subscriber")
    raw_id_fields = ("mailing", "subscriber", "email")
