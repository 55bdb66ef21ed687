"""Submitting, scoring, quotas, solutions and data files, through the services."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compagnon.challenges import services
from compagnon.challenges.models import (
    DataFile,
    RulesAcceptance,
    Score,
    SolutionVersion,
    Submission,
    SubmissionStatus,
)
from compagnon.challenges.services import (
    QuotaExceeded,
    challenge_rules_accept,
    data_file_add,
    quota_for,
    solution_upload,
    submission_create,
    team_of,
)
from compagnon.challenges.tests.conftest import predictions, solution_bytes, upload
from compagnon.challenges.tests.factories import ChallengeFactory
from compagnon.members.tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def submitted_files(settings) -> list[str]:
    root = os.path.join(settings.PRIVATE_ROOT, "challenges")
    found = []
    for folder, _dirs, files in os.walk(root):
        if folder.endswith("submissions"):
            found += files
    return found


def submit(run_tasks, challenge, person, content, **kwargs):
    return run_tasks(
        submission_create, challenge=challenge, user=person.user, upload=upload(content), **kwargs
    )


# --- the happy path ----------------------------------------------------------------------


def test_a_good_submission_is_scored_after_commit(accepted, member_a, run_tasks):
    submission = submit(run_tasks, accepted, member_a, predictions(offset=0.5))
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED
    assert submission.public_score == pytest.approx(0.5)
    assert submission.private_score == pytest.approx(0.5)
    assert submission.attempts == 1
    assert submission.scored_at is not None
    assert Score.objects.get(submission=submission).public == pytest.approx(0.5)
    # A participant on their own is a team of one, named after them.
    assert team_of(accepted, member_a.user).name == member_a.full_name


def test_the_task_is_idempotent(accepted, member_a, run_tasks):
    submission = submit(run_tasks, accepted, member_a, predictions(offset=0.5))
    assert services.submission_score_run(submission.pk) == "skipped"
    submission.refresh_from_db()
    assert submission.attempts == 1
    assert Score.objects.filter(submission=submission).count() == 1


def test_a_file_with_bom_is_accepted(accepted, member_a, run_tasks):
    submission = submit(run_tasks, accepted, member_a, b"\xef\xbb\xbf" + predictions(offset=1))
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED


# --- bad files: a clear message, nothing half-written, no quota spent --------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"id,prediction\n1,2\n", "header must be exactly"),
        (b"id,target,extra\n1,2,3\n", "header must be exactly"),
        (b"id\n1\n", "header must be exactly"),
        (b"id;target\n1;2\n", "semicolons"),
        (b"\xff\xfei\x00d\x00", "UTF-8"),
    ],
)
def test_cheap_checks_refuse_before_anything_is_written(
    accepted, member_a, run_tasks, settings, content, message
):
    with pytest.raises(ValidationError) as caught:
        submit(run_tasks, accepted, member_a, content)
    assert message in " ".join(caught.value.messages)
    assert Submission.objects.count() == 0
    assert submitted_files(settings) == []
    assert quota_for(accepted, team_of(accepted, member_a.user)).used_today == 0


@pytest.mark.parametrize(
    "content",
    [
        predictions().replace(b"2,2.0\n", b"2,2.0\n2,2.0\n"),  # duplicate id
        predictions().replace(b"3,3.0\n", b""),  # missing id
        predictions().replace(b"4,4.0\n", b"4,4.0\n999,1.0\n"),  # id from another challenge
        predictions().replace(b"5,5.0", b"5,five"),  # a string in a numeric column
        predictions().replace(b"6,6.0", b"6,nan"),  # NaN
        predictions().replace(b"7,7.0", b"7,1.0,2.0"),  # ragged row
    ],
    ids=["duplicate", "missing", "unknown", "string", "nan", "ragged"],
)
def test_the_scorer_refuses_bad_rows_and_the_quota_is_not_spent(
    accepted, member_a, run_tasks, content
):
    submission = submit(run_tasks, accepted, member_a, content)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.INVALID
    assert submission.error_message
    assert submission.counts_toward_quota is False
    assert submission.public_score is None
    # Nothing of the solution in the message: no target value is quoted.
    assert "Private" not in submission.error_message
    quota = quota_for(accepted, submission.team)
    assert quota.used_today == 0
    assert quota.left_today == accepted.submissions_per_day
    assert Score.objects.count() == 0


def test_duplicate_ids_are_named(accepted, member_a, run_tasks):
    content = predictions().replace(b"2,2.0\n", b"2,2.0\n2,2.0\n")
    submission = submit(run_tasks, accepted, member_a, content)
    submission.refresh_from_db()
    assert "1 id appears more than once, for example: 2" in submission.error_message


def test_uploading_before_the_start_or_after_the_end_is_refused(
    accepted, member_a, run_tasks, settings
):
    for start, end, message in [
        (timedelta(days=1), timedelta(days=2), "not started"),
        (timedelta(days=-3), timedelta(days=-1), "over"),
    ]:
        accepted.starts_at = timezone.now() + start
        accepted.ends_at = timezone.now() + end
        accepted.save()
        with pytest.raises(ValidationError) as caught:
            submit(run_tasks, accepted, member_a, predictions())
        assert message in " ".join(caught.value.messages)
    assert Submission.objects.count() == 0
    assert submitted_files(settings) == []


def test_rules_must_be_accepted_first(challenge, member_a, run_tasks):
    with pytest.raises(ValidationError, match="Accept the rules"):
        submit(run_tasks, challenge, member_a, predictions())
    assert Submission.objects.count() == 0


def test_a_guest_cannot_take_part_in_a_members_challenge(challenge):
    guest = UserFactory(email="guest@nowhere.example")
    with pytest.raises(PermissionDenied):
        challenge_rules_accept(challenge=challenge, user=guest)
    assert RulesAcceptance.objects.count() == 0


def test_a_guest_can_take_part_in_a_public_challenge(challenge, run_tasks):
    challenge.visibility = "public"
    challenge.save()
    guest = UserFactory(email="guest@nowhere.example")
    challenge_rules_accept(challenge=challenge, user=guest)
    submission = run_tasks(
        submission_create, challenge=challenge, user=guest, upload=upload(predictions(offset=2))
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED


def test_a_file_over_the_size_limit_is_refused(accepted, member_a, run_tasks, settings):
    settings.CHALLENGE_SUBMISSION_MAX_MB = 0
    with pytest.raises(ValidationError, match="larger than"):
        submit(run_tasks, accepted, member_a, predictions())
    assert Submission.objects.count() == 0


# --- quotas -----------------------------------------------------------------------------------


def test_the_daily_limit_is_per_team_per_utc_day(accepted, member_a, run_tasks):
    accepted.submissions_per_day = 2
    accepted.save()
    with time_machine.travel(datetime(2026, 3, 10, 23, 30, tzinfo=UTC), tick=False):
        accepted.starts_at = timezone.now() - timedelta(days=1)
        accepted.ends_at = timezone.now() + timedelta(days=5)
        accepted.save()
        submit(run_tasks, accepted, member_a, predictions(offset=1))
        submit(run_tasks, accepted, member_a, predictions(offset=2))
        with pytest.raises(QuotaExceeded, match="resets at midnight UTC"):
            submit(run_tasks, accepted, member_a, predictions(offset=3))
        quota = quota_for(accepted, team_of(accepted, member_a.user))
        assert quota.left_today == 0
        assert quota.resets_at == datetime(2026, 3, 11, 0, 0, tzinfo=UTC)
    # 00:10 UTC is 01:10 in Paris: a new UTC day, a fresh counter.
    with time_machine.travel(datetime(2026, 3, 11, 0, 10, tzinfo=UTC), tick=False):
        submit(run_tasks, accepted, member_a, predictions(offset=3))
        assert quota_for(accepted, team_of(accepted, member_a.user)).used_today == 1
    assert Submission.objects.count() == 3


def test_invalid_submissions_free_their_slot(accepted, member_a, run_tasks):
    accepted.submissions_per_day = 1
    accepted.save()
    bad = submit(run_tasks, accepted, member_a, predictions().replace(b"3,3.0\n", b""))
    bad.refresh_from_db()
    assert bad.status == SubmissionStatus.INVALID
    good = submit(run_tasks, accepted, member_a, predictions(offset=1))
    good.refresh_from_db()
    assert good.status == SubmissionStatus.SCORED


def test_the_total_limit(accepted, member_a, run_tasks):
    accepted.submissions_total = 1
    accepted.save()
    submit(run_tasks, accepted, member_a, predictions(offset=1))
    with pytest.raises(QuotaExceeded, match="all its 1"):
        submit(run_tasks, accepted, member_a, predictions(offset=2))


# --- solution -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"id,target\n1,1\n2,2\n",  # no Usage column
        b"id,target,Usage\n1,1,Public\n1,2,Private\n",  # an id twice
        b"",  # empty
    ],
    ids=["no-usage", "duplicate-id", "empty"],
)
def test_a_bad_solution_writes_nothing(challenge, staff_user, content, settings):
    before = SolutionVersion.objects.count()
    with pytest.raises(ValidationError):
        solution_upload(
            challenge=challenge, upload=upload(content, "solution.csv"), actor=staff_user
        )
    assert SolutionVersion.objects.count() == before
    solution_dir = os.path.join(settings.PRIVATE_ROOT, "challenges", str(challenge.pk), "solution")
    assert len(os.listdir(solution_dir)) == 2  # the first version's original and parsed form


def test_replacing_the_solution_rescores_and_keeps_history(
    accepted, member_a, staff_user, run_tasks
):
    submission = submit(run_tasks, accepted, member_a, predictions(offset=0))
    submission.refresh_from_db()
    assert submission.public_score == pytest.approx(0.0)
    shifted = {i: float(i) + 2 for i in range(1, 11)}
    version = run_tasks(
        solution_upload,
        challenge=accepted,
        upload=upload(solution_bytes(shifted), "solution.csv"),
        actor=staff_user,
        note="targets were off by two",
    )
    assert version.number == 2
    submission.refresh_from_db()
    assert submission.public_score == pytest.approx(2.0)
    assert submission.solution_version == version
    history = dict(
        Score.objects.filter(submission=submission).values_list(
            "solution_version__number", "public"
        )
    )
    assert history == {1: pytest.approx(0.0), 2: pytest.approx(2.0)}


# --- data files ---------------------------------------------------------------------------------


def test_a_data_file_is_stored_privately(challenge, staff_user, settings):
    data_file = data_file_add(
        challenge=challenge, upload=upload(b"id,x\n1,2\n", "train.csv"), actor=staff_user
    )
    assert data_file.file.path.startswith(str(settings.PRIVATE_ROOT))
    assert data_file.size == 9


def test_a_zip_bomb_is_refused(challenge, staff_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\0" * (20 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(ValidationError, match="zip bomb"):
        data_file_add(
            challenge=challenge, upload=upload(buffer.getvalue(), "data.zip"), actor=staff_user
        )
    assert DataFile.objects.count() == 0


def test_a_normal_zip_is_accepted(challenge, staff_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("train.csv", "id,x\n" + "".join(f"{i},{i * 7 % 13}\n" for i in range(500)))
    data_file = data_file_add(
        challenge=challenge, upload=upload(buffer.getvalue(), "data.zip"), actor=staff_user
    )
    assert data_file.name == "data.zip"


# --- challenges ---------------------------------------------------------------------------------


def test_challenge_create_checks_dates_and_metric(staff_user):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        services.challenge_create(
            actor=staff_user,
            title="Churn",
            description="d",
            rules="r",
            starts_at=now,
            ends_at=now - timedelta(days=1),
            metric="nonsense",
        )
    assert {"ends_at", "metric"} <= set(caught.value.error_dict)
    challenge = services.challenge_create(
        actor=staff_user,
        title="Churn at a telco",
        description="d",
        rules="r",
        starts_at=now,
        ends_at=now + timedelta(days=10),
        metric="roc_auc",
    )
    assert challenge.slug == "churn-at-a-telco"
    assert challenge.higher_is_better is True


def test_another_members_person_counts_as_member(challenge):
    person = PersonFactory(with_account=True)
    challenge_rules_accept(challenge=challenge, user=person.user)
    assert RulesAcceptance.objects.filter(user=person.user).exists()


def test_challenge_factory_is_running():
    challenge = ChallengeFactory()
    assert challenge.phase() == "running"


def test_rescore_all_computes_every_score_again(accepted, member_a, staff_user, run_tasks):
    submission = submit(run_tasks, accepted, member_a, predictions(offset=0.5))
    first = Score.objects.get(submission=submission)
    count = run_tasks(
        services.challenge_rescore_all, challenge=accepted, actor=staff_user, force=True
    )
    assert count == 1
    again = Score.objects.get(submission=submission)
    assert again.pk != first.pk
    assert again.public == pytest.approx(0.5)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED


def test_the_slug_new_is_reserved(staff_user):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        services.challenge_create(
            actor=staff_user,
            title="New",
            description="d",
            rules="r",
            starts_at=now,
            ends_at=now + timedelta(days=1),
        )
    assert "slug" in caught.value.error_dict


def test_a_solution_the_metric_cannot_score_is_refused(staff_user):
    # ROC AUC on a public split holding one class only: refused at upload, not a silent NaN.
    challenge = ChallengeFactory(metric="roc_auc", higher_is_better=True)
    content = b"id,target,Usage\n1,1,Public\n2,1,Public\n3,0,Private\n4,1,Private\n"
    with pytest.raises(ValidationError):
        solution_upload(
            challenge=challenge, upload=upload(content, "solution.csv"), actor=staff_user
        )
    assert SolutionVersion.objects.filter(challenge=challenge).count() == 0


# --- refusals that must leave everything as it was ----------------------------------------------


def test_a_refused_replacement_keeps_the_data_file(challenge, staff_user, run_tasks):
    first = data_file_add(
        challenge=challenge, upload=upload(b"id,x\n1,2\n", "train.csv"), actor=staff_user
    )
    with pytest.raises(ValidationError) as caught:
        run_tasks(
            data_file_add,
            challenge=challenge,
            upload=upload(b"id,x\n1,3\n", "train.csv"),
            actor=staff_user,
            description="x" * 501,
        )
    assert "at most 500 characters" in " ".join(caught.value.messages)
    kept = DataFile.objects.get(challenge=challenge, name="train.csv")
    assert kept.pk == first.pk
    with kept.file.open("rb") as handle:
        assert handle.read() == b"id,x\n1,2\n"


def test_a_replaced_data_file_is_removed_after_commit(challenge, staff_user, run_tasks):
    first = data_file_add(
        challenge=challenge, upload=upload(b"id,x\n1,2\n", "train.csv"), actor=staff_user
    )
    old_path = first.file.path
    second = run_tasks(
        data_file_add,
        challenge=challenge,
        upload=upload(b"id,x\n1,3\n", "train.csv"),
        actor=staff_user,
    )
    assert list(DataFile.objects.filter(challenge=challenge)) == [second]
    assert not os.path.exists(old_path)
    assert os.path.exists(second.file.path)


def test_changing_the_metric_scores_everything_again(accepted, member_a, staff_user, run_tasks):
    # One public row off by 4: RMSE sqrt(16 / 5), MAE 4 / 5.
    submission = submit(run_tasks, accepted, member_a, predictions(t1=5.0))
    submission.refresh_from_db()
    assert submission.public_score == pytest.approx((16 / 5) ** 0.5)
    run_tasks(services.challenge_update, challenge=accepted, actor=staff_user, metric="mae")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED
    assert submission.public_score == pytest.approx(0.8)


def test_a_metric_the_solution_cannot_take_is_refused(accepted, member_a, staff_user, run_tasks):
    submission = submit(run_tasks, accepted, member_a, predictions(offset=0.5))
    with pytest.raises(ValidationError) as caught:
        run_tasks(services.challenge_update, challenge=accepted, actor=staff_user, metric="roc_auc")
    message = " ".join(caught.value.message_dict["metric"])
    assert "cannot be scored with this metric" in message
    assert "Choose another metric" in message
    accepted.refresh_from_db()
    assert accepted.metric == "rmse"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED
    assert submission.public_score == pytest.approx(0.5)


def test_attempts_count_afresh_for_a_new_solution(accepted, member_a, staff_user, run_tasks):
    # Attempts spent on earlier versions must not leave a new version without retries.
    submission = submit(run_tasks, accepted, member_a, predictions(offset=0))
    Submission.objects.filter(pk=submission.pk).update(attempts=10)
    run_tasks(
        solution_upload,
        challenge=accepted,
        upload=upload(solution_bytes(), "solution.csv"),
        actor=staff_user,
    )
    submission.refresh_from_db()
    assert submission.attempts == 1
    assert submission.solution_version.number == 2
