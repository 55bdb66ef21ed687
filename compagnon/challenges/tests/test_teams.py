"""Teams: create, invite, join (a merge), leave; Kaggle's merge rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compagnon.challenges.models import (
    Submission,
    SubmissionStatus,
    Team,
    TeamInvitationStatus,
    TeamMembership,
)
from compagnon.challenges.services import (
    submission_create,
    team_create,
    team_invitation_accept,
    team_invitation_decline,
    team_invite,
    team_leave,
    team_of,
)
from compagnon.challenges.tests.conftest import predictions, upload
from compagnon.core.models import Notice

pytestmark = pytest.mark.django_db


def test_create_invite_accept(accepted, member_a, member_b):
    team = team_create(challenge=accepted, user=member_a.user, name="Gradient Gang")
    invitation = team_invite(team=team, invitee_email=member_b.email, actor=member_a.user)
    assert Notice.objects.filter(user=member_b.user).count() == 1
    joined = team_invitation_accept(invitation=invitation, user=member_b.user)
    assert joined == team
    assert set(team.memberships.values_list("user__email", flat=True)) == {
        member_a.email,
        member_b.email,
    }
    invitation.refresh_from_db()
    assert invitation.status == TeamInvitationStatus.ACCEPTED


def test_joining_brings_your_submissions(accepted, member_a, member_b, run_tasks):
    team = team_create(challenge=accepted, user=member_a.user, name="Gradient Gang")
    run_tasks(
        submission_create, challenge=accepted, user=member_b.user, upload=upload(predictions(1))
    )
    own = team_of(accepted, member_b.user)
    invitation = team_invite(team=team, invitee_email=member_b.email, actor=member_a.user)
    team_invitation_accept(invitation=invitation, user=member_b.user)
    own.refresh_from_db()
    assert own.merged_into == team
    assert Submission.objects.get().team == team


def test_merge_refused_when_the_count_exceeds_what_one_team_could_have_made(
    accepted, member_a, member_b, run_tasks
):
    # Started an hour ago: day 1 of the challenge, 2 a day -> at most 2 together.
    accepted.starts_at = timezone.now() - timedelta(minutes=1)
    accepted.submissions_per_day = 2
    accepted.save()
    for person in (member_a, member_b):
        for offset in (1, 2):
            run_tasks(
                submission_create,
                challenge=accepted,
                user=person.user,
                upload=upload(predictions(offset)),
            )
    team_a = team_of(accepted, member_a.user)
    invitation = team_invite(team=team_a, invitee_email=member_b.email, actor=member_a.user)
    with pytest.raises(ValidationError, match="cannot merge"):
        team_invitation_accept(invitation=invitation, user=member_b.user)
    # Nothing moved.
    assert team_of(accepted, member_b.user) != team_a
    assert Submission.objects.filter(team=team_a).count() == 2
    invitation.refresh_from_db()
    assert invitation.status == TeamInvitationStatus.PENDING


def test_invalid_submissions_do_not_count_toward_the_merge_rule(
    accepted, member_a, member_b, run_tasks
):
    accepted.starts_at = timezone.now() - timedelta(minutes=1)
    accepted.submissions_per_day = 2
    accepted.save()
    bad = predictions().replace(b"3,3.0\n", b"")
    for person, content in ((member_a, predictions(1)), (member_b, predictions(2))):
        run_tasks(submission_create, challenge=accepted, user=person.user, upload=upload(content))
    run_tasks(submission_create, challenge=accepted, user=member_b.user, upload=upload(bad))
    assert Submission.objects.filter(status=SubmissionStatus.INVALID).count() == 1
    invitation = team_invite(
        team=team_of(accepted, member_a.user), invitee_email=member_b.email, actor=member_a.user
    )
    team_invitation_accept(invitation=invitation, user=member_b.user)


def test_team_size_limit(accepted, member_a, member_b):
    accepted.max_team_size = 1
    accepted.save()
    team = team_create(challenge=accepted, user=member_a.user, name="Solo")
    with pytest.raises(ValidationError, match="full"):
        team_invite(team=team, invitee_email=member_b.email, actor=member_a.user)


def test_only_a_member_of_the_team_invites(accepted, member_a, member_b, manager_a):
    team = team_create(challenge=accepted, user=member_a.user, name="Alpha")
    with pytest.raises(PermissionDenied):
        team_invite(team=team, invitee_email=manager_a.email, actor=member_b.user)


def test_unknown_address_is_refused(accepted, member_a):
    team = team_create(challenge=accepted, user=member_a.user, name="Alpha")
    with pytest.raises(ValidationError, match="Nobody"):
        team_invite(team=team, invitee_email="nobody@example.org", actor=member_a.user)


def test_decline(accepted, member_a, member_b):
    team = team_create(challenge=accepted, user=member_a.user, name="Alpha")
    invitation = team_invite(team=team, invitee_email=member_b.email, actor=member_a.user)
    team_invitation_decline(invitation=invitation, user=member_b.user)
    with pytest.raises(ValidationError):
        team_invitation_accept(invitation=invitation, user=member_b.user)


def test_names_are_unique_per_challenge(accepted, member_a, member_b):
    team_create(challenge=accepted, user=member_a.user, name="Alpha")
    with pytest.raises(ValidationError, match="already has this name"):
        team_create(challenge=accepted, user=member_b.user, name="Alpha")


def test_leave_before_submitting(accepted, member_a):
    team_create(challenge=accepted, user=member_a.user, name="Alpha")
    team_leave(challenge=accepted, user=member_a.user)
    assert not Team.objects.exists()
    assert not TeamMembership.objects.exists()


def test_no_leaving_after_submitting(accepted, member_a, run_tasks):
    run_tasks(
        submission_create, challenge=accepted, user=member_a.user, upload=upload(predictions(1))
    )
    with pytest.raises(ValidationError, match="keep you in it"):
        team_leave(challenge=accepted, user=member_a.user)
