"""Careers in the admin: staff read profiles and offers (candidates and recruiters edit them
on the site, staff moderate there); staff set up recruitment sessions and their slots here,
saved through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from compagnon.careers.models import (
    CandidateProfile,
    Offer,
    RecruitmentSession,
    SessionSlot,
    SlotBooking,
)
from compagnon.careers.services import (
    recruitment_session_save,
    session_slot_check,
    session_slot_delete,
    session_slot_save,
)
from compagnon.core.admin import ClubStaffAdminMixin, ReadOnlyAdminMixin


@admin.register(CandidateProfile)
class CandidateProfileAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("person", "lab", "defence_on", "visibility")
    list_filter = ("visibility",)
    search_fields = ("person__last_name", "thesis_title", "lab")
    # The CV is never shown here: it is read through the logged download page.
    exclude = ("cv",)


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title", "organisation", "status", "audience", "expires_on")
    list_filter = ("status", "audience")
    search_fields = ("title", "organisation__name")


class SessionSlotForm(forms.ModelForm):
    class Meta:
        model = SessionSlot
        fields = ("organisation", "starts_at", "ends_at")

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the form's values
        if not self.errors:
            try:
                session_slot_check(slot=self.instance)
            except ValidationError as error:
                self.add_error(None, error.messages)


class SessionSlotInline(admin.TabularInline):
    model = SessionSlot
    form = SessionSlotForm
    extra = 3


@admin.register(RecruitmentSession)
class RecruitmentSessionAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title", "starts_at", "place")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("organisations",)
    inlines = [SessionSlotInline]

    def save_model(self, request, obj, form, change):
        recruitment_session_save(session=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        slots = formset.save(commit=False)
        for slot in formset.deleted_objects:
            session_slot_delete(slot=slot, actor=request.user)
        for slot in slots:
            session_slot_save(slot=slot, actor=request.user)
        formset.save_m2m()

    def has_delete_permission(self, request, obj=None):
        booked = obj is not None and SlotBooking.objects.filter(slot__session=obj).exists()
        return super().has_delete_permission(request, obj) and not booked

    def delete_model(self, request, obj):
        for slot in obj.slots.all():
            session_slot_delete(slot=slot, actor=request.user)
        obj.delete()
