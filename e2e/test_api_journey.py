"""A member makes an API token on the account page, a script of theirs reads the API with it
(the page showed it once), then they revoke it and the API shuts the door."""

import json
import urllib.request
from urllib.error import HTTPError

import pytest

from compagnon.members.tests.factories import OrganisationFactory, PersonFactory
from compagnon.workshops.models import Audience
from compagnon.workshops.tests.factories import WorkshopFactory
from e2e.accounts import account, sign_in


@pytest.fixture
def club(transactional_db):
    alpha = OrganisationFactory(name="Alpha Retail", email_domains="alpha.example")
    ada = account(PersonFactory(organisation=alpha, email="ada@alpha.example", first_name="Ada"))
    WorkshopFactory(title="Causal inference on a real case", audience=Audience.PUBLIC)
    return {"ada": ada}


def _api(live_server, path, raw):
    request = urllib.request.Request(
        live_server.url + path, headers={"Authorization": f"Bearer {raw}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, json.loads(error.read())


def test_api_token_journey(browser, live_server, club):
    context, page = sign_in(browser, live_server, "ada@alpha.example")
    page.get_by_test_id("nav-api-tokens").click()
    page.get_by_label("Nom").fill("Tableau de bord")
    page.get_by_label("Lecture : Ateliers et inscriptions").check()
    page.get_by_role("button", name="Créer le jeton").click()
    raw = page.get_by_test_id("token-value").inner_text().strip()
    assert raw.startswith("cpat_")

    status, body = _api(live_server, "/api/v1/workshops/", raw)
    assert status == 200
    assert [row["title"] for row in body["results"]] == ["Causal inference on a real case"]
    status, body = _api(live_server, "/api/v1/people/", raw)
    assert status == 403 and "people:read" in body["detail"]

    page.goto("/accounts/api-tokens/")
    assert raw not in page.content()  # shown once
    page.get_by_role("button", name="Révoquer « Tableau de bord »").click()
    page.wait_for_load_state()
    assert "Révoqué le" in page.get_by_test_id("token-list").inner_text()
    status, _ = _api(live_server, "/api/v1/workshops/", raw)
    assert status == 401
    context.close()
