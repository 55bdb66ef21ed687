"""Error pages with DEBUG off: the site's look, in French and English."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.core.views import server_error

pytestmark = pytest.mark.django_db


def test_debug_is_off_in_tests(settings):
    assert settings.DEBUG is False  # the pages below are the ones visitors see


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "This page does not exist, or it is not shown to you"),
        ("fr", "ou elle ne vous est pas montrée"),
    ],
)
def test_404_has_the_site_look_in_both_languages(client, language, text):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    page = response.text
    assert 'class="site-header"' in page and "compagnon/site.css" in page
    assert f'<html lang="{language}">' in page
    assert text in page


@pytest.mark.parametrize(
    ("language", "text"), [("en", "You may not open this page"), ("fr", "Vous ne pouvez pas")]
)
def test_403_has_the_site_look_in_both_languages(client_of, member_a, language, text):
    response = client_of(member_a).get(reverse("staff:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert 'class="site-header"' in response.text
    assert text in response.text


def test_500_renders_without_the_database_or_context_processors(settings):
    settings.SITE_NAME = "Club Data"
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries:
        response = server_error(request)
    assert len(queries) == 0
    assert response.status_code == 500
    page = response.content.decode()
    assert "compagnon/site.css" in page and 'class="site-header"' in page
    assert "Club Data" in page
    assert "Une erreur est survenue de notre côté" in page
    assert "Something went wrong on our side" in page


def test_the_500_handler_is_the_sites(client):
    from compagnon import urls

    assert urls.handler500 == "compagnon.core.views.server_error"
