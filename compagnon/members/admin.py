"""The staff admin for bases, the tag taxonomy, organisations and people."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from compagnon.core.admin import ClubStaffAdminMixin, service_action_run
from compagnon.members.models import (
    Base,
    Interest,
    Language,
    MembershipStatus,
    Organisation,
    Person,
    Sector,
    Skill,
    SkillLevelChange,
    SkillSource,
    Tag,
)
from compagnon.members.services import (
    organisation_membership_set,
    person_skill_remove,
    person_skill_set,
)
from compagnon.workshops.services import base_time_zone_change, base_time_zone_check


class BaseAdminForm(forms.ModelForm):
    class Meta:
        model = Base
        fields = ("name", "slug", "city", "country", "time_zone", "address", "is_active")

    def clean_time_zone(self) -> str:
        # Workshops at a base announce their times in its zone: the workshops app
        # refuses a change while upcoming workshops there have registrations.
        time_zone = self.cleaned_data["time_zone"]
        try:
            base_time_zone_check(base=self.instance, time_zone=time_zone)
        except ValidationError as error:
            raise ValidationError(error.message_dict["time_zone"]) from error
        return time_zone


@admin.register(Base)
class BaseAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    form = BaseAdminForm
    list_display = ("name", "city", "country", "time_zone", "is_active")
    list_filter = ("is_active", "country")
    search_fields = ("name", "city")
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request, obj, form, change):
        if change and "time_zone" in form.changed_data:
            # Moves the base's upcoming workshops to the new zone, under the base's lock.
            base_time_zone_change(base=obj, time_zone=obj.time_zone)
        super().save_model(request, obj, form, change)


@admin.register(Tag)
class TagAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("label_fr", "label_en", "parent", "synonyms")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("parent",)
    search_fields = ("label_fr", "label_en", "synonyms", "slug")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("label_en",)}
    ordering = ("label_en",)


@admin.register(Sector)
class SectorAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("label_fr", "label_en", "synonyms")
    search_fields = ("label_fr", "label_en", "synonyms", "slug")
    prepopulated_fields = {"slug": ("label_en",)}


@admin.register(Organisation)
class OrganisationAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "plan", "status", "home_base", "member_until", "people_count")
    list_filter = ("kind", "plan", "status", "home_base", "is_demo")
    list_select_related = ("home_base",)
    search_fields = ("name", "email_domains")
    autocomplete_fields = ("home_base",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("status", "created_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ("membership_active", "membership_lapsed")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "kind",
                    "sector",
                    "home_base",
                    "description",
                    "website",
                    "logo",
                )
            },
        ),
        (_("Membership"), {"fields": ("plan", "status", "member_since", "member_until")}),
        (_("Sign-up"), {"fields": ("email_domains",)}),
        (_("Record"), {"fields": ("is_demo", "created_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_total=Count("people", distinct=True))

    @admin.display(description=_("people"), ordering="people_total")
    def people_count(self, obj: Organisation):
        url = reverse("admin:members_person_changelist") + f"?organisation__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.people_total)

    def _membership(self, request, queryset, status: str) -> None:
        service_action_run(
            self,
            request,
            queryset.order_by("pk"),
            lambda o: organisation_membership_set(
                organisation=o, status=status, actor=request.user
            ),
        )

    @admin.action(description=_("Membership active"))
    def membership_active(self, request, queryset):
        self._membership(request, queryset, MembershipStatus.ACTIVE)

    @admin.action(description=_("Membership lapsed"))
    def membership_lapsed(self, request, queryset):
        self._membership(request, queryset, MembershipStatus.LAPSED)


class SkillInline(ClubStaffAdminMixin, admin.TabularInline):
    model = Skill
    fields = ("tag", "level", "can_teach")
    autocomplete_fields = ("tag",)
    extra = 1


class InterestInline(ClubStaffAdminMixin, admin.TabularInline):
    model = Interest
    fields = ("tag",)
    autocomplete_fields = ("tag",)
    extra = 1


class HasAccountFilter(admin.SimpleListFilter):
    title = _("account")
    parameter_name = "has_account"

    def lookups(self, request, model_admin):
        return [("yes", _("Has an account")), ("no", _("No account yet"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(user__isnull=False)
        if self.value() == "no":
            return queryset.filter(user__isnull=True)
        return queryset


class PersonAdminForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Person
        fields = ("languages",)  # the admin's fieldsets decide the rest


@admin.register(Person)
class PersonAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    form = PersonAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "full_name",
        "email",
        "organisation",
        "role_family",
        "membership_type",
        "has_account",
        "base",
    )
    list_filter = (
        "membership_type",
        "role_family",
        "base",
        ("organisation__kind", admin.ChoicesFieldListFilter),
        "directory_visibility",
        "is_org_manager",
        HasAccountFilter,
        "is_demo",
    )
    list_select_related = ("organisation", "base")
    search_fields = ("first_name", "last_name", "email", "job_title", "organisation__name")
    autocomplete_fields = ("organisation", "base", "user")
    inlines = (SkillInline, InterestInline)
    actions = ("invite_to_claim_account", "export_personal_data", "erase_personal_data")
    readonly_fields = ("created_at", "updated_at")
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("first_name", "last_name", "email", "user")}),
        (
            _("Membership"),
            {
                "fields": (
                    "membership_type",
                    "organisation",
                    "is_org_manager",
                    "job_title",
                    "role_family",
                    "joined_organisation_on",
                    "left_organisation_on",
                )
            },
        ),
        (_("Profile"), {"fields": ("bio", "languages", "base", "remote_ok")}),
        (_("Links"), {"fields": ("linkedin_url", "github_url", "orcid", "website_url")}),
        (
            _("Directory and invitations"),
            {"fields": ("directory_visibility", "do_not_invite_before")},
        ),
        (_("Record"), {"fields": ("is_demo", "created_at", "updated_at")}),
    )

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj: Person) -> str:
        return obj.full_name

    @admin.display(description=_("account"), boolean=True, ordering="user")
    def has_account(self, obj: Person) -> bool:
        return obj.has_account

    def save_model(self, request, obj, form, change):
        obj.email = obj.email.strip().lower()
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Skill:
            return super().save_formset(request, form, formset, change)
        # Skill levels go through the services so that every change reaches the history.
        # The three lists are what the admin's change message reads.
        person = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed() and not formset._should_delete_form(inline_form):
                continue
            original = inline_form.instance if inline_form.instance.pk else None
            old_tag = Tag.objects.get(pk=original.tag_id) if original is not None else None
            if formset._should_delete_form(inline_form):
                if old_tag is not None:
                    person_skill_remove(
                        person=person, tag=old_tag, actor=request.user, source=SkillSource.ADMIN
                    )
                    formset.deleted_objects.append(original)
                continue
            data = inline_form.cleaned_data
            if not data or data.get("tag") is None:
                continue
            if old_tag is not None and old_tag.pk != data["tag"].pk:
                person_skill_remove(
                    person=person, tag=old_tag, actor=request.user, source=SkillSource.ADMIN
                )
            skill = person_skill_set(
                person=person,
                tag=data["tag"],
                level=data["level"],
                can_teach=data.get("can_teach", False),
                actor=request.user,
                source=SkillSource.ADMIN,
            )
            if original is None:
                formset.new_objects.append(skill)
            else:
                formset.changed_objects.append((skill, inline_form.changed_data))
        return None

    @admin.action(description=_("Invite to claim their account"))
    def invite_to_claim_account(self, request, queryset):
        # Imported here: the accounts app depends on members, not the other way round.
        from compagnon.accounts.services import invitation_create

        sent = skipped = 0
        problems: list[str] = []
        for person in queryset.order_by("pk"):
            if person.user_id is not None:
                skipped += 1
                continue
            try:
                invitation_create(person=person, invited_by=request.user)
            except ValidationError as error:
                problems.append(f"{person.email}: {' '.join(error.messages)}")
                continue
            sent += 1

        parts = [
            ngettext("%(count)d invitation sent", "%(count)d invitations sent", sent)
            % {"count": sent}
        ]
        if skipped:
            parts.append(
                ngettext(
                    "%(count)d skipped (already has an account)",
                    "%(count)d skipped (already have an account)",
                    skipped,
                )
                % {"count": skipped}
            )
        self.message_user(
            request, ", ".join(parts) + ".", messages.SUCCESS if sent else messages.WARNING
        )
        if problems:
            self.message_user(
                request,
                gettext("Not invited: %(problems)s") % {"problems": "; ".join(problems)},
                messages.ERROR,
            )

    # --- personal data: export, erasure, deletion (accounts.privacy) ---------------------------

    @admin.action(description=_("Download everything held on this person (zip)"))
    def export_personal_data(self, request, queryset):
        from compagnon.accounts.privacy import person_data_export

        if queryset.count() != 1:
            self.message_user(
                request, gettext("Choose exactly one person to export."), messages.WARNING
            )
            return None
        export = person_data_export(actor=request.user, person=queryset.get())
        response = HttpResponse(export.content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description=_("Erase personal data (anonymise, close the account)"))
    def erase_personal_data(self, request, queryset):
        from compagnon.accounts.privacy import person_erase

        people = list(queryset.order_by("pk"))
        if request.POST.get("post") != "yes":
            # A confirmation page first, as for a deletion: this cannot be undone.
            return TemplateResponse(
                request,
                "admin/members/person/erase_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("Erase personal data?"),
                    "opts": self.model._meta,
                    "people": people,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        service_action_run(
            self, request, people, lambda p: person_erase(actor=request.user, person=p)
        )
        return None

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Their registrations are cancelled through the registration service first
        # (seats passed on), by `person_delete`: no delete permission needed on them.
        from compagnon.workshops.models import Registration

        perms_needed = set(perms_needed) - {str(Registration._meta.verbose_name)}
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        from compagnon.accounts.privacy import person_delete

        # Never an active login left behind, and seats pass on to the waiting list.
        person_delete(person=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        from compagnon.accounts.privacy import person_delete

        for person in queryset.order_by("pk"):
            person_delete(person=person, actor=request.user)


@admin.register(SkillLevelChange)
class SkillLevelChangeAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    """The skills history, read-only: it is written by the members services."""

    list_display = ("person", "tag", "previous_level", "level", "source", "changed_at")
    list_filter = ("source",)
    list_select_related = ("person", "tag")
    search_fields = ("person__first_name", "person__last_name", "person__email")
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
