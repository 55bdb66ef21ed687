"""Permission rows for the registration URLs (merged into the app's url_table.py)."""

from __future__ import annotations

import datetime as dt

from compagnon.core.tests.urltable import (
    LOGIN,
    REDIRECT,
    Case,
    everyone,
    members_only,
    signed_in,
    staff_only,
)


def _members_workshop(world):
    """A published members-only workshop hosted by manager_a, with seats (once per world)."""
    if not hasattr(world, "reg_workshop"):
        from compagnon.workshops.tests.factories import WorkshopFactory

        world.reg_workshop = WorkshopFactory(title="Members workshop", hosts=[world.manager_a])
    return world.reg_workshop


def _public_workshop(world):
    if not hasattr(world, "reg_public_workshop"):
        from compagnon.workshops.models import Audience
        from compagnon.workshops.tests.factories import WorkshopFactory

        world.reg_public_workshop = WorkshopFactory(title="Open day", audience=Audience.PUBLIC)
    return world.reg_public_workshop


def _excluding_b_workshop(world):
    if not hasattr(world, "reg_excluding_workshop"):
        from compagnon.workshops.tests.factories import WorkshopFactory

        world.reg_excluding_workshop = WorkshopFactory(
            title="Not for B", excluded_organisations=[world.org_b]
        )
    return world.reg_excluding_workshop


def _offer_of_member_b(world):
    """member_b holds a seat offer at the members workshop."""
    from django.utils import timezone

    from compagnon.workshops.models import RegistrationStatus
    from compagnon.workshops.tests.factories import RegistrationFactory

    if not hasattr(world, "reg_offer_b"):
        world.reg_offer_b = RegistrationFactory(
            workshop=_members_workshop(world),
            person=world.member_b,
            status=RegistrationStatus.OFFERED,
            offer_expires_at=timezone.now() + dt.timedelta(hours=5),
        )
    return world.reg_offer_b


def _started_registration(world):
    """member_b's confirmed seat at a workshop that started an hour ago, hosted by manager_a."""
    if not hasattr(world, "reg_started"):
        from django.utils import timezone

        from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

        start = timezone.now() - dt.timedelta(hours=1)
        workshop = WorkshopFactory(
            hosts=[world.manager_a], sessions=[(start, start + dt.timedelta(hours=3))]
        )
        world.reg_started = RegistrationFactory(workshop=workshop, person=world.member_b)
    return world.reg_started


def _feed_token(world):
    from compagnon.workshops.calendars import calendar_feed_for

    return calendar_feed_for(world.member_a).token


# Hosts (manager_a) and staff: the roster; members who see the workshop: 403; others: 404.
_ROSTER = {**members_only(403), "guest": 404, "lapsed": 404, "manager_a": 200, "staff": 200}

URL_TABLE = {
    "workshops:register": [
        Case(everyone(405), kwargs=lambda w: {"pk": _members_workshop(w).pk}),
        Case(
            {**members_only(REDIRECT), "guest": 404, "lapsed": 404},
            method="post",
            kwargs=lambda w: {"pk": _members_workshop(w).pk},
            note="members register; the workshop is invisible to others",
        ),
        Case(
            {**signed_in(REDIRECT), "anonymous": LOGIN},
            method="post",
            kwargs=lambda w: {"pk": _public_workshop(w).pk},
            note="public: everyone signed in gets an answer (a guest: no profile)",
        ),
        Case(
            {**members_only(REDIRECT), "guest": 404, "lapsed": 404, "member_b": 404},
            method="post",
            kwargs=lambda w: {"pk": _excluding_b_workshop(w).pk},
            note="organisation B is excluded: 404",
        ),
    ],
    "workshops:cancel": [
        Case(everyone(405), kwargs=lambda w: {"pk": _members_workshop(w).pk}),
        Case(
            {**members_only(REDIRECT), "guest": 404, "lapsed": 404},
            method="post",
            kwargs=lambda w: {"pk": _members_workshop(w).pk},
        ),
    ],
    "workshops:offer_confirm": [
        Case(
            {**signed_in(404), "member_b": 200},
            kwargs=lambda w: {"pk": _offer_of_member_b(w).pk},
            note="the person offered the seat only; 404 for everyone else, staff included",
        ),
        Case(
            {**signed_in(404), "member_b": REDIRECT},
            method="post",
            kwargs=lambda w: {"pk": _offer_of_member_b(w).pk},
        ),
    ],
    "workshops:roster": Case(_ROSTER, kwargs=lambda w: {"pk": _members_workshop(w).pk}),
    "workshops:roster_export": Case(_ROSTER, kwargs=lambda w: {"pk": _members_workshop(w).pk}),
    "workshops:attendance_mark": [
        Case(everyone(405), kwargs=lambda w: {"pk": _started_registration(w).pk}),
        Case(
            {**_ROSTER, "manager_a": REDIRECT, "staff": REDIRECT},
            method="post",
            kwargs=lambda w: {"pk": _started_registration(w).pk},
            data=lambda w: {"attendance": "present"},
        ),
    ],
    "workshops:workshop_ics": [
        Case(
            {**members_only(), "anonymous": 404, "guest": 404, "lapsed": 404},
            kwargs=lambda w: {"pk": _members_workshop(w).pk},
        ),
        Case(everyone(200), kwargs=lambda w: {"pk": _public_workshop(w).pk}),
    ],
    "workshops:no_shows": Case(staff_only()),
    "workshops:my_calendar": Case(signed_in()),
    "workshops:calendar_feed_rotate": [
        Case(everyone(405)),
        Case(
            {**signed_in(REDIRECT), "guest": 404},
            method="post",
            note="a guest has no profile, so no feed",
        ),
    ],
    "workshops:calendar_feed": [
        Case(everyone(404), kwargs=lambda w: {"token": "not-a-token"}),
        Case(everyone(200), kwargs=lambda w: {"token": _feed_token(w)}),
    ],
}
