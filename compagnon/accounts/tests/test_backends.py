"""The sign-in backend reads the member's person with the user: one query for both."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse

from compagnon.accounts.backends import MemberBackend
from compagnon.accounts.tests.helpers import PASSWORD, email_verified
from compagnon.members.selectors import viewer_for
from compagnon.members.tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_is_the_backend_new_sessions_record():
    assert settings.AUTHENTICATION_BACKENDS[0] == "compagnon.accounts.backends.MemberBackend"


def test_the_viewer_costs_no_query_after_the_user_is_read(django_assert_num_queries):
    person = PersonFactory(with_account=True)

    with django_assert_num_queries(1):
        user = MemberBackend().get_user(person.user.pk)
        viewer = viewer_for(user)
        organisation_name = viewer.person.organisation.name

    assert viewer.person == person
    assert organisation_name == person.organisation.name


def test_a_user_without_a_person_is_a_guest_in_one_query(django_assert_num_queries):
    user = UserFactory()

    with django_assert_num_queries(1):
        viewer = viewer_for(MemberBackend().get_user(user.pk))

    assert viewer.is_authenticated
    assert viewer.person is None


def test_an_inactive_or_missing_user_is_not_signed_in():
    user = UserFactory(is_active=False)

    assert MemberBackend().get_user(user.pk) is None
    assert MemberBackend().get_user(user.pk + 1000) is None


def test_signing_in_with_a_password_records_it(client):
    person = PersonFactory(with_account=True)
    email_verified(person.user)
    person.user.set_password(PASSWORD)
    person.user.save()

    client.post(reverse("account_login"), {"login": person.user.email, "password": PASSWORD})

    assert client.session[BACKEND_SESSION_KEY] == "compagnon.accounts.backends.MemberBackend"


def test_a_session_opened_under_the_old_backend_stays_signed_in(client):
    person = PersonFactory(with_account=True)
    client.force_login(person.user, backend="django.contrib.auth.backends.ModelBackend")

    page = client.get(reverse("site:home"))

    assert page.wsgi_request.user == person.user
    assert viewer_for(page.wsgi_request.user).person == person
