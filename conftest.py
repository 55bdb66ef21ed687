"""Personas shared by every test: two member organisations, their people, staff."""

import pytest

from compagnon.members.models import MembershipType
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, UserFactory


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Alpha Corp", email_domains="alpha.example")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Beta Lab", email_domains="beta.example")


@pytest.fixture
def member_a(org_a):
    """A data scientist at organisation A, with an account."""
    return PersonFactory(
        organisation=org_a, email="ada@alpha.example", first_name="Ada", last_name="Martin", with_account=True
    )


@pytest.fixture
def manager_a(org_a):
    return PersonFactory(
        organisation=org_a,
        email="manon@alpha.example",
        first_name="Manon",
        last_name="Dubois",
        is_org_manager=True,
        with_account=True,
    )


@pytest.fixture
def member_b(org_b):
    return PersonFactory(
        organisation=org_b, email="bruno@beta.example", first_name="Bruno", last_name="Petit", with_account=True
    )


@pytest.fixture
def staff_user(db):
    user = UserFactory(email="staff@club.example", is_staff=True)
    PersonFactory(
        user=user, email=user.email, organisation=None, membership_type=MembershipType.STAFF, first_name="Sam"
    )
    return user


@pytest.fixture
def client_of(client):
    """client_of(person_or_user) -> a test client signed in as them."""

    def sign_in(who):
        user = getattr(who, "user", None) or who
        client.force_login(user)
        return client

    return sign_in
