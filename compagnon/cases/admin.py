"""The staff admin for cases: a view on everything, with the status left to the lifecycle.

Status changes go through `services.case_transition` (the buttons on the
case page), so they are recorded and emailed; the admin shows the status
and the transitions but does not edit them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from compagnon.cases.chat import chat_link_remove
from compagnon.cases.models import (
    Case,
    CaseInvitation,
    CaseStatus,
    CaseTransition,
    ChatLink,
    InboundEmailDraft,
)
from compagnon.cases.services import (
    CASE_FIELDS,
    CASE_M2M_FIELDS,
    case_transition,
    case_update,
    case_update_check,
)
from compagnon.core.admin import ClubStaffAdminMixin, service_action_run


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseTransitionInline(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.TabularInline):
    model = CaseTransition
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    ordering = ("at", "id")


class CaseAdminForm(forms.ModelForm):
    """The case form's checks, shown here; the save goes through `case_update`."""

    class Meta:
        model = Case
        fields = (*CASE_FIELDS, *CASE_M2M_FIELDS)

    def changed_for_service(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in CASE_FIELDS or name in CASE_M2M_FIELDS
        }

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not self.errors:
            try:
                case_update_check(case=self.instance, **self.changed_for_service())
            except ValidationError as error:
                self._update_errors(error)
        return cleaned


@admin.register(Case)
class CaseAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    form = CaseAdminForm
    list_display = ("title", "status", "format", "organisation", "brought_by", "created_at")
    list_filter = ("status", "format", "confidentiality", "source", "base", "created_at")
    list_select_related = ("organisation", "brought_by")
    search_fields = (
        "title",
        "description",
        "brought_by__email",
        "brought_by__last_name",
        "organisation__name",
    )
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    autocomplete_fields = ("brought_by", "organisation", "tags", "base")
    filter_horizontal = ("shared_with", "excluded_organisations")
    readonly_fields = (
        "status",
        "brought_by",
        "organisation",
        "decline_reason",
        "opened_at",
        "source",
        "filed_by",
        "inbound_message_id",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "description", "tags", "status", "decline_reason")}),
        (_("Who"), {"fields": ("brought_by", "organisation", "filed_by", "source")}),
        (_("Data"), {"fields": ("data_description", "data_volume", "data_sharing")}),
        (
            _("Confidentiality"),
            {"fields": ("confidentiality", "shared_with", "excluded_organisations")},
        ),
        (
            _("How to work on it"),
            {
                "fields": (
                    "format",
                    "base",
                    "remote_ok",
                    "language",
                    "horizon",
                    "wants_research",
                    "interested_needed",
                )
            },
        ),
        (_("Record"), {"fields": ("opened_at", "inbound_message_id", "created_at", "updated_at")}),
    )
    inlines = (CaseTransitionInline,)
    actions = ("open_for_interest", "close")

    def has_add_permission(self, request, *args):
        return False  # filed on the case form (staff may file for a member there)

    def save_model(self, request, obj, form, change):
        # Through the service: a change of confidentiality reaches what derives from the case.
        changed = form.changed_for_service()
        fields = {name: value for name, value in changed.items() if name in CASE_FIELDS}
        if fields:
            case_update(case=Case.objects.get(pk=obj.pk), actor=request.user, **fields)

    def save_related(self, request, form, formsets, change):
        changed = form.changed_for_service()
        m2m = {name: value for name, value in changed.items() if name in CASE_M2M_FIELDS}
        if m2m:
            case_update(case=form.instance, actor=request.user, **m2m)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _move(self, request, queryset, to_status: str) -> None:
        service_action_run(
            self,
            request,
            queryset.order_by("pk"),
            lambda case: case_transition(
                case=case, to_status=to_status, actor=request.user, note="admin"
            ),
        )

    @admin.action(description=_("Open for interest"))
    def open_for_interest(self, request, queryset):
        self._move(request, queryset, CaseStatus.OPEN)

    @admin.action(description=_("Close"))
    def close(self, request, queryset):
        self._move(request, queryset, CaseStatus.CLOSED)


@admin.register(CaseInvitation)
class CaseInvitationAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    """Invitations are sent and answered through `cases.invitations`: a view here."""

    list_display = ("case", "person", "answer", "volunteered", "created_at", "answered_at")
    list_filter = ("answer", "volunteered", "created_at")
    list_select_related = ("case", "person")
    search_fields = ("case__title", "person__email", "person__last_name")
    raw_id_fields = ("case", "person", "invited_by")
    ordering = ("-created_at",)


@admin.register(CaseTransition)
class CaseTransitionAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("case", "from_status", "to_status", "actor", "at")
    list_filter = ("to_status", "at")
    list_select_related = ("case", "actor")
    search_fields = ("case__title", "note")
    ordering = ("-at", "-id")


@admin.register(ChatLink)
class ChatLinkAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    """Who is linked to which chat account. Linking is proved by the person's code in the chat;
    staff may only unlink (a lost chat account, a person who left)."""

    list_display = ("person", "chat_user_name", "chat_user_id", "confirmed_at")
    list_select_related = ("person",)
    search_fields = ("person__first_name", "person__last_name", "chat_user_name", "chat_user_id")
    exclude = ("code_digest", "code_expires_at")
    actions = ["unlink"]

    @admin.action(description=_("Unlink the chat account"))
    def unlink(self, request, queryset):
        service_action_run(
            self,
            request,
            queryset.select_related("person"),
            lambda link: chat_link_remove(person=link.person),
        )


@admin.register(InboundEmailDraft)
class InboundEmailDraftAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    """Cases sent by email that wait for their sender's confirmation (or were confirmed)."""

    list_display = ("title", "person", "created_at", "confirmed_at", "case")
    list_select_related = ("person", "case")
    list_filter = ("confirmed_at",)
    search_fields = ("title", "person__first_name", "person__last_name")
