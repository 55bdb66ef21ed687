"""The imports as staff use them, in a browser: a Docusaurus site zip (dry run, then for
real), the members spreadsheet through its tasks, the history CSV; each page passes axe."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress

from compagnon.members.models import Organisation, Person
from compagnon.members.tests.factories import BaseFactory, PersonFactory, UserFactory
from compagnon.news.models import Post
from compagnon.workshops.models import Workshop
from e2e.accounts import PASSWORD
from e2e.axe import AXE, violations

SITE = Path(__file__).resolve().parent.parent / "compagnon/news/tests/corpus/site"


@pytest.fixture
def staff(transactional_db):
    user = UserFactory(email="animateur@club.example", is_staff=True, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    PersonFactory(user=user, email=user.email, first_name="Sam")
    BaseFactory(name="Paris")
    return user


def _site_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in SITE.rglob("*"):
            if path.is_file():
                archive.write(path, "club-site/" + path.relative_to(SITE).as_posix())
    return buffer.getvalue()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run npm ci")
@pytest.mark.parametrize("language", ["fr-FR", "en-GB"])
def test_staff_import_journeys(browser, live_server, staff, language):
    context = browser.new_context(base_url=live_server.url, locale=language, bypass_csp=True)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "animateur@club.example")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    upload = "form[enctype='multipart/form-data'] button[type=submit]"

    # The blog: a dry run writes nothing, then the real import.
    page.goto("/blog/import/")
    zip_file = {"name": "site.zip", "mimeType": "application/zip", "buffer": _site_zip()}
    page.set_input_files("input[type=file]", files=[zip_file])
    page.check("input[name=dry_run]")
    page.click(upload)
    page.wait_for_load_state()
    assert page.get_by_test_id("import-report").is_visible()
    assert violations(page) == []
    assert not Post.objects.exists()
    page.set_input_files("input[type=file]", files=[zip_file])
    page.uncheck("input[name=dry_run]")
    page.click(upload)
    page.wait_for_load_state()
    assert Post.objects.count() == 34
    page.goto("/blog/onglets/")
    assert page.locator(".tab-panel").count() == 2
    assert violations(page) == []

    # The members spreadsheet: preview and apply run as tasks.
    csv = (
        "Prénom,Nom,Email,Organisation,Domain,Linkedin\n"
        "Ada,Martin,ada@alpha.example,Alpha Corp,Finance,javascript:alert(1)\n"
    ).encode()
    page.goto("/staff/import/")
    page.set_input_files(
        "input[type=file]", files=[{"name": "m.csv", "mimeType": "text/csv", "buffer": csv}]
    )
    page.click(upload)
    page.wait_for_load_state()
    page.reload()  # closed and opened again: the page shows where the import is
    assert violations(page) == []
    page.locator("form[action$='/apply/'] button[type=submit]").click()
    page.wait_for_load_state()
    page.reload()
    assert Person.objects.filter(email="ada@alpha.example", linkedin_url="").exists()
    assert Organisation.objects.get(name="Alpha Corp").sector.slug == "finance"
    assert violations(page) == []

    # The history.
    history = (
        "Titre;Date;Base;Participants\nAtelier passé;2022-03-12;Paris;ada@alpha.example\n"
    ).encode()
    page.goto("/workshops/history/import/")
    assert violations(page) == []
    page.set_input_files(
        "input[type=file]", files=[{"name": "h.csv", "mimeType": "text/csv", "buffer": history}]
    )
    page.click(upload)
    page.wait_for_load_state()
    assert violations(page) == []
    page.locator("button[name=apply]").click()
    page.wait_for_load_state()
    assert Workshop.objects.get(title="Atelier passé").registrations.count() == 1
    context.close()
