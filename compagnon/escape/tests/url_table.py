"""Who reaches each escape-game URL.

The index and the join link are for members; a team's pages are its players' and the
facilitator's (staff), 404 for everyone else; only players answer and take hints;
the console and its actions are the facilitator's (staff here), 404 for everyone else.
"""

from __future__ import annotations

from compagnon.core.tests.urltable import LOGIN, REDIRECT, Case, everyone, members_only, staff_only


def _game(world):
    """A running session facilitated by staff; member_a plays in its only team."""
    if hasattr(world, "escape"):
        return world.escape
    from types import SimpleNamespace

    from compagnon.escape import services
    from compagnon.escape.selectors import puzzles_in_order
    from compagnon.escape.tests.factories import game

    session = game(world.staff_user, puzzles=2)
    services.session_start(session=session, actor=world.staff_user)
    team = session.teams.get()
    services.team_join(session=session, team=team, user=world.member_a.user, role="lead")
    world.escape = SimpleNamespace(
        session=session, team=team, puzzle=puzzles_in_order(session.version_id)[0]
    )
    return world.escape


def _session(world):
    return {"pk": _game(world).session.pk}


def _team(world):
    return {"pk": _game(world).team.pk}


def _secrets(world):
    from compagnon.escape.tests.factories import HINT, SECRET

    return [SECRET.format(1), SECRET.format(2), HINT.format(1, 1), "Answer 1"]


FACILITATOR = {**everyone(404), "anonymous": LOGIN, "staff": 200}
FACILITATOR_POST = {**FACILITATOR, "staff": REDIRECT}
TEAM = {
    "anonymous": LOGIN,
    "guest": 403,
    "lapsed": 403,
    "member_a": 200,
    "manager_a": 404,
    "member_b": 404,
    "staff": 200,
}
PLAYER_POST = {**TEAM, "member_a": REDIRECT, "staff": 404}

URL_TABLE = {
    "escape:index": Case(members_only()),
    "escape:session_new": [
        Case(staff_only()),
        Case(
            staff_only(REDIRECT),
            method="post",
            data=lambda w: {
                "version": _game(w).session.version_id,
                "title": "Evening",
                "teams": "Red\nBlue",
            },
        ),
    ],
    "escape:console": Case(FACILITATOR, kwargs=_session),
    "escape:console_status": Case(FACILITATOR, kwargs=_session),
    "escape:session_action": [
        Case(everyone(405), kwargs=_session),
        Case(FACILITATOR_POST, method="post", kwargs=_session, data=lambda w: {"action": "pause"}),
    ],
    "escape:broadcast": [
        Case(everyone(405), kwargs=_session),
        Case(FACILITATOR_POST, method="post", kwargs=_session, data=lambda w: {"text": "Look"}),
    ],
    "escape:join": [
        Case(
            {**members_only(), "member_a": REDIRECT},
            kwargs=lambda w: {"code": _game(w).session.code},
            note="member_a already plays: sent to the team",
        ),
        Case({**members_only(404)}, kwargs=lambda w: {"code": "no-such-code"}),
    ],
    "escape:team": Case(
        TEAM,
        kwargs=_team,
        note="no answer nor unused hint in the page",
        hides=_secrets,
        hidden_from=("member_a", "staff"),
    ),
    "escape:team_status": Case(TEAM, kwargs=_team, hides=_secrets, hidden_from=("member_a",)),
    "escape:answer": [
        Case(everyone(405), kwargs=_team),
        Case(
            PLAYER_POST,
            method="post",
            kwargs=_team,
            data=lambda w: {"puzzle": _game(w).puzzle.pk, "answer": "guess"},
            note="the facilitator unlocks, never answers",
        ),
    ],
    "escape:hint": [
        Case(everyone(405), kwargs=_team),
        Case(
            PLAYER_POST, method="post", kwargs=_team, data=lambda w: {"puzzle": _game(w).puzzle.pk}
        ),
    ],
    "escape:unlock": [
        Case(everyone(405), kwargs=_team),
        Case(FACILITATOR_POST, method="post", kwargs=_team),
    ],
    "escape:debrief": Case(TEAM, kwargs=_team, hides=_secrets, hidden_from=("member_a",)),
}
