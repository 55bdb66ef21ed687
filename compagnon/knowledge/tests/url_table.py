"""Who reaches each knowledge page (walked by core/tests/test_permissions.py)."""

from __future__ import annotations

from compagnon.core.tests.urltable import (
    LOGIN,
    REDIRECT,
    Case,
    everyone,
    members_only,
    staff_only,
)


def _workshop(world):
    """A done members-only workshop hosted by member_a (made once per world)."""
    if not hasattr(world, "knowledge_workshop"):
        from compagnon.knowledge.tests.factories import make_workshop

        world.knowledge_workshop = make_workshop(hosts=[world.member_a], tags=[world.tag])
    return world.knowledge_workshop


def _report(world, *, visibility, publish=True):
    name = f"knowledge_report_{visibility}_{publish}"
    if not hasattr(world, name):
        from compagnon.knowledge.tests.factories import make_report, make_workshop

        workshop = make_workshop(hosts=[world.member_a], title=f"Workshop {name}")
        setattr(
            world,
            name,
            make_report(
                workshop=workshop,
                actor=world.member_a.user,
                visibility=visibility,
                publish=publish,
            ),
        )
    return getattr(world, name)


def _note(world, visibility="members"):
    name = f"knowledge_note_{visibility}"
    if not hasattr(world, name):
        from compagnon.knowledge.tests.factories import make_note

        setattr(world, name, make_note(author=world.member_a, visibility=visibility))
    return getattr(world, name)


URL_TABLE = {
    "knowledge:search": [
        Case(everyone(200), note="visitors search public reports and notes"),
        Case(everyone(200), data=lambda w: {"q": 'forecast "( NEAR* -', "year": "x"}),
    ],
    "knowledge:report_detail": [
        Case(
            {**members_only(), "guest": 404, "lapsed": 404},
            kwargs=lambda w: {"pk": _report(w, visibility="members").pk},
            note="published, members only",
        ),
        Case(
            everyone(200),
            kwargs=lambda w: {"pk": _report(w, visibility="public").pk},
            note="published, public",
        ),
        Case(
            {**members_only(404), "guest": 404, "lapsed": 404, "member_a": 200, "staff": 200},
            kwargs=lambda w: {"pk": _report(w, visibility="members", publish=False).pk},
            note="a draft: its host and staff",
        ),
    ],
    "knowledge:report_edit": [
        Case(
            {**members_only(403), "member_a": 200, "staff": 200},
            kwargs=lambda w: {"workshop_pk": _workshop(w).pk},
            note="the workshop's host and staff",
        ),
        Case(
            {**members_only(403), "member_a": REDIRECT, "staff": REDIRECT},
            method="post",
            kwargs=lambda w: {"workshop_pk": _workshop(w).pk},
            data=lambda w: {"title": "Report", "what_worked": "Boosting", "visibility": "members"},
        ),
    ],
    "knowledge:note_list": Case(everyone(200)),
    "knowledge:note_detail": [
        Case(
            {**members_only(), "guest": 404, "lapsed": 404},
            kwargs=lambda w: {"pk": _note(w).pk},
            note="members-only note",
        ),
        Case(everyone(200), kwargs=lambda w: {"pk": _note(w, "public").pk}, note="public note"),
    ],
    "knowledge:note_create": [
        Case(members_only()),
        Case(
            members_only(REDIRECT),
            method="post",
            data=lambda w: {"title": "Tip", "body": "Seed your runs.", "visibility": "members"},
        ),
    ],
    "knowledge:note_edit": Case(
        {**members_only(403), "member_a": 200, "staff": 200, "guest": 403, "lapsed": 403},
        kwargs=lambda w: {"pk": _note(w).pk},
        note="its author and staff",
    ),
    "knowledge:outcome_list": Case(members_only()),
    "knowledge:outcome_create": [
        Case(staff_only()),
        Case(
            staff_only(REDIRECT),
            method="post",
            data=lambda w: {
                "kind": "open_source",
                "title": "Toolkit",
                "date": "2024-05-01",
            },
        ),
    ],
}

__all__ = ["LOGIN", "URL_TABLE"]
