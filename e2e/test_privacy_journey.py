"""Personal data journey: a member downloads what the club holds on them, then asks to be forgotten."""

import json
import zipfile

import pytest
from playwright.sync_api import expect

from compagnon.accounts.models import User
from compagnon.members.models import Person
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory
from compagnon.workshops.models import RegistrationStatus
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory
from e2e.accounts import PASSWORD, account, sign_in


@pytest.fixture
def club(transactional_db):
    alpha = OrganisationFactory(name="Alpha Retail", email_domains="alpha.example")
    lea = PersonFactory(
        organisation=alpha, email="lea@alpha.example", first_name="Léa", last_name="Moreau"
    )
    account(lea)
    karim = PersonFactory(organisation=alpha, email="karim@alpha.example", first_name="Karim")
    workshop = WorkshopFactory(title="Séries temporelles", onsite_seats=1)
    seat = RegistrationFactory(workshop=workshop, person=lea)
    waiting = RegistrationFactory(
        workshop=workshop, person=karim, status=RegistrationStatus.WAITING
    )
    return {"lea": lea, "seat": seat, "waiting": waiting}


def test_a_member_downloads_their_data_then_erases_their_account(browser, live_server, club):
    context, page = sign_in(browser, live_server, "lea@alpha.example")
    page.goto("/me/")

    with page.expect_download() as download_info:
        page.get_by_test_id("data-export").click()
    archive = zipfile.ZipFile(download_info.value.path())
    registrations = json.loads(archive.read("workshop_registrations.json"))
    assert registrations[0]["workshop"] == "Séries temporelles"

    page.get_by_test_id("data-erase").click()
    expect(page.locator("h1")).to_have_text("Effacer mon compte")
    page.get_by_test_id("erase-submit").click()  # nothing ticked: refused, said why
    expect(page.get_by_text("Cochez la case pour confirmer.")).to_be_visible()
    page.fill("input[name=password]", PASSWORD)
    page.check("input[name=understood]")
    page.get_by_test_id("erase-submit").click()
    page.wait_for_load_state()

    expect(page.get_by_text("Au revoir.")).to_be_visible()
    lea = Person.objects.get(pk=club["lea"].pk)
    assert lea.is_erased and not User.objects.get(pk=lea.user_id).is_active
    club["waiting"].refresh_from_db()
    assert club["waiting"].status == RegistrationStatus.OFFERED

    page.goto("/me/")
    assert "/accounts/login/" in page.url
    context.close()
