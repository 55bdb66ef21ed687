"""Fixtures for challenge tests: a running challenge with a real solution, and CSV writers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compagnon.challenges.models import RulesAcceptance
from compagnon.challenges.services import solution_upload
from compagnon.challenges.tests.factories import ChallengeFactory
from compagnon.core.testing import smtp_server  # noqa: F401  (fixture)

# Ten ids; odd ones are public, even ones private.
TARGETS = {i: float(i) for i in range(1, 11)}


def solution_bytes(targets: dict[int, float] = TARGETS) -> bytes:
    lines = ["id,target,Usage"]
    for i, value in targets.items():
        lines.append(f"{i},{value},{'Public' if i % 2 else 'Private'}")
    return ("\n".join(lines) + "\n").encode()


def predictions(offset: float = 0.0, **changes) -> bytes:
    """A submission: the truth plus `offset` (RMSE = |offset|)."""
    rows = {i: value + offset for i, value in TARGETS.items()}
    rows.update({int(k[1:]): v for k, v in changes.items()})
    return ("id,target\n" + "".join(f"{i},{v}\n" for i, v in rows.items())).encode()


def upload(content: bytes, name: str = "predictions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def challenge(db, staff_user):
    challenge = ChallengeFactory()
    solution_upload(
        challenge=challenge, upload=upload(solution_bytes(), "solution.csv"), actor=staff_user
    )
    return challenge


@pytest.fixture
def accepted(challenge, member_a, member_b):
    """member_a and member_b have accepted the rules."""
    for person in (member_a, member_b):
        RulesAcceptance.objects.create(challenge=challenge, user=person.user)
    return challenge


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what a service left for after commit (the immediate task backend scores inline)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run
