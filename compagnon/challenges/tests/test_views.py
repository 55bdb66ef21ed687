"""The challenge pages, through the test client."""

from __future__ import annotations

import os
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.challenges.models import (
    ChallengeStatus,
    ChallengeVisibility,
    DataFile,
    RulesAcceptance,
    Submission,
    SubmissionStatus,
)
from compagnon.challenges.selectors import challenges_visible_to
from compagnon.challenges.services import data_file_add, submission_create, team_create
from compagnon.challenges.tests.conftest import predictions, upload
from compagnon.challenges.tests.factories import ChallengeFactory
from compagnon.members.models import MembershipType
from compagnon.members.selectors import viewer_for
from compagnon.members.tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name, challenge, **kwargs):
    return reverse(f"challenges:{name}", kwargs={"slug": challenge.slug, **kwargs})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_accept_rules_then_download(client_of, challenge, member_a, staff_user):
    data_file = data_file_add(
        challenge=challenge, upload=upload(b"id,x\n1,2\n", "train.csv"), actor=staff_user
    )
    client = client_of(member_a)
    page = client.get(url("challenge_detail", challenge))
    assert page.status_code == 200
    assert (
        b"<strong>tomorrow&#x27;s</strong>" in page.content or b"<strong>tomorrow" in page.content
    )
    assert url("data_file_download", challenge, pk=data_file.pk).encode() not in page.content
    refused = client.get(url("data_file_download", challenge, pk=data_file.pk))
    assert refused.status_code == 302
    assert client.post(url("rules_accept", challenge)).status_code == 302
    page = client.get(url("challenge_detail", challenge))
    assert url("data_file_download", challenge, pk=data_file.pk).encode() in page.content
    download = client.get(url("data_file_download", challenge, pk=data_file.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"id,x\n1,2\n"


def test_staff_remove_a_data_file_and_its_file_goes_after_commit(
    client_of, challenge, staff_user, django_capture_on_commit_callbacks
):
    data_file = data_file_add(
        challenge=challenge, upload=upload(b"id,x\n1,2\n", "train.csv"), actor=staff_user
    )
    stored = data_file.file.path
    staff = client_of(staff_user)
    other = ChallengeFactory(slug="another-one")
    # Another challenge's address does not reach this file.
    assert staff.post(url("data_file_remove", other, pk=data_file.pk)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url("data_file_remove", challenge, pk=data_file.pk), follow=True)
    assert "train.csv removed." in text_of(response)
    assert not DataFile.objects.filter(pk=data_file.pk).exists()
    assert not os.path.exists(stored)


def test_a_non_member_cannot_download_members_only_data(client_of, challenge, staff_user):
    data_file = data_file_add(
        challenge=challenge, upload=upload(b"id,x\n1,2\n", "train.csv"), actor=staff_user
    )
    guest = UserFactory(email="guest@nowhere.example")
    RulesAcceptance.objects.create(challenge=challenge, user=guest)  # even with the rules accepted
    response = client_of(guest).get(url("data_file_download", challenge, pk=data_file.pk))
    assert response.status_code == 403


def test_visitors_see_public_challenges_and_leaderboards(client, challenge):
    assert client.get(url("challenge_detail", challenge)).status_code == 302
    challenge.visibility = ChallengeVisibility.PUBLIC
    challenge.save()
    assert client.get(url("challenge_detail", challenge)).status_code == 200
    assert client.get(url("leaderboard", challenge)).status_code == 200
    assert client.get(reverse("challenges:challenge_list")).status_code == 200
    # Submitting needs an account.
    response = client.get(url("submit", challenge))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_submit_good_file_is_scored_and_listed(
    client_of, accepted, member_a, django_capture_on_commit_callbacks
):
    client = client_of(member_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("submit", accepted), {"file": upload(predictions(offset=0.5)), "description": "v1"}
        )
    assert response.status_code == 302
    assert response["Location"] == url("my_submissions", accepted)
    page = client.get(url("my_submissions", accepted))
    assert 'data-status="scored"' in text_of(page)
    assert "0.500000" in text_of(page)
    board = client.get(url("leaderboard", accepted))
    assert member_a.full_name in text_of(board)


def test_duplicate_id_shows_the_error_and_keeps_the_quota(
    client_of, accepted, member_a, django_capture_on_commit_callbacks
):
    client = client_of(member_a)
    content = predictions().replace(b"2,2.0\n", b"2,2.0\n2,2.0\n")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("submit", accepted), {"file": upload(content)})
    page = text_of(client.get(url("my_submissions", accepted)))
    assert 'data-status="invalid"' in page
    assert 'data-testid="submission-error"' in page
    assert "Not counted toward your limits." in page
    assert 'data-left="3"' in page


def test_wrong_header_is_refused_on_the_form(client_of, accepted, member_a):
    response = client_of(member_a).post(
        url("submit", accepted), {"file": upload(b"ID;Prediction\n1;2\n")}
    )
    assert response.status_code == 400
    assert "The header must be exactly" in text_of(response)
    assert "semicolons" in text_of(response)
    assert Submission.objects.count() == 0


def test_a_2gb_upload_is_refused_before_it_is_read(client_of, accepted, member_a):
    response = client_of(member_a).post(
        url("submit", accepted),
        {"file": upload(predictions())},
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    assert "it was not read" in text_of(response)
    assert Submission.objects.count() == 0


def test_an_upload_over_the_limit_is_cut_off_while_streaming(
    client_of, accepted, member_a, settings
):
    settings.CHALLENGE_SUBMISSION_MAX_MB = 1
    big = b"id,target\n" + b"1,1.0\n" * 400_000  # 2.4 MB, under the Content-Length slack? no
    response = client_of(member_a).post(url("submit", accepted), {"file": upload(big)})
    assert response.status_code == 413
    assert Submission.objects.count() == 0


def test_pending_submissions_poll_with_htmx(client_of, accepted, member_a):
    submission_create(challenge=accepted, user=member_a.user, upload=upload(predictions(1)))
    client = client_of(member_a)
    page = client.get(url("my_submissions", accepted))
    assert 'hx-trigger="every 2s"' in text_of(page)
    assert '<noscript><meta http-equiv="refresh"' in text_of(page)
    fragment = client.get(url("my_submissions", accepted), HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<div id="submissions"')
    assert 'data-status="queued"' in text_of(fragment)


def test_the_page_says_when_the_counter_resets(client_of, accepted, member_a):
    page = text_of(client_of(member_a).get(url("submit", accepted)))
    assert "The counter resets at 00:00 UTC" in page


def test_private_leaderboard_is_hidden_until_revealed(
    client_of, accepted, member_a, staff_user, run_tasks
):
    run_tasks(
        submission_create, challenge=accepted, user=member_a.user, upload=upload(predictions(1))
    )
    page = client_of(member_a).get(url("leaderboard", accepted) + "?board=private")
    assert 'data-board="public"' in text_of(page)
    page = client_of(staff_user).get(url("leaderboard", accepted) + "?board=private")
    assert 'data-board="private"' in text_of(page)
    assert "Not revealed yet" in text_of(page)


def test_csv_export_is_formula_safe(client_of, accepted, member_a, run_tasks):
    team_create(challenge=accepted, user=member_a.user, name='=HYPERLINK("http://x","y")')
    run_tasks(
        submission_create, challenge=accepted, user=member_a.user, upload=upload(predictions(1))
    )
    response = client_of(member_a).get(url("leaderboard_export", accepted))
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body
    assert body.splitlines()[1].startswith("1,")


def _teams(challenge, n, run_tasks):
    for k in range(n):
        person = PersonFactory(with_account=True)
        RulesAcceptance.objects.create(challenge=challenge, user=person.user)
        run_tasks(
            submission_create, challenge=challenge, user=person.user, upload=upload(predictions(k))
        )


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_leaderboard_queries_do_not_grow_with_teams(client_of, accepted, member_a, run_tasks):
    client = client_of(member_a)
    address = url("leaderboard", accepted)
    _teams(accepted, 1, run_tasks)
    one = _queries(client, address)
    _teams(accepted, 2, run_tasks)
    three = _queries(client, address)
    assert one == three


def test_my_submissions_queries_do_not_grow(client_of, accepted, member_a, run_tasks):
    client = client_of(member_a)
    address = url("my_submissions", accepted)
    run_tasks(
        submission_create, challenge=accepted, user=member_a.user, upload=upload(predictions(1))
    )
    one = _queries(client, address)
    for k in (2, 3):
        run_tasks(
            submission_create, challenge=accepted, user=member_a.user, upload=upload(predictions(k))
        )
    three = _queries(client, address)
    assert one == three
    assert Submission.objects.filter(status=SubmissionStatus.SCORED).count() == 3


def test_staff_create_a_challenge(client_of, staff_user):
    response = client_of(staff_user).post(
        reverse("challenges:challenge_create"),
        {
            "title": "Churn",
            "description": "Who leaves?",
            "rules": "Be fair.",
            "visibility": "members",
            "status": "published",
            "starts_at": "2026-01-01T09:00",
            "ends_at": "2026-02-01T09:00",
            "teams_allowed": "on",
            "max_team_size": "3",
            "submissions_per_day": "5",
            "final_selections": "2",
            "metric": "rmse",
            "id_column": "id",
            "target_columns": "target",
        },
    )
    assert response.status_code == 302, text_of(response)
    assert response["Location"] == reverse("challenges:manage", kwargs={"slug": "churn"})


def test_solution_upload_errors_are_shown(client_of, challenge, staff_user):
    response = client_of(staff_user).post(
        url("solution_upload", challenge), {"file": upload(b"id,target\n1,2\n", "solution.csv")}
    )
    assert response.status_code == 400
    assert 'data-testid="solution-errors"' in text_of(response)


@pytest.mark.django_db
def test_a_manager_without_organisation_sees_no_club_draft(manager_a):
    club_draft = ChallengeFactory(status=ChallengeStatus.DRAFT)
    own_draft = ChallengeFactory(status=ChallengeStatus.DRAFT, organiser=manager_a.organisation)
    researcher = PersonFactory(
        organisation=None,
        membership_type=MembershipType.RESEARCHER,
        is_org_manager=True,
        with_account=True,
    )
    assert list(challenges_visible_to(viewer_for(researcher.user))) == []
    assert list(challenges_visible_to(viewer_for(manager_a.user))) == [own_draft]
    assert club_draft not in challenges_visible_to(viewer_for(manager_a.user))
