"""Staff configure company logins in the admin; every save goes through the service."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialApp
from django.urls import reverse

from compagnon.members.tests.factories import OrganisationFactory, UserFactory
from compagnon.sso.models import OrganisationLogin

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True))
    return client


def test_an_oidc_login_is_added_through_the_service(staff_client):
    acme = OrganisationFactory(name="Acme", slug="acme", email_domains="acme.example")
    response = staff_client.post(
        reverse("admin:sso_organisationlogin_add"),
        {
            "organisation": acme.pk,
            "protocol": "openid_connect",
            "is_enabled": "on",
            "server_url": "https://login.acme.example/realms/acme",
            "client_id": "club",
            "client_secret": "s3cret",
        },
    )
    assert response.status_code == 302, response.content
    login = OrganisationLogin.objects.get(organisation=acme)
    assert login.app.provider_id == "oidc-acme"
    assert login.app.secret == "s3cret"
    assert login.app.settings["server_url"] == "https://login.acme.example/realms/acme"
    page = staff_client.get(reverse("admin:sso_organisationlogin_change", args=[login.pk]))
    assert "/accounts/oidc/oidc-acme/login/callback/" in page.content.decode()
    assert "s3cret" not in page.content.decode()


def test_an_incomplete_form_says_what_is_missing_and_writes_nothing(staff_client):
    acme = OrganisationFactory(name="Acme", slug="acme", email_domains="acme.example")
    response = staff_client.post(
        reverse("admin:sso_organisationlogin_add"),
        {"organisation": acme.pk, "protocol": "openid_connect"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The client ID is needed." in page
    assert "The client secret is needed." in page
    assert "The issuer URL must start with https://." in page
    assert not OrganisationLogin.objects.exists()
    assert not SocialApp.objects.exists()


def test_an_organisation_without_domains_cannot_have_a_login(staff_client):
    lone = OrganisationFactory(name="Lone", slug="lone", email_domains="")
    response = staff_client.post(
        reverse("admin:sso_organisationlogin_add"),
        {
            "organisation": lone.pk,
            "protocol": "saml",
            "entity_id": "https://idp.lone.example",
            "metadata_url": "https://idp.lone.example/metadata",
        },
    )
    assert response.status_code == 200
    assert "email domains first" in response.content.decode()
    assert not SocialApp.objects.exists()


def test_switching_protocol_replaces_the_app(staff_client):
    from compagnon.sso.services import organisation_login_save

    acme = OrganisationFactory(name="Acme", slug="acme", email_domains="acme.example")
    login = organisation_login_save(
        organisation=acme,
        protocol="openid_connect",
        client_id="c",
        secret="s",
        server_url="https://login.acme.example",
    )
    old_app = login.app_id
    login = organisation_login_save(
        organisation=acme,
        protocol="saml",
        entity_id="https://idp.acme.example",
        metadata_url="https://idp.acme.example/metadata",
    )
    assert login.app_id != old_app
    assert SocialApp.objects.count() == 1
    assert login.app.client_id == "acme"
    assert login.app.settings["advanced"]["want_assertion_signed"] is True
