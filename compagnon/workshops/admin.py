"""Admin for workshops: a safety net for staff; the pages and services are the main way in.

Nothing here writes around the services. A workshop's status, span and seats
change through `workshops.services` (the edit form saves through
`workshop_update`, status moves are actions); registrations, sessions,
materials and feedback are read-only here, and a registration's seat or status
moves only through `workshops.registration`, under the workshop's lock.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from compagnon.core.admin import ClubStaffAdminMixin, ReadOnlyAdminMixin, service_action_run
from compagnon.members.selectors import Viewer, viewer_for
from compagnon.workshops import services
from compagnon.workshops.models import (
    Attendance,
    Feedback,
    FeedbackLevel,
    Material,
    Registration,
    Session,
    VisitorRequest,
    Workshop,
    WorkshopStatus,
)
from compagnon.workshops.registration import (
    RegistrationError,
    registration_cancel,
    registration_mark_attendance,
    registration_promote,
)


class SessionInline(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.TabularInline):
    """Sessions move the workshop's span and are told to registrants: the workshop page edits them."""

    model = Session
    extra = 0
    fields = ("title", "starts_at", "ends_at")
    readonly_fields = fields
    can_delete = False


class MaterialInline(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.TabularInline):
    """Uploads are checked (size, type) by `material_add`: the workshop page adds them."""

    model = Material
    extra = 0
    fields = ("kind", "title", "url", "file", "registered_only")
    readonly_fields = fields
    can_delete = False


class WorkshopAdminForm(forms.ModelForm):
    """The same checks as the workshop desk, shown on the form instead of failing on save."""

    class Meta:
        model = Workshop
        fields = (*services.WORKSHOP_FIELDS, *services.WORKSHOP_M2M_FIELDS)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.status in (
            WorkshopStatus.CANCELLED,
            WorkshopStatus.DONE,
        ):
            raise ValidationError(_("A cancelled or finished workshop can no longer be edited."))
        merged = {
            name: cleaned[name] if name in cleaned else getattr(self.instance, name, None)
            for name in services.WORKSHOP_FIELDS
        }
        services.workshop_fields_check(fields=merged)
        return cleaned


@admin.register(Workshop)
class WorkshopAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    form = WorkshopAdminForm
    list_display = ("title", "status", "format", "mode", "base", "starts_at")
    list_filter = ("status", "format", "mode", "audience", "base")
    search_fields = ("title",)
    date_hierarchy = "starts_at"
    raw_id_fields = ("origin_case", "parent", "created_by")
    filter_horizontal = ("hosts", "invitees", "tags", "excluded_organisations")
    readonly_fields = (
        "status",
        "starts_at",
        "ends_at",
        "published_at",
        "cancelled_at",
        "cancellation_reason",
        "time_zone",
        "origin_case",
        "parent",
        "created_by",
    )
    inlines = [SessionInline, MaterialInline]
    actions = ("publish", "close", "mark_done", "cancel")

    def has_add_permission(self, request, *args):
        return False  # planned from a case or on the workshop desk, where sessions are added

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.WORKSHOP_FIELDS
        }
        fresh = Workshop.objects.get(pk=obj.pk)
        services.workshop_update(workshop=fresh, by=request.user, **fields)
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        m2m = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.WORKSHOP_M2M_FIELDS
        }
        if m2m:
            services.workshop_update(workshop=form.instance, by=request.user, **m2m)
        for formset in formsets:
            # The inlines are read-only: this writes nothing, and records that for the history.
            self.save_formset(request, form, formset, change=change)

    def _status(self, request, queryset, call) -> None:
        service_action_run(self, request, queryset.order_by("pk"), call)

    @admin.action(description=_("Publish (open registration)"))
    def publish(self, request, queryset):
        self._status(
            request, queryset, lambda w: services.workshop_publish(workshop=w, by=request.user)
        )

    @admin.action(description=_("Close registration"))
    def close(self, request, queryset):
        self._status(
            request, queryset, lambda w: services.workshop_close(workshop=w, by=request.user)
        )

    @admin.action(description=_("Mark as done (opens feedback)"))
    def mark_done(self, request, queryset):
        self._status(
            request, queryset, lambda w: services.workshop_mark_done(workshop=w, by=request.user)
        )

    @admin.action(description=_("Cancel (everyone registered is told)"))
    def cancel(self, request, queryset):
        self._status(
            request, queryset, lambda w: services.workshop_cancel(workshop=w, by=request.user)
        )


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    """Seats are scarce: only the registration service, under the workshop's lock, moves them."""

    list_display = ("person", "workshop", "status", "seat", "attendance", "queued_at")
    list_filter = ("status", "seat", "attendance")
    list_select_related = ("person", "workshop")
    search_fields = ("person__first_name", "person__last_name", "workshop__title")
    raw_id_fields = ("workshop", "person", "organisation", "attendance_marked_by")
    actions = (
        "cancel_for_person",
        "mark_present",
        "mark_no_show",
        "offer_free_seats",
    )

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted row would free its seat without offering it to anyone

    @admin.action(description=_("Cancel for the person (their seat goes to the next waiting)"))
    def cancel_for_person(self, request, queryset):
        def cancel(registration: Registration) -> None:
            # Staff act for the person, through the same call the person's button makes.
            as_person = Viewer(is_authenticated=True, person=registration.person, user=request.user)
            registration_cancel(registration=registration, viewer=as_person)

        service_action_run(
            self,
            request,
            queryset.select_related("person", "workshop").order_by("pk"),
            cancel,
            refusals=(RegistrationError,),
        )

    def _attendance(self, request, queryset, attendance: str) -> None:
        viewer = viewer_for(request.user)
        service_action_run(
            self,
            request,
            queryset.select_related("workshop").order_by("pk"),
            lambda r: registration_mark_attendance(
                registration=r, viewer=viewer, attendance=attendance
            ),
            refusals=(RegistrationError,),
        )

    @admin.action(description=_("Mark present"))
    def mark_present(self, request, queryset):
        self._attendance(request, queryset, Attendance.PRESENT)

    @admin.action(description=_("Mark as no-show"))
    def mark_no_show(self, request, queryset):
        self._attendance(request, queryset, Attendance.NO_SHOW)

    @admin.action(description=_("Offer free seats of these workshops to their waiting lists"))
    def offer_free_seats(self, request, queryset):
        workshops = Workshop.objects.filter(
            pk__in=queryset.values_list("workshop_id", flat=True)
        ).order_by("pk")
        service_action_run(self, request, workshops, lambda w: registration_promote(workshop=w))


class FeedbackLevelInline(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.TabularInline):
    model = FeedbackLevel
    extra = 0
    can_delete = False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    """What a participant said is theirs: staff read it here."""

    list_display = ("registration", "rating", "created_at")
    list_select_related = ("registration__person", "registration__workshop")
    raw_id_fields = ("registration",)
    filter_horizontal = ("keep_working_with_people", "keep_working_with_organisations")
    inlines = [FeedbackLevelInline]


@admin.register(VisitorRequest)
class VisitorRequestAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    """Visitors' requests to register by email: confirmed ones point at their registration."""

    list_display = ("name", "email", "workshop", "created_at", "confirmed_at", "registration")
    list_select_related = ("workshop", "registration")
    list_filter = ("confirmed_at",)
    search_fields = ("name", "email", "workshop__title")
    exclude = ("ip_hash",)
