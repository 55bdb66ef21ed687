"""Reads for single sign-on: which company login an address or a provider belongs to."""

from __future__ import annotations

from compagnon.members.models import MembershipStatus
from compagnon.sso.models import OrganisationLogin


def email_domain(email: str) -> str:
    """The part after the last @, lower-cased; "" for something that is not an address."""
    local, at, domain = (email or "").strip().rpartition("@")
    if not at or not local or not domain:
        return ""
    return domain.lower().rstrip(".")


def organisation_login_for_email(email: str) -> OrganisationLogin | None:
    """The enabled company login of the active member organisation that owns this domain."""
    domain = email_domain(email)
    if not domain:
        return None
    candidates = OrganisationLogin.objects.select_related("organisation", "app").filter(
        is_enabled=True,
        organisation__status=MembershipStatus.ACTIVE,
        organisation__email_domains__icontains=domain,
    )
    # icontains narrows; the exact domain list decides ("acme.fr" is not "notacme.fr").
    for login in candidates:
        if domain in login.organisation.domain_list:
            return login
    return None


def organisation_login_for_provider(provider_id: str) -> OrganisationLogin | None:
    """The company login whose allauth app carries this provider id (SocialAccount.provider)."""
    if not provider_id:
        return None
    return (
        OrganisationLogin.objects.select_related("organisation", "app")
        .filter(app__provider_id=provider_id)
        .first()
    )


def urls_to_give_the_idp(login: OrganisationLogin) -> dict[str, str]:
    """What the organisation's IT team registers at their IdP: our side's addresses."""
    from django.conf import settings
    from django.urls import reverse

    from compagnon.sso.models import Protocol

    site = settings.SITE_URL
    if login.protocol == Protocol.OIDC:
        return {
            "redirect_uri": site
            + reverse("openid_connect_callback", kwargs={"provider_id": login.app.provider_id})
        }
    slug = login.app.client_id
    return {
        "metadata": site + reverse("saml_metadata", args=[slug]),
        "acs": site + reverse("saml_acs", args=[slug]),
    }
