"""Who gets what on every challenge URL (walked by core/tests/test_permissions.py).

The world gets, lazily: a members-only running challenge with a solution and
a data file, organised by organisation A, that member_a has joined (rules
accepted, a team); a public one; and a draft.
"""

from __future__ import annotations

from compagnon.core.tests.urltable import (
    LOGIN,
    REDIRECT,
    Case,
    everyone,
    members_only,
    staff_only,
)


def _challenges(world):
    if not hasattr(world, "challenge_members"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from compagnon.challenges.models import ChallengeStatus, ChallengeVisibility
        from compagnon.challenges.services import data_file_add, solution_upload, team_create
        from compagnon.challenges.tests.conftest import solution_bytes
        from compagnon.challenges.tests.factories import ChallengeFactory

        world.challenge_members = ChallengeFactory(slug="members-challenge", organiser=world.org_a)
        solution_upload(
            challenge=world.challenge_members,
            upload=SimpleUploadedFile("solution.csv", solution_bytes()),
            actor=world.staff_user,
        )
        world.data_file = data_file_add(
            challenge=world.challenge_members,
            upload=SimpleUploadedFile("train.csv", b"id,x\n1,2\n"),
            actor=world.staff_user,
        )
        from compagnon.challenges.models import RulesAcceptance

        for user in (world.member_a.user, world.staff_user):
            RulesAcceptance.objects.create(challenge=world.challenge_members, user=user)
        world.team_a = team_create(
            challenge=world.challenge_members, user=world.member_a.user, name="Team A"
        )
        world.challenge_public = ChallengeFactory(
            slug="public-challenge", visibility=ChallengeVisibility.PUBLIC
        )
        world.challenge_draft = ChallengeFactory(
            slug="draft-challenge", status=ChallengeStatus.DRAFT
        )
    return world


def _slug(name):
    return lambda w: {"slug": getattr(_challenges(w), name).slug}


def _invitation(world):
    from compagnon.challenges.models import TeamInvitation

    _challenges(world)
    return TeamInvitation.objects.get_or_create(
        team=world.team_a, invitee=world.member_b.user, invited_by=world.member_a.user
    )[0]


MEMBERS = _slug("challenge_members")
PUBLIC = _slug("challenge_public")
DRAFT = _slug("challenge_draft")
# Members see it; staff and organisation A's managers run it.
ORGANISERS = {**members_only(403), "manager_a": 200, "staff": 200}
# Pages for participants: signed-in people who may take part (members here).
PARTICIPANTS_PUBLIC = {**everyone(200), "anonymous": LOGIN}

URL_TABLE = {
    "challenges:challenge_list": Case(everyone(200)),
    "challenges:challenge_create": [
        Case(staff_only()),
        Case(staff_only(400), method="post", data=lambda w: {"title": ""}, note="invalid: shown"),
    ],
    "challenges:challenge_detail": [
        Case(members_only(), kwargs=MEMBERS, note="members-only challenge"),
        Case(everyone(200), kwargs=PUBLIC, note="public challenge"),
        Case({**everyone(404), "staff": 200}, kwargs=DRAFT, note="a draft: staff only"),
    ],
    "challenges:rules_accept": [
        Case(members_only(405), kwargs=MEMBERS),
        Case(members_only(REDIRECT), method="post", kwargs=MEMBERS),
        Case(
            {**everyone(REDIRECT), "anonymous": LOGIN},
            method="post",
            kwargs=PUBLIC,
            note="public: any account",
        ),
    ],
    "challenges:data_file_download": Case(
        {**members_only(REDIRECT), "member_a": 200, "staff": 200},
        kwargs=lambda w: {"slug": _challenges(w).challenge_members.slug, "pk": w.data_file.pk},
        note="after accepting the rules (member_a, staff); others are sent to the rules",
    ),
    "challenges:sample_submission": [
        Case(
            {**members_only(REDIRECT), "member_a": 200, "staff": 200},
            kwargs=MEMBERS,
            note="after accepting the rules (member_a, staff); others are sent to the rules",
        ),
        Case(
            {**everyone(REDIRECT), "anonymous": LOGIN},
            kwargs=PUBLIC,
            note="public: no one has accepted its rules",
        ),
    ],
    "challenges:discussion": [
        Case(members_only(), kwargs=MEMBERS),
        Case(everyone(200), kwargs=PUBLIC, note="public: anyone reads"),
        Case(
            members_only(REDIRECT),
            method="post",
            kwargs=MEMBERS,
            data=lambda w: {"body": "Which split is public?"},
            note="participants and organisers post",
        ),
        Case(
            members_only(400),
            method="post",
            kwargs=MEMBERS,
            data=lambda w: {"body": " "},
            note="empty: the form says so",
        ),
    ],
    "challenges:leaderboard": [
        Case(members_only(), kwargs=MEMBERS),
        Case(everyone(200), kwargs=PUBLIC),
    ],
    "challenges:leaderboard_export": [
        Case(members_only(), kwargs=MEMBERS),
        Case(everyone(200), kwargs=PUBLIC),
    ],
    "challenges:submit": [
        Case(members_only(), kwargs=MEMBERS),
        Case(members_only(400), method="post", kwargs=MEMBERS, note="no file: the form says so"),
        Case(PARTICIPANTS_PUBLIC, kwargs=PUBLIC),
    ],
    "challenges:my_submissions": [
        Case(members_only(), kwargs=MEMBERS),
        Case(PARTICIPANTS_PUBLIC, kwargs=PUBLIC),
    ],
    "challenges:submission_final": Case(
        members_only(404),
        method="post",
        kwargs=lambda w: {"slug": _challenges(w).challenge_members.slug, "pk": 999999},
    ),
    "challenges:team": Case(members_only(), kwargs=MEMBERS),
    "challenges:team_create": Case(
        members_only(REDIRECT), method="post", kwargs=MEMBERS, data=lambda w: {"name": "Crew"}
    ),
    "challenges:team_invite": Case(
        members_only(REDIRECT),
        method="post",
        kwargs=MEMBERS,
        data=lambda w: {"email": "bruno@beta.example"},
    ),
    "challenges:team_invitation_answer": Case(
        {**members_only(404), "member_b": REDIRECT},
        method="post",
        kwargs=lambda w: {"slug": "members-challenge", "pk": _invitation(w).pk},
        data=lambda w: {"answer": "decline"},
        note="the invitee only",
    ),
    "challenges:team_leave": Case(members_only(REDIRECT), method="post", kwargs=MEMBERS),
    "challenges:challenge_edit": Case(ORGANISERS, kwargs=MEMBERS),
    "challenges:manage": Case(ORGANISERS, kwargs=MEMBERS),
    "challenges:data_file_upload": Case(
        {**ORGANISERS, "manager_a": 400, "staff": 400},
        method="post",
        kwargs=MEMBERS,
        note="no file: the form says so",
    ),
    "challenges:data_file_remove": Case(
        {**ORGANISERS, "manager_a": REDIRECT, "staff": REDIRECT},
        method="post",
        kwargs=lambda w: {"slug": _challenges(w).challenge_members.slug, "pk": w.data_file.pk},
    ),
    "challenges:solution_upload": Case(
        {**ORGANISERS, "manager_a": 400, "staff": 400}, method="post", kwargs=MEMBERS
    ),
    "challenges:baseline_upload": Case(
        {**ORGANISERS, "manager_a": 400, "staff": 400}, method="post", kwargs=MEMBERS
    ),
    "challenges:reveal_private": Case(
        {**ORGANISERS, "manager_a": REDIRECT, "staff": REDIRECT},
        method="post",
        kwargs=MEMBERS,
        note="before the end: refused with a message",
    ),
    "challenges:rescore_all": Case(
        {**ORGANISERS, "manager_a": REDIRECT, "staff": REDIRECT}, method="post", kwargs=MEMBERS
    ),
}
