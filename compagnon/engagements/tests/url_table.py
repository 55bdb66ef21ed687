"""Who reaches each engagements URL.

An engagement is its own side's: the expert, the person who asked, the managers of
the case's organisation and staff; 404 for everyone else (other organisations, and
colleagues of the same organisation who are neither). On an anonymised case the
expert gets the page without the organisation or the bringer.
"""

from __future__ import annotations

from compagnon.core.tests.urltable import LOGIN, REDIRECT, Case, everyone, signed_in, staff_only
from compagnon.engagements.tests.world import engagements_world


def _plain(world):
    return {"pk": engagements_world(world).plain.pk}


def _anonymised(world):
    return {"pk": engagements_world(world).anonymised.pk}


def _entry(world):
    return {"pk": engagements_world(world).entry.pk}


def _today(world):
    from django.utils import timezone

    return timezone.localdate().isoformat()


def _in_six_weeks(world):
    import datetime as dt

    from django.utils import timezone

    return (timezone.localdate() + dt.timedelta(days=42)).isoformat()


# The plain engagement's side: member_a asked, manager_a manages A, member_b is the expert.
OWN_SIDE = {
    **everyone(404),
    "anonymous": LOGIN,
    "member_a": 200,
    "manager_a": 200,
    "member_b": 200,
    "staff": 200,
}
POST_ONLY = signed_in(405)

URL_TABLE = {
    "engagements:list": Case(signed_in(200), note="each sees their own; guests an empty list"),
    "engagements:detail": [
        Case(OWN_SIDE, kwargs=_plain),
        Case(
            {**OWN_SIDE, "member_a": 404},
            kwargs=_anonymised,
            note="anonymised: the expert sees neither organisation nor bringer",
            hides=lambda w: ["Alpha Corp", w.colleague_a.last_name],
            hidden_from=("member_b",),
        ),
    ],
    "engagements:create": [
        Case(staff_only(), kwargs=lambda w: {"case_pk": w.open_case_a.pk}),
        Case(
            staff_only(REDIRECT),
            method="post",
            kwargs=lambda w: {"case_pk": w.open_case_a.pk},
            data=lambda w: {
                "expert_email": w.member_b.email,
                "scope": "Two days a week on the forecasts.",
                "starts_on": _today(w),
                "ends_on": _in_six_weeks(w),
                "half_days_per_week": "2",
            },
            note="set up, then its page",
        ),
    ],
    "engagements:entry_log": [
        Case(POST_ONLY, kwargs=_plain),
        Case(
            {**OWN_SIDE, "member_a": 403, "manager_a": 403, "staff": 403, "member_b": REDIRECT},
            method="post",
            kwargs=_plain,
            data=lambda w: {
                "worked_on": _today(w),
                "half_days": "1",
                "note": "Feature review",
            },
            note="the expert only",
        ),
    ],
    "engagements:entry_decide": [
        Case(POST_ONLY, kwargs=_entry),
        Case(
            {**OWN_SIDE, "member_a": REDIRECT, "manager_a": 400, "member_b": 400, "staff": 400},
            method="post",
            kwargs=_entry,
            data=lambda w: {"action": "confirm"},
            note="the person who asked only; the expert cannot confirm their own",
        ),
    ],
    "engagements:report_add": [
        Case(POST_ONLY, kwargs=_plain),
        Case(
            {
                **OWN_SIDE,
                "member_a": REDIRECT,
                "member_b": REDIRECT,
                "staff": REDIRECT,
                "manager_a": 403,
            },
            method="post",
            kwargs=_plain,
            data=lambda w: {"body": "Week 3: the **baseline** runs."},
        ),
    ],
    "engagements:close": [
        Case(staff_only(), kwargs=_plain),
        Case(
            staff_only(REDIRECT),
            method="post",
            kwargs=_plain,
            data=lambda w: {
                "summary": "Done.",
                "outcome_kind": "other",
                "outcome_title": "A model",
            },
        ),
    ],
}
