"""Staff read the matching quality page and roll back to an older model (axe-audited)."""

import pytest
from allauth.account.models import EmailAddress

from compagnon.matching.models import RankingModel
from compagnon.members.tests.factories import PersonFactory, UserFactory
from e2e.accounts import PASSWORD
from e2e.axe import AXE, violations


@pytest.fixture
def staff(transactional_db):
    user = UserFactory(email="animateur@club.example", is_staff=True, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    PersonFactory(user=user, email=user.email, organisation=None, first_name="Sam")
    return user


def _models():
    metrics = {"window_cases": 40, "ndcg_model": 0.71, "ndcg_baseline": 0.64}
    old = RankingModel.objects.create(
        version=1, weights={"tags": 1.0, "chars": 0.3}, metrics=metrics, cases=80, learned=True
    )
    RankingModel.objects.create(
        version=2,
        weights={"tags": 1.0, "chars": 0.5},
        metrics={**metrics, "ndcg_previous": 0.71},
        cases=120,
        learned=True,
        is_active=True,
    )
    return old


@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run npm ci")
@pytest.mark.parametrize("language", ["fr-FR", "en-GB"])
def test_quality_page_and_rollback(browser, live_server, staff, language):
    context = browser.new_context(base_url=live_server.url, locale=language, bypass_csp=True)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto("/staff/matching/quality/")
    assert page.get_by_test_id("quality-empty").is_visible()
    assert violations(page) == []
    old = _models()
    page.goto("/staff/matching/quality/")
    assert page.get_by_test_id("quality-models").is_visible()
    assert violations(page) == []
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(f"form[action$='/{old.pk}/activate/'] button").click()
    page.wait_for_load_state()
    old.refresh_from_db()
    assert old.is_active
    assert page.get_by_test_id("quality-active").locator("dd").first.inner_text().endswith("1")
    context.close()
