"""The admin in French: Django's own words stay Django's, other packages' sections get names."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.translation import gettext, pgettext


def test_django_change_reads_modifier_and_our_level_change_evolution():
    with translation.override("fr"):
        assert gettext("Change") == "Modifier"
        assert pgettext("difference between two levels", "Change") == "Évolution"


def test_other_packages_sections_and_models_are_named_in_french():
    with translation.override("fr"):
        authenticator = apps.get_model("mfa", "Authenticator")
        assert str(authenticator._meta.verbose_name_plural) == "authentificateurs"
        assert str(
            apps.get_model("django_tasks_database", "DBTaskResult")._meta.verbose_name_plural
        ) == ("Résultats des tâches")
        assert str(apps.get_app_config("django_tasks_database").verbose_name) == "Tâches de fond"


@pytest.mark.django_db
def test_one_comptes_section_in_the_admin(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@club.example", password="x")
    client.force_login(admin)
    page = client.get(
        "/admin/", HTTP_ACCEPT_LANGUAGE="fr", headers={"Cookie": "django_language=fr"}
    )
    client.cookies["django_language"] = "fr"
    page = client.get("/admin/").content.decode()
    assert page.count(">Comptes<") == 1
    assert "Adresses e-mail" in page and "Évolution" not in page
