"""Single sign-on: which member organisation signs its people in through which identity provider.

The provider's own settings (client id, secret, issuer URL, SAML certificate) live
in allauth's `SocialApp`; `OrganisationLogin` ties one app to one organisation, so
the email domains that choose the provider, and the only people it may sign in,
are that organisation's (`Organisation.email_domains`).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Protocol(models.TextChoices):
    OIDC = "openid_connect", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")


class OrganisationLogin(models.Model):
    organisation = models.OneToOneField(
        "members.Organisation",
        on_delete=models.CASCADE,
        related_name="company_login",
        verbose_name=_("organisation"),
    )
    app = models.OneToOneField(
        "socialaccount.SocialApp",
        on_delete=models.PROTECT,
        related_name="organisation_login",
        verbose_name=_("identity provider"),
        editable=False,
    )
    is_enabled = models.BooleanField(_("enabled"), default=True)
    # OIDC carries `email_verified`; most corporate SAML IdPs send no such attribute.
    # Staff may state that this IdP is authoritative for the organisation's addresses.
    saml_email_trusted = models.BooleanField(
        _("the IdP vouches for its addresses (SAML)"),
        default=False,
        help_text=_(
            "SAML only: treat the email the identity provider asserts as verified. Leave off "
            "unless the provider manages these addresses itself."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("company login")
        verbose_name_plural = _("company logins")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.app.provider})"

    @property
    def protocol(self) -> str:
        return self.app.provider
