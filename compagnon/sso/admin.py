"""Staff configure each organisation's company login here; every save goes through services."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from compagnon.core.admin import ClubStaffAdminMixin, ReadOnlyAdminMixin, service_action_run
from compagnon.members.models import Organisation
from compagnon.sso.models import OrganisationLogin, Protocol
from compagnon.sso.selectors import urls_to_give_the_idp
from compagnon.sso.services import (
    organisation_login_check,
    organisation_login_save,
    organisation_login_set_enabled,
)

# The apps behind company logins are written by organisation_login_save only; links between
# an account and a company identity are made by sso_user_for_sign_in only (staff read them);
# no identity-provider token is stored (SOCIALACCOUNT_STORE_TOKENS is off).
for _model in (SocialApp, SocialAccount, SocialToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(SocialAccount)
class CompanyIdentityAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("user", "provider", "uid", "last_login", "date_joined")
    list_filter = ("provider",)
    search_fields = ("user__email", "uid")
    readonly_fields = ("user", "provider", "uid", "last_login", "date_joined", "extra_data")

    def has_delete_permission(self, request, obj=None):
        return False


_PROVIDER_FIELDS = ("client_id", "server_url", "entity_id", "sso_url", "x509cert", "metadata_url")


class OrganisationLoginForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), label=_("organisation")
    )
    protocol = forms.ChoiceField(choices=Protocol.choices, label=_("protocol"))
    client_id = forms.CharField(label=_("client ID (OIDC)"), required=False, max_length=191)
    client_secret = forms.CharField(
        label=_("client secret (OIDC)"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Left empty on a change, the current secret is kept."),
    )
    server_url = forms.URLField(
        assume_scheme="https",
        label=_("issuer URL (OIDC)"),
        required=False,
        help_text=_(
            "The address the discovery document hangs from (…/.well-known/openid-configuration)."
        ),
    )
    entity_id = forms.CharField(label=_("IdP entity ID (SAML)"), required=False)
    metadata_url = forms.URLField(
        assume_scheme="https", label=_("IdP metadata URL (SAML)"), required=False
    )
    sso_url = forms.URLField(
        assume_scheme="https",
        label=_("IdP sign-in URL (SAML)"),
        required=False,
        help_text=_("Without a metadata URL."),
    )
    x509cert = forms.CharField(
        label=_("IdP certificate (SAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Without a metadata URL: the PEM body of the certificate that signs."),
    )

    class Meta:
        model = OrganisationLogin
        fields = ("organisation", "is_enabled", "saml_email_trusted")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            app = self.instance.app
            self.fields["organisation"].disabled = True
            self.fields["protocol"].initial = app.provider
            if app.provider == Protocol.OIDC:
                self.fields["client_id"].initial = app.client_id
                self.fields["server_url"].initial = app.settings.get("server_url", "")
            else:
                idp = app.settings.get("idp", {})
                for name in ("entity_id", "sso_url", "x509cert", "metadata_url"):
                    self.fields[name].initial = idp.get(name, "")

    def clean(self):
        data = super().clean()
        organisation = data.get("organisation")
        if organisation is None or self.errors:
            return data
        if (
            data.get("protocol") == Protocol.OIDC
            and not self.instance.pk
            and not data.get("client_secret")
        ):
            self.add_error("client_secret", _("The client secret is needed."))
        try:
            organisation_login_check(
                organisation=organisation,
                protocol=data.get("protocol", ""),
                **{name: data.get(name) or "" for name in _PROVIDER_FIELDS},
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


@admin.register(OrganisationLogin)
class OrganisationLoginAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    form = OrganisationLoginForm
    list_display = ("organisation", "protocol_name", "is_enabled", "updated_at")
    list_filter = ("is_enabled", "app__provider")
    list_select_related = ("organisation", "app")
    search_fields = ("organisation__name",)
    readonly_fields = ("addresses_for_the_idp",)
    actions = ("enable", "disable")

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ("organisation", "protocol", "is_enabled")}),
            (_("OpenID Connect"), {"fields": ("server_url", "client_id", "client_secret")}),
            (
                _("SAML 2.0"),
                {
                    "fields": (
                        "entity_id",
                        "metadata_url",
                        "sso_url",
                        "x509cert",
                        "saml_email_trusted",
                    )
                },
            ),
            *(
                [(_("To give the organisation's IT team"), {"fields": ("addresses_for_the_idp",)})]
                if obj is not None
                else []
            ),
        ]

    @admin.display(description=_("protocol"))
    def protocol_name(self, obj: OrganisationLogin) -> str:
        return str(Protocol(obj.protocol).label)

    @admin.display(description=_("our addresses"))
    def addresses_for_the_idp(self, obj: OrganisationLogin):
        return format_html_join(
            "", "<p>{}: <code>{}</code></p>", sorted(urls_to_give_the_idp(obj).items())
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        login = organisation_login_save(
            organisation=data["organisation"],
            protocol=data["protocol"],
            secret=data.get("client_secret") or "",
            is_enabled=data["is_enabled"],
            saml_email_trusted=data["saml_email_trusted"],
            actor=request.user,
            **{name: data.get(name) or "" for name in _PROVIDER_FIELDS},
        )
        obj.pk = login.pk
        obj.app = login.app

    def has_delete_permission(self, request, obj=None):
        # Switch a login off instead: the links it made stay meaningful.
        return False

    @admin.action(description=_("Enable the selected company logins"))
    def enable(self, request, queryset):
        service_action_run(
            self,
            request,
            queryset,
            lambda login: organisation_login_set_enabled(
                login=login, is_enabled=True, actor=request.user
            ),
        )

    @admin.action(description=_("Disable the selected company logins"))
    def disable(self, request, queryset):
        service_action_run(
            self,
            request,
            queryset,
            lambda login: organisation_login_set_enabled(
                login=login, is_enabled=False, actor=request.user
            ),
        )
