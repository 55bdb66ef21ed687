import pytest

from compagnon.members.tests.factories import OrganisationFactory
from compagnon.sso.demo import demo_sso_load
from compagnon.sso.models import OrganisationLogin
from compagnon.sso.selectors import organisation_login_for_email


@pytest.mark.django_db
def test_the_demo_company_logins_load_once():
    OrganisationFactory(
        name="Danone", slug="danone", is_demo=True, email_domains="danone.example.org"
    )
    OrganisationFactory(name="Accor", slug="accor", is_demo=True, email_domains="accor.example.org")

    assert demo_sso_load() == 2
    assert demo_sso_load() == 0

    assert OrganisationLogin.objects.count() == 2
    assert organisation_login_for_email("manager@danone.example.org").protocol == "saml"
    # Accor's is configured but off: its people sign in with their password.
    assert organisation_login_for_email("data.scientist@accor.example.org") is None
