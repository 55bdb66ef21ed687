"""Who reaches each benchathon page (walked by core/tests/test_permissions.py).

The world's benchathon runs on a members-only workshop hosted by member_a;
member_b and a colleague of organisation A are its participants (each evaluates
both items); manager_a sees the workshop but takes no part.
"""

from __future__ import annotations

from compagnon.core.tests.urltable import LOGIN, REDIRECT, Case, everyone, members_only


def _benchathon(world):
    if not hasattr(world, "benchathon"):
        from compagnon.benchathons.services import evaluations_assign
        from compagnon.benchathons.tests.factories import make_benchathon

        world.benchathon = make_benchathon(
            host=world.member_a,
            participants=[world.member_b, world.colleague_a],
            grid=[("Usability", "1_5", "", 1)],
            title="Fairness libraries",
        )
        evaluations_assign(benchathon=world.benchathon, actor=world.member_a.user)
    return world.benchathon


def _evaluation_of_member_b(world):
    from compagnon.benchathons.models import Evaluation

    return Evaluation.objects.filter(
        item__benchathon=_benchathon(world), evaluator=world.member_b
    ).first()


def _plain_workshop(world):
    if not hasattr(world, "benchathon_plain_workshop"):
        from compagnon.knowledge.tests.factories import make_workshop

        world.benchathon_plain_workshop = make_workshop(
            hosts=[world.member_a], title="Not yet a benchathon"
        )
    return world.benchathon_plain_workshop


def _published(world):
    """A benchathon whose members-only report is published, with its chart snapshot."""
    if not hasattr(world, "benchathon_published"):
        from compagnon.knowledge.tests.factories import make_report

        benchathon = _benchathon(world)
        make_report(workshop=benchathon.workshop, actor=world.member_a.user)
        benchathon.report_chart_svg = '<svg xmlns="http://www.w3.org/2000/svg"></svg>'
        benchathon.save(update_fields=["report_chart_svg"])
        world.benchathon_published = benchathon
    return world.benchathon_published


ORGANISERS_AND_PARTICIPANTS = {
    **members_only(403),
    "member_a": 200,
    "member_b": 200,
    "staff": 200,
}

URL_TABLE = {
    "benchathons:list": Case(everyone(200)),
    "benchathons:create": [
        Case(
            {**members_only(403), "member_a": 200, "staff": 200},
            kwargs=lambda w: {"workshop_pk": _plain_workshop(w).pk},
            note="the workshop's host and staff",
        ),
        Case(
            {**members_only(403), "member_a": REDIRECT, "staff": REDIRECT},
            method="post",
            kwargs=lambda w: {"workshop_pk": _plain_workshop(w).pk},
            data=lambda w: {"goal": "Compare", "evaluators_per_item": "2"},
        ),
    ],
    "benchathons:detail": Case(
        {**members_only(), "guest": 404, "lapsed": 404},
        kwargs=lambda w: {"pk": _benchathon(w).pk},
        note="whoever sees the members-only workshop",
    ),
    "benchathons:setup": [
        Case(
            {**members_only(403), "member_a": 200, "staff": 200},
            kwargs=lambda w: {"pk": _benchathon(w).pk},
            note="organisers only",
        ),
        Case(
            {**members_only(403), "member_a": REDIRECT, "staff": REDIRECT},
            method="post",
            kwargs=lambda w: {"pk": _benchathon(w).pk},
            data=lambda w: {"action": "add_item", "item-name": "Themis", "item-version": ""},
        ),
    ],
    "benchathons:board": Case(
        ORGANISERS_AND_PARTICIPANTS,
        kwargs=lambda w: {"pk": _benchathon(w).pk},
        note="organisers and participants",
    ),
    "benchathons:results": Case(
        ORGANISERS_AND_PARTICIPANTS,
        kwargs=lambda w: {"pk": _benchathon(w).pk},
        note="organisers and participants",
    ),
    "benchathons:publish": Case(
        {**members_only(403), "member_a": REDIRECT, "staff": REDIRECT},
        method="post",
        kwargs=lambda w: {"pk": _benchathon(w).pk},
        data=lambda w: {"visibility": "members"},
        note="organisers; nothing submitted yet, so they are sent back with the reason",
    ),
    "benchathons:chart_svg": Case(
        {**members_only(), "guest": 404, "lapsed": 404, "anonymous": 404},
        kwargs=lambda w: {"pk": _published(w).pk},
        note="whoever reads the members-only report",
    ),
    "benchathons:evaluation": [
        Case(
            {
                **members_only(404),
                "member_a": 200,
                "member_b": 200,
                "staff": 200,
                "guest": 403,
                "lapsed": 403,
            },
            kwargs=lambda w: {"pk": _evaluation_of_member_b(w).pk},
            note="its evaluator and the organisers",
        ),
        Case(
            {
                **members_only(404),
                "member_a": 403,
                "member_b": REDIRECT,
                "staff": 403,
                "guest": 403,
                "lapsed": 403,
            },
            method="post",
            kwargs=lambda w: {"pk": _evaluation_of_member_b(w).pk},
            data=lambda w: {"action": "save", "notes": "Installs in one line"},
            note="only its evaluator fills it in",
        ),
    ],
}

__all__ = ["LOGIN", "URL_TABLE"]
