"""Challenge journey: rules and data, a refused file that costs nothing, a scored one, a tie
that goes to the earlier submission, and the private leaderboard revealed after the end."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from compagnon.challenges.models import Challenge
from compagnon.challenges.services import data_file_add, solution_upload
from compagnon.challenges.tests.conftest import predictions, solution_bytes
from compagnon.challenges.tests.factories import ChallengeFactory
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, UserFactory
from e2e.accounts import PASSWORD, sign_in


def account(email, organisation=None, **fields):
    user = UserFactory(email=email, password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    PersonFactory(
        user=user,
        email=email,
        organisation=organisation,
        membership_type="employee" if organisation else "staff",
    )
    return user


@pytest.fixture
def club(transactional_db):
    alpha = OrganisationFactory(name="Alpha Retail")
    beta = OrganisationFactory(name="Beta Lab")
    ada = account("ada@alpha.example", alpha)
    account("bruno@beta.example", beta)
    staff = account("animateur@club.example", is_staff=True)
    challenge = ChallengeFactory(slug="demand", title="Forecast the demand", organiser=alpha)
    solution_upload(
        challenge=challenge,
        upload=SimpleUploadedFile("solution.csv", solution_bytes()),
        actor=staff,
    )
    data_file_add(
        challenge=challenge,
        upload=SimpleUploadedFile("train.csv", b"id,x,target\n1,0.5,1.0\n"),
        actor=staff,
    )
    return {"challenge": challenge, "ada": ada}


def upload_file(page, name, content):
    page.goto("/challenges/demand/submit/")
    page.set_input_files(
        "#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_test_id("submit-button").click()
    page.wait_for_load_state()


def test_challenge_journey(browser, live_server, club):
    # Ada accepts the rules and downloads the data.
    ada_context, ada = sign_in(browser, live_server, "ada@alpha.example")
    ada.goto("/challenges/demand/")
    expect(ada.get_by_test_id("data-file")).to_have_count(0)
    ada.get_by_test_id("accept-rules").click()
    expect(ada.get_by_test_id("rules-accepted")).to_be_visible()
    with ada.expect_download() as download_info:
        ada.get_by_test_id("data-file").click()
    download = download_info.value
    assert download.suggested_filename == "train.csv"
    with open(download.path(), "rb") as handle:
        assert handle.read().startswith(b"id,x,target")

    # A file with a duplicate id: a clear error, and the quota is unchanged.
    upload_file(ada, "dup.csv", predictions().replace(b"2,2.0\n", b"2,2.0\n2,2.0\n"))
    row = ada.get_by_test_id("submission-row").first
    expect(row).to_have_attribute("data-status", "invalid")
    # The journey runs in French: "appears more than once".
    expect(row.get_by_test_id("submission-error")).to_contain_text("plusieurs fois")
    expect(ada.get_by_test_id("quota")).to_have_attribute("data-left", "3")

    # A good file is scored and appears on the public leaderboard.
    upload_file(ada, "good.csv", predictions(offset=1))
    expect(ada.locator("[data-testid=submission-row][data-status=scored]")).to_have_count(1)
    expect(ada.get_by_test_id("quota")).to_have_attribute("data-left", "2")
    ada.goto("/challenges/demand/leaderboard/")
    expect(ada.get_by_test_id("leaderboard-row")).to_have_count(1)

    # A second team ties with a later submission: it ranks below.
    bruno_context, bruno = sign_in(browser, live_server, "bruno@beta.example")
    bruno.goto("/challenges/demand/")
    bruno.get_by_test_id("accept-rules").click()
    upload_file(bruno, "tie.csv", predictions(offset=-1))
    expect(bruno.locator("[data-testid=submission-row][data-status=scored]")).to_have_count(1)
    bruno.goto("/challenges/demand/leaderboard/")
    rows = bruno.get_by_test_id("leaderboard-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-rank", "1")
    expect(rows.nth(0).get_by_test_id("score")).to_have_text(
        rows.nth(1).get_by_test_id("score").inner_text()
    )
    expect(rows.nth(1)).to_have_attribute("data-rank", "2")
    expect(rows.nth(1)).to_have_class("own-row")
    # Participants do not see the private leaderboard before it is revealed.
    expect(bruno.get_by_test_id("show-private")).to_have_count(0)
    bruno_context.close()

    # After the end, staff reveal the private leaderboard.
    Challenge.objects.filter(pk=club["challenge"].pk).update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )
    staff_context, staff = sign_in(browser, live_server, "animateur@club.example")
    staff.goto("/challenges/demand/manage/")
    staff.get_by_test_id("reveal-private").click()
    expect(staff.get_by_test_id("revealed")).to_be_visible()
    staff_context.close()

    # Once revealed, the private leaderboard is the one shown by default.
    ada.goto("/challenges/demand/leaderboard/")
    expect(ada.get_by_test_id("board")).to_have_attribute("data-board", "private")
    expect(ada.get_by_test_id("leaderboard-row")).to_have_count(2)
    expect(ada.get_by_test_id("leaderboard-row").first).to_have_attribute("data-rank", "1")
    ada_context.close()
