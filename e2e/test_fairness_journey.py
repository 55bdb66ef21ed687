"""Fairness challenge journey: three participants submit, the leaderboard shows every metric,
marks the Pareto front and the viewer's own row; on a phone it reads as cards."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from compagnon.challenges.models import RulesAcceptance
from compagnon.challenges.services import solution_upload
from compagnon.challenges.tests.factories import ChallengeFactory
from compagnon.challenges.tests.test_fairness_challenges import (
    FOUR,
    SECRET,
    accurate_unfair,
    decisions_csv,
    dominated,
    fair_less_accurate,
    solution_csv,
)
from compagnon.members.tests.factories import OrganisationFactory
from e2e.accounts import sign_in
from e2e.test_challenge_journey import account

EMAILS = ("ada@alpha.example", "bruno@beta.example", "chloe@gamma.example")


@pytest.fixture
def fair_club(transactional_db):
    staff = account("animateur@club.example", is_staff=True)
    challenge = ChallengeFactory(
        slug="equite",
        title="Accorder un crédit sans discriminer",
        metric="accuracy",
        higher_is_better=True,
        extra_metrics=FOUR,
        sensitive_column="genre",
    )
    solution_upload(
        challenge=challenge,
        upload=SimpleUploadedFile("solution.csv", solution_csv()),
        actor=staff,
    )
    for index, email in enumerate(EMAILS):
        user = account(email, OrganisationFactory(name=f"Org {index}"))
        RulesAcceptance.objects.create(challenge=challenge, user=user)
    return challenge


def submit(page, content):
    page.goto("/challenges/equite/submit/")
    page.set_input_files(
        "#id_file", files=[{"name": "decisions.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_test_id("submit-button").click()
    page.wait_for_load_state()
    expect(page.locator("[data-testid=submission-row][data-status=scored]")).to_have_count(1)


def test_a_fairness_challenge_shows_its_pareto_front(browser, live_server, fair_club):
    contents = (accurate_unfair(), fair_less_accurate(), dominated())
    contexts = []
    for email, decisions in zip(EMAILS, contents, strict=True):
        context, page = sign_in(browser, live_server, email)
        submit(page, decisions_csv(decisions))
        contexts.append((context, page))

    ada = contexts[0][1]
    ada.goto("/challenges/equite/leaderboard/")
    expect(ada.get_by_test_id("leaderboard-row")).to_have_count(3)
    expect(ada.get_by_test_id("metric-column")).to_have_count(5)
    expect(ada.locator("[data-testid=leaderboard-row][data-pareto='1']")).to_have_count(2)
    expect(ada.get_by_test_id("pareto-badge")).to_have_count(2)
    own = ada.locator("tr.own-row")
    expect(own).to_have_count(1)
    expect(own).to_have_attribute("data-pareto", "1")  # the most accurate is on the front
    assert SECRET not in ada.content()

    # On a phone the rows become cards: nothing runs off the side.
    ada.set_viewport_size({"width": 390, "height": 844})
    ada.reload()
    expect(ada.get_by_test_id("pareto-badge").first).to_be_visible()
    assert ada.evaluate("document.documentElement.scrollWidth") <= 390
    for context, _page in contexts:
        context.close()
