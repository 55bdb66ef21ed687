"""The staff admin for accounts (email is the login, no username) and invitations."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm as DjangoAdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from compagnon.accounts.models import Invitation, User
from compagnon.accounts.privacy import account_close, person_erase
from compagnon.accounts.services import invitation_revoke
from compagnon.core.admin import ClubStaffAdminMixin, service_action_run


def _clean_unique_email(form: forms.ModelForm) -> str:
    email = User.objects.normalize_email(form.cleaned_data["email"]).strip().lower()
    taken = User.objects.filter(email__iexact=email)
    if form.instance.pk:
        taken = taken.exclude(pk=form.instance.pk)
    if taken.exists():
        raise forms.ValidationError(_("An account already uses this email address."), code="unique")
    return email


class UserCreationForm(DjangoAdminUserCreationForm):
    """Email and password (or no password: the person sets one through "forgot password")."""

    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self) -> str:
        return _clean_unique_email(self)


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return _clean_unique_email(self)


@admin.register(User)
class UserAdmin(ClubStaffAdminMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("email", "full_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    # An account is closed or erased by the actions below, which also end its sessions.
    readonly_fields = ("is_active", "last_login", "date_joined", "person_link")
    actions = ("close_accounts", "erase_accounts")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "person_link")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    @admin.display(description=_("person"))
    def person_link(self, obj: User):
        person = getattr(obj, "person", None)
        if person is None:
            return "—"
        url = reverse("admin:members_person_change", args=[person.pk])
        return format_html('<a href="{}">{}</a>', url, person.full_name)

    @staticmethod
    def _others(request, queryset):
        # Not oneself (the account page does that), and superusers only by a superuser.
        others = queryset.exclude(pk=request.user.pk)
        if not request.user.is_superuser:
            others = others.filter(is_superuser=False)
        return others.order_by("pk")

    @admin.action(description=_("Close (deactivate, sign out everywhere, no password)"))
    def close_accounts(self, request, queryset):
        service_action_run(
            self,
            request,
            self._others(request, queryset),
            lambda user: account_close(user=user, actor=request.user),
        )

    @admin.action(description=_("Erase personal data (anonymise the person, close the account)"))
    def erase_accounts(self, request, queryset):
        service_action_run(
            self,
            request,
            self._others(request, queryset),
            lambda user: person_erase(actor=request.user, user=user),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Staff manage accounts; only a superuser hands out superpowers.
            readonly += ["is_superuser", "groups", "user_permissions"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False  # a staff member cannot take over a superuser's account
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


class InvitationStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Pending")),
            ("accepted", _("Accepted")),
            ("expired", _("Expired")),
            ("revoked", _("Revoked")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        open_ = queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        match self.value():
            case "pending":
                return open_.filter(expires_at__gt=now)
            case "expired":
                return open_.filter(expires_at__lte=now)
            case "accepted":
                return queryset.filter(accepted_at__isnull=False)
            case "revoked":
                return queryset.filter(accepted_at__isnull=True, revoked_at__isnull=False)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    """Invitations are sent from the people list ("Invite to claim their account"), not typed in here."""

    list_display = ("email", "person", "created_at", "expires_at", "accepted_at", "revoked_at")
    list_filter = (InvitationStateFilter, "created_at")
    list_select_related = ("person",)
    search_fields = ("email", "person__first_name", "person__last_name")
    date_hierarchy = "created_at"
    fields = (
        "person",
        "email",
        "token",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request, *args):
        return False  # an invitation made here would send no email: use the people list's action

    @admin.action(description=_("Revoke selected invitations"))
    def revoke(self, request, queryset):
        count = sum(
            invitation_revoke(invitation=invitation, actor=request.user)
            for invitation in queryset.order_by("pk")
        )
        self.message_user(
            request,
            ngettext("%(count)d invitation revoked.", "%(count)d invitations revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


# allauth's own admin would let staff type a second factor's secret: a view, and delete
# (a member who lost their phone), nothing else.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_select_related = ("user",)
    search_fields = ("user__email",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
