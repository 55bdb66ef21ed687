"""Fairness-aware challenges: declared metrics and ranking, scoring, the Pareto front, no leak."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compagnon.challenges.models import (
    Challenge,
    DataFile,
    RulesAcceptance,
    Score,
    SolutionVersion,
    Submission,
    SubmissionStatus,
)
from compagnon.challenges.selectors import leaderboard_private, leaderboard_public
from compagnon.challenges.services import (
    challenge_create,
    challenge_reveal_private,
    challenge_update,
    data_file_add,
    sample_submission_rows,
    solution_upload,
    submission_create,
)
from compagnon.challenges.tests.conftest import upload
from compagnon.challenges.tests.factories import ChallengeFactory
from compagnon.members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

FOUR = (
    "demographic_parity_difference, equal_opportunity_difference, "
    "equalised_odds_difference, disparate_impact_ratio"
)
# A group label that must never reach a participant, whatever they do.
SECRET = "GROUPE-SECRET"
N = 40


def _truth():
    rng = np.random.default_rng(3)
    group = np.array([i % 2 for i in range(N)])
    truth = np.array([1 if i % 4 in (0, 1) else 0 for i in range(N)])
    public = np.array([i % 5 < 2 for i in range(N)])
    return truth, group, public, rng


def solution_csv() -> bytes:
    truth, group, public, _rng = _truth()
    lines = ["id,target,Usage,genre"]
    for i in range(N):
        label = SECRET if group[i] else "autre"
        lines.append(f"{i + 1},{truth[i]},{'Public' if public[i] else 'Private'},{label}")
    return ("\n".join(lines) + "\n").encode()


def decisions_csv(decisions) -> bytes:
    return ("id,target\n" + "".join(f"{i + 1},{d}\n" for i, d in enumerate(decisions))).encode()


def accurate_unfair():
    truth, group, *_ = _truth()
    return [int(t) if g else 0 for t, g in zip(truth, group, strict=True)]  # group 0: never


def fair_less_accurate():
    truth, *_ = _truth()
    return [int(t) if i % 3 else 1 - int(t) for i, t in enumerate(truth)]


def dominated():
    return [1 - d for d in accurate_unfair()]


@pytest.fixture
def fair(db, staff_user):
    challenge = ChallengeFactory(
        slug="credit-equite",
        metric="accuracy",
        higher_is_better=True,
        extra_metrics=FOUR,
        sensitive_column="genre",
    )
    solution_upload(challenge=challenge, upload=upload(solution_csv(), "s.csv"), actor=staff_user)
    return challenge


def _participant(challenge):
    person = PersonFactory(with_account=True)
    RulesAcceptance.objects.create(challenge=challenge, user=person.user)
    return person


def send(run_tasks, challenge, person, content, **fields):
    submission = run_tasks(
        lambda: submission_create(
            challenge=challenge, user=person.user, upload=upload(content), **fields
        )
    )
    submission.refresh_from_db()
    return submission


# --- declaring metrics and the ranking ----------------------------------------------------


def _create(staff_user, **fields):
    base = {
        "title": "Équité",
        "slug": "equite",
        "description": "d",
        "rules": "r",
        "starts_at": timezone.now(),
        "ends_at": timezone.now() + timedelta(days=3),
        "metric": "accuracy",
    }
    return challenge_create(actor=staff_user, **{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"extra_metrics": "accuracy, fairness_score"}, "extra_metrics", "Unknown metric"),
        ({"extra_metrics": "roc_auc"}, "extra_metrics", "same predictions"),
        ({"extra_metrics": "disparate_impact_ratio"}, "sensitive_column", "sensitive attribute"),
        (
            {"metric": "rmse", "extra_metrics": "disparate_impact_ratio", "sensitive_column": "g"},
            "extra_metrics",
            "yes/no decisions",
        ),
        ({"sensitive_column": "id"}, "sensitive_column", "column of its own"),
        (
            {"ranking_kind": "weighted", "ranking_weights": "accuracy=1, disparate_impact_ratio=2"},
            "ranking_weights",
            "“disparate_impact_ratio” has a weight but is not one of the challenge's metrics",
        ),
        (
            {"ranking_kind": "weighted", "ranking_weights": "accuracy"},
            "ranking_weights",
            "Cannot read",
        ),
        (
            {"ranking_kind": "weighted", "ranking_weights": "accuracy=0"},
            "ranking_weights",
            "other than 0",
        ),
        (
            {
                "ranking_kind": "constraint",
                "constraint_metric": "demographic_parity_difference",
                "constraint_bound": 0.1,
            },
            "constraint_metric",
            "not one of the challenge's metrics",
        ),
        (
            {
                "ranking_kind": "constraint",
                "constraint_metric": "accuracy",
                "constraint_bound": 0.1,
            },
            "constraint_metric",
            "another metric than the primary",
        ),
        (
            {
                "ranking_kind": "constraint",
                "extra_metrics": "demographic_parity_difference",
                "sensitive_column": "g",
                "constraint_metric": "demographic_parity_difference",
            },
            "constraint_bound",
            "Give the bound",
        ),
    ],
)
def test_staff_get_a_clear_message_and_nothing_is_written(staff_user, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        _create(staff_user, **fields)
    assert any(message in text for text in caught.value.message_dict[field]), caught.value
    assert not Challenge.objects.exists()


def test_a_declared_constraint_and_weights_are_accepted(staff_user):
    challenge = _create(
        staff_user,
        extra_metrics=FOUR,
        sensitive_column="genre",
        ranking_kind="constraint",
        constraint_metric="demographic_parity_difference",
        constraint_bound=0.1,
    )
    assert challenge.metric_names[0] == "accuracy" and len(challenge.metric_names) == 5
    assert challenge.ranking.kind == "constraint"
    assert challenge.metric_directions()["disparate_impact_ratio"] is True


def test_the_edit_form_shows_the_message_for_a_weight_on_an_undeclared_metric(
    client, fair, staff_user
):
    client.force_login(staff_user)
    response = client.get(reverse("challenges:challenge_edit", args=[fair.slug]))
    data = {
        key: value for key, value in response.context["form"].initial.items() if value is not None
    }
    data.update(
        starts_at=fair.starts_at.strftime("%Y-%m-%dT%H:%M"),
        ends_at=fair.ends_at.strftime("%Y-%m-%dT%H:%M"),
        organiser="",
        workshop="",
        ranking_kind="weighted",
        ranking_weights="accuracy=1, f1_macro=1",
    )
    data.pop("final_selection_deadline", None)
    response = client.post(reverse("challenges:challenge_edit", args=[fair.slug]), data)
    assert response.status_code == 400
    assert "has a weight but is not one of the challenge" in response.content.decode()
    fair.refresh_from_db()
    assert fair.ranking_kind == "metric"


# --- scoring and the leaderboard ------------------------------------------------------------


def test_every_declared_metric_is_stored_per_submission_and_split(fair, run_tasks):
    submission = send(run_tasks, fair, _participant(fair), decisions_csv(accurate_unfair()))
    assert submission.status == SubmissionStatus.SCORED, submission.error_message
    names = fair.metric_names
    assert sorted(submission.public_metrics) == sorted(names)
    assert sorted(submission.private_metrics) == sorted(names)
    assert submission.public_score == submission.public_metrics["accuracy"]
    score = Score.objects.get(submission=submission)
    assert score.private_metrics == submission.private_metrics
    # Group 0 never gets the favourable decision: ratio 0, parity difference > 0.
    assert submission.private_metrics["disparate_impact_ratio"] == 0.0
    assert submission.private_metrics["demographic_parity_difference"] > 0


def test_three_submissions_show_the_pareto_front(fair, run_tasks):
    for content in (accurate_unfair(), fair_less_accurate(), dominated()):
        send(run_tasks, fair, _participant(fair), decisions_csv(content))
    board = leaderboard_public(fair)
    assert len(board) == 3
    by_accuracy = sorted(board, key=lambda e: -e.metrics["accuracy"])
    assert board == by_accuracy  # ranked by the primary metric
    front = [entry.on_front for entry in board]
    assert front.count(True) == 2
    loser = next(entry for entry in board if not entry.on_front)
    assert loser.metrics["accuracy"] == min(e.metrics["accuracy"] for e in board)


def test_a_constraint_ranks_the_fair_submission_first(fair, staff_user, run_tasks):
    unfair = send(run_tasks, fair, _participant(fair), decisions_csv(accurate_unfair()))
    fairer = send(run_tasks, fair, _participant(fair), decisions_csv(fair_less_accurate()))
    assert unfair.public_metrics["accuracy"] > fairer.public_metrics["accuracy"]
    bound = (
        unfair.public_metrics["demographic_parity_difference"]
        + fairer.public_metrics["demographic_parity_difference"]
    ) / 2
    assert fairer.public_metrics["demographic_parity_difference"] < bound
    challenge_update(
        challenge=fair,
        actor=staff_user,
        ranking_kind="constraint",
        constraint_metric="demographic_parity_difference",
        constraint_bound=bound,
    )
    fair.refresh_from_db()
    board = leaderboard_public(fair)
    assert [e.submission_id for e in board] == [fairer.pk, unfair.pk]
    assert [e.meets_constraint for e in board] == [True, False]
    challenge_update(
        challenge=fair,
        actor=staff_user,
        ranking_kind="weighted",
        ranking_weights="accuracy=1, demographic_parity_difference=10",
    )
    fair.refresh_from_db()
    board = leaderboard_public(fair)
    assert board[0].submission_id == fairer.pk
    assert board[0].ranking_value == pytest.approx(
        fairer.public_metrics["accuracy"]
        - 10 * fairer.public_metrics["demographic_parity_difference"]
    )


def test_the_leaderboard_page_shows_every_metric_and_the_front(client, fair, run_tasks):
    people = [_participant(fair) for _ in range(3)]
    for person, content in zip(
        people, (accurate_unfair(), fair_less_accurate(), dominated()), strict=True
    ):
        send(run_tasks, fair, person, decisions_csv(content))
    client.force_login(people[0].user)
    page = client.get(reverse("challenges:leaderboard", args=[fair.slug])).content.decode()
    assert page.count('data-testid="metric-column"') == 5
    assert page.count('data-testid="pareto-badge"') == 2
    assert 'aria-current="true"' in page and "own-row" in page
    export = b"".join(
        client.get(reverse("challenges:leaderboard_export", args=[fair.slug])).streaming_content
    ).decode()
    assert "disparate_impact_ratio" in export.splitlines()[0]


def test_the_multi_metric_leaderboard_runs_a_fixed_number_of_queries(client, fair, run_tasks):
    client.force_login(_participant(fair).user)
    url = reverse("challenges:leaderboard", args=[fair.slug])
    counts = []
    for teams in (1, 2):  # one team, then three
        for _ in range(teams):
            send(run_tasks, fair, _participant(fair), decisions_csv(fair_less_accurate()))
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert page.count('data-testid="leaderboard-row"') == sum((1, 2)[: len(counts) + 1])
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_private_board_is_shown_by_default_once_revealed(client, fair, staff_user, run_tasks):
    person = _participant(fair)
    send(
        run_tasks, fair, person, decisions_csv(accurate_unfair()), code_url="https://example.org/nb"
    )
    client.force_login(person.user)
    url = reverse("challenges:leaderboard", args=[fair.slug])
    page = client.get(url).content.decode()
    assert 'data-board="public"' in page and "https://example.org/nb" not in page
    Challenge.objects.filter(pk=fair.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    fair.refresh_from_db()
    challenge_reveal_private(challenge=fair, actor=staff_user)
    page = client.get(url).content.decode()
    assert 'data-board="private"' in page
    assert 'href="https://example.org/nb"' in page  # code links once the challenge has ended
    assert len(leaderboard_private(fair)) == 1


def test_a_code_link_must_be_a_web_address(fair, run_tasks):
    person = _participant(fair)
    with pytest.raises(ValidationError, match="https://"):
        submission_create(
            challenge=fair,
            user=person.user,
            upload=upload(decisions_csv(accurate_unfair())),
            code_url="javascript:alert(1)",
        )
    assert not Submission.objects.exists()


# --- the sensitive attribute never leaks ----------------------------------------------------


def test_the_sample_submission_holds_sorted_ids_and_a_placeholder_only(client, fair):
    rows = sample_submission_rows(fair)
    assert rows[0] == ["id", "target"]
    assert [row[0] for row in rows[1:]] == list(range(1, N + 1))
    assert {row[1] for row in rows[1:]} == {0}
    person = _participant(fair)
    client.force_login(person.user)
    response = client.get(reverse("challenges:sample_submission", args=[fair.slug]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0] == "id,target"
    assert SECRET not in body and "genre" not in body and "Usage" not in body


def test_the_sample_submission_is_scored_as_it_is(fair, run_tasks):
    rows = sample_submission_rows(fair)
    content = "\n".join(",".join(str(cell) for cell in row) for row in rows).encode() + b"\n"
    submission = send(run_tasks, fair, _participant(fair), content)
    assert submission.status == SubmissionStatus.SCORED


def test_a_data_file_naming_the_sensitive_column_is_refused(fair, staff_user):
    with pytest.raises(ValidationError, match="sensitive attribute"):
        data_file_add(
            challenge=fair, upload=upload(b"id,x,Genre\n1,2,a\n", "train.csv"), actor=staff_user
        )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("train.csv", "id;x;genre\n1;2;a\n")
    with pytest.raises(ValidationError, match="sensitive attribute"):
        data_file_add(
            challenge=fair, upload=upload(archive.getvalue(), "data.zip"), actor=staff_user
        )
    assert not DataFile.objects.exists()
    data_file_add(challenge=fair, upload=upload(b"id,x\n1,2\n", "train.csv"), actor=staff_user)
    assert DataFile.objects.count() == 1


def test_naming_a_sensitive_column_a_data_file_holds_is_refused(staff_user):
    challenge = ChallengeFactory(metric="accuracy", higher_is_better=True)
    data_file_add(
        challenge=challenge, upload=upload(b"id,x,sexe\n1,2,a\n", "t.csv"), actor=staff_user
    )
    with pytest.raises(ValidationError) as caught:
        challenge_update(challenge=challenge, actor=staff_user, sensitive_column="sexe")
    assert "t.csv" in " ".join(caught.value.message_dict["sensitive_column"])
    challenge.refresh_from_db()
    assert challenge.sensitive_column == ""


def test_naming_the_column_later_reads_the_solution_again(staff_user, run_tasks):
    challenge = ChallengeFactory(metric="accuracy", higher_is_better=True)
    solution_upload(challenge=challenge, upload=upload(solution_csv(), "s.csv"), actor=staff_user)
    person = _participant(challenge)
    submission = send(run_tasks, challenge, person, decisions_csv(accurate_unfair()))
    assert list(submission.public_metrics) == ["accuracy"]
    run_tasks(
        lambda: challenge_update(
            challenge=challenge, actor=staff_user, extra_metrics=FOUR, sensitive_column="genre"
        )
    )
    assert SolutionVersion.objects.filter(challenge=challenge).count() == 2
    submission.refresh_from_db()
    assert len(submission.public_metrics) == 5


def test_no_page_or_file_a_participant_sees_names_a_group(client, fair, run_tasks):
    person = _participant(fair)
    good = send(run_tasks, fair, person, decisions_csv(accurate_unfair()))
    assert good.status == SubmissionStatus.SCORED
    # A file with the sensitive column added is refused at the door, quoting only the file.
    with pytest.raises(ValidationError) as caught:
        submission_create(
            challenge=fair,
            user=person.user,
            upload=upload(b"id,target,genre\n1,1,x\n"),
        )
    assert SECRET not in str(caught.value)
    # Files the scorer refuses: messages quote the submission only.
    bad_rows = [
        decisions_csv(accurate_unfair()[:-1]),  # an id missing
        decisions_csv(accurate_unfair()).replace(b"\n3,", b"\n3,oui\n999,"),
        b"id,target\n" + b"".join(f"{i + 1},nan\n".encode() for i in range(N)),
    ]
    for content in bad_rows:
        refused = send(run_tasks, fair, person, content)
        assert refused.status == SubmissionStatus.INVALID, refused.status
        assert SECRET not in refused.error_message and "genre" not in refused.error_message
    client.force_login(person.user)
    pages = [
        reverse("challenges:challenge_detail", args=[fair.slug]),
        reverse("challenges:leaderboard", args=[fair.slug]),
        reverse("challenges:leaderboard", args=[fair.slug]) + "?board=private",
        reverse("challenges:my_submissions", args=[fair.slug]),
        reverse("challenges:submit", args=[fair.slug]),
        reverse("challenges:leaderboard_export", args=[fair.slug]),
        reverse("challenges:sample_submission", args=[fair.slug]),
    ]
    for url in pages:
        response = client.get(url)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8-sig")
        assert response.status_code == 200, url
        assert SECRET not in body, url
