"""Challenges with private files on S3 (moto's server): nothing is read by local path.

The solution, data files and submissions live in the bucket under private/; scoring and
the sensitive-column check read them through `local_copy`, and a download is a presigned
link given after the permission check. No object is readable without that signature.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from compagnon.challenges.models import DataFile, RulesAcceptance, SubmissionStatus
from compagnon.challenges.services import (
    challenge_update,
    data_file_add,
    solution_load,
    solution_upload,
    submission_create,
)
from compagnon.challenges.tests.conftest import predictions, solution_bytes, upload
from compagnon.challenges.tests.factories import ChallengeFactory

pytestmark = pytest.mark.django_db


def _local_files(settings) -> list[str]:
    root = str(settings.PRIVATE_ROOT)
    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]


@pytest.fixture
def on_s3(s3, staff_user, member_a):
    """A running challenge whose solution was uploaded to the bucket; member_a took part."""
    challenge = ChallengeFactory()
    solution_upload(
        challenge=challenge, upload=upload(solution_bytes(), "solution.csv"), actor=staff_user
    )
    RulesAcceptance.objects.create(challenge=challenge, user=member_a.user)
    return challenge


def test_a_submission_is_uploaded_and_scored_on_s3(
    s3, on_s3, member_a, run_tasks, settings, tmp_path
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)  # where local_copy's copies go
    submission = run_tasks(
        submission_create,
        challenge=on_s3,
        user=member_a.user,
        upload=upload(predictions(offset=0.5)),
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED, submission.error_message
    assert submission.public_score == pytest.approx(0.5)
    assert submission.private_score == pytest.approx(0.5)
    keys = s3.objects()
    assert f"private/{submission.file.name}" in keys
    assert s3.read(f"private/{submission.file.name}") == predictions(offset=0.5)
    assert sum(key.endswith(".bin") for key in keys) == 1  # the parsed solution
    # No private file on this machine: not in PRIVATE_ROOT, no copy left behind.
    assert _local_files(settings) == []
    assert os.listdir(tmp_path) == []


def test_the_solution_is_loaded_from_the_bucket(s3, on_s3):
    version = on_s3.solution_versions.get()
    assert version.parsed.storage.exists(version.parsed.name)
    with pytest.raises(NotImplementedError):
        version.parsed.path  # noqa: B018  (S3 has no local path: nothing may ask for it)
    solution = solution_load(version)
    assert solution.n_rows == 10
    assert solution.n_public == 5


def test_the_sensitive_column_check_reads_a_data_file_on_s3(s3, staff_user):
    challenge = ChallengeFactory(metric="accuracy", higher_is_better=True)
    data_file = data_file_add(
        challenge=challenge, upload=upload(b"id,x,sexe\n1,2,a\n", "t.csv"), actor=staff_user
    )
    assert f"private/{data_file.file.name}" in s3.objects()
    with pytest.raises(ValidationError) as caught:
        challenge_update(challenge=challenge, actor=staff_user, sensitive_column="sexe")
    assert caught.value.message_dict["sensitive_column"] == [
        "Data file t.csv: This file has a column “sexe”, the challenge's sensitive attribute: "
        "it stays in the solution only. Remove the column and upload the file again."
    ]
    challenge.refresh_from_db()
    assert challenge.sensitive_column == ""
    # A column the file does not hold is accepted.
    challenge_update(challenge=challenge, actor=staff_user, sensitive_column="genre")
    challenge.refresh_from_db()
    assert challenge.sensitive_column == "genre"


def test_a_data_file_download_is_a_short_presigned_link_and_the_object_is_not_public(
    s3, on_s3, staff_user, member_a, member_b, client_of
):
    data_file = data_file_add(
        challenge=on_s3, upload=upload(b"id,x\n1,2\n", "train.csv"), actor=staff_user
    )
    url = reverse("challenges:data_file_download", args=[on_s3.slug, data_file.pk])
    # member_b has not accepted the rules: back to them, no link to the bucket.
    refused = client_of(member_b).get(url)
    assert refused.status_code == 302
    assert refused["Location"].endswith("#rules")
    response = client_of(member_a).get(url)
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith(f"{s3.endpoint}/{s3.bucket}/private/challenges/")
    assert "Signature=" in link or "X-Amz-Signature=" in link
    assert response["Cache-Control"] == "private, no-store"
    with urllib.request.urlopen(link, timeout=5) as answer:  # what the browser does next
        assert answer.read() == b"id,x\n1,2\n"
        assert answer.headers["Content-Disposition"] == 'attachment; filename="train.csv"'
    # The same object without the signature: refused by the store (no public ACL).
    bare = link.split("?", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        urllib.request.urlopen(bare, timeout=5)
    assert anonymous.value.code == 403
    grants = s3.client.get_object_acl(Bucket=s3.bucket, Key=f"private/{data_file.file.name}")
    assert [g["Grantee"].get("URI") for g in grants["Grants"]] == [None]
    assert DataFile.objects.count() == 1


@pytest.mark.parametrize("how", ["removed", "erring", "unreachable"])
def test_scoring_while_the_store_fails_retries_then_records_a_clear_failure(
    s3, s3_failing, on_s3, member_a, settings, tmp_path, caplog, how
):
    from compagnon.challenges import services
    from compagnon.challenges.models import Score, Submission

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.CHALLENGE_SCORING_MAX_ATTEMPTS = 2
    submission = submission_create(  # its scoring task is left for later (no commit here)
        challenge=on_s3, user=member_a.user, upload=upload(predictions(offset=0.5))
    )
    services._SOLUTIONS.clear()
    s3_failing(how)
    assert services.submission_score_run(submission.pk) == "retry"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.QUEUED
    assert services.submission_score_run(submission.pk) == "failed"
    submission = Submission.objects.get(pk=submission.pk)
    assert submission.status == SubmissionStatus.FAILED
    assert submission.error_message == (
        "The file store could not be reached to score this submission; "
        "the club's staff have been told."
    )
    assert submission.counts_toward_quota is False
    assert not Score.objects.exists()
    assert os.listdir(tmp_path) == []
    assert "private store" in caplog.text
