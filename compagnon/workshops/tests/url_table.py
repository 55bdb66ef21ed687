"""Permission rows for every workshops URL: the pages here, registration merged from its file."""

from __future__ import annotations

import datetime as dt

from compagnon.cases.tests.derived import anonymised_case_workshop
from compagnon.core.tests.urltable import (
    LOGIN,
    REDIRECT,
    Case,
    everyone,
    members_only,
    signed_in,
    staff_only,
)


def _workshop(world):
    """A published members-only workshop hosted by manager_a, with a file material."""
    if not hasattr(world, "pages_workshop"):
        from django.core.files.base import ContentFile

        from compagnon.workshops.models import Material
        from compagnon.workshops.tests.factories import WorkshopFactory

        world.pages_workshop = WorkshopFactory(title="Pages workshop", hosts=[world.manager_a])
        material = Material(workshop=world.pages_workshop, title="Slides", file_size=5)
        material.file.save("slides.pdf", ContentFile(b"%PDF-"), save=False)
        material.save()
        world.pages_material = material
        world.pages_session = world.pages_workshop.sessions.get()
    return world.pages_workshop


def _public(world):
    if not hasattr(world, "pages_public"):
        from compagnon.workshops.models import Audience
        from compagnon.workshops.tests.factories import WorkshopFactory

        world.pages_public = WorkshopFactory(title="Open evening", audience=Audience.PUBLIC)
    return world.pages_public


def _done(world):
    """A finished workshop hosted by manager_a where member_b was present."""
    if not hasattr(world, "pages_done"):
        from django.utils import timezone

        from compagnon.workshops.models import Attendance, WorkshopStatus
        from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

        start = timezone.now() - dt.timedelta(days=3)
        world.pages_done = WorkshopFactory(
            title="Done workshop",
            hosts=[world.manager_a],
            status=WorkshopStatus.DONE,
            sessions=[(start, start + dt.timedelta(hours=3))],
        )
        RegistrationFactory(
            workshop=world.pages_done, person=world.member_b, attendance=Attendance.PRESENT
        )
    return world.pages_done


def _to_copy(world):
    """A past on-site workshop at a base, to duplicate."""
    if not hasattr(world, "pages_to_copy"):
        from django.utils import timezone

        from compagnon.members.tests.factories import BaseFactory
        from compagnon.workshops.models import WorkshopStatus
        from compagnon.workshops.tests.factories import WorkshopFactory

        start = timezone.now() - dt.timedelta(days=30)
        world.pages_to_copy = WorkshopFactory(
            title="Workshop to copy",
            base=BaseFactory(name="Copy base"),
            status=WorkshopStatus.DONE,
            sessions=[(start, start + dt.timedelta(hours=3))],
        )
    return world.pages_to_copy


def _matched_case(world):
    if not hasattr(world, "pages_case"):
        from compagnon.cases.models import Case as CaseModel

        world.pages_case = CaseModel.objects.create(
            title="Churn keeps rising",
            description="Why do they leave?",
            brought_by=world.member_a,
            organisation=world.org_a,
            status="matched",
        )
    return world.pages_case


def _session(world):
    _workshop(world)
    return world.pages_session


def _material(world):
    _workshop(world)
    return world.pages_material


# Hosts (manager_a) and staff; members who see the workshop: 403; the others do not see it: 404.
_HOSTS = {**members_only(403), "guest": 404, "lapsed": 404, "manager_a": 200, "staff": 200}
_HOSTS_POST = {**_HOSTS, "manager_a": REDIRECT, "staff": REDIRECT}

URL_TABLE = {
    "workshops:calendar": Case(everyone(200)),
    "workshops:month": Case(everyone(200)),
    "workshops:mine": Case(signed_in()),
    "workshops:workshop_detail": [
        Case(
            {**members_only(), "guest": 404, "lapsed": 404},
            kwargs=lambda w: {"pk": _workshop(w).pk},
            note="members-only, listed as such: a visitor is asked to sign in",
        ),
        Case(everyone(200), kwargs=lambda w: {"pk": _public(w).pk}, note="public workshop"),
        Case(
            {**members_only(), "guest": 404, "lapsed": 404},
            kwargs=lambda w: {"pk": anonymised_case_workshop(w).pk},
            hides=lambda w: [
                w.colleague_a.full_name,
                anonymised_case_workshop(w).origin_case.title,
                'data-testid="origin-case"',
            ],
            hidden_from=("member_b",),
            note="planned from an anonymised case: it names neither bringer nor case outside A",
        ),
    ],
    "workshops:workshop_create": Case(staff_only()),
    "workshops:plan_from_case": [
        Case(staff_only(), kwargs=lambda w: {"case_pk": _matched_case(w).pk}),
        Case(
            staff_only(REDIRECT),
            method="post",
            kwargs=lambda w: {"case_pk": _matched_case(w).pk},
            data=lambda w: {"format": "half_day", "onsite_seats": "2"},
        ),
    ],
    "workshops:workshop_edit": Case(_HOSTS, kwargs=lambda w: {"pk": _workshop(w).pk}),
    "workshops:workshop_status": [
        Case(everyone(405), kwargs=lambda w: {"pk": _workshop(w).pk}),
        Case(
            _HOSTS_POST,
            method="post",
            kwargs=lambda w: {"pk": _workshop(w).pk},
            data=lambda w: {"action": "close"},
        ),
    ],
    "workshops:session_list": Case(_HOSTS, kwargs=lambda w: {"pk": _workshop(w).pk}),
    "workshops:session_add": [
        Case(everyone(405), kwargs=lambda w: {"pk": _workshop(w).pk}),
    ],
    "workshops:session_edit": Case(_HOSTS, kwargs=lambda w: {"pk": _session(w).pk}),
    "workshops:session_delete": [
        Case(everyone(405), kwargs=lambda w: {"pk": _session(w).pk}),
        Case(_HOSTS_POST, method="post", kwargs=lambda w: {"pk": _session(w).pk}),
    ],
    "workshops:material_add": Case(_HOSTS, kwargs=lambda w: {"pk": _workshop(w).pk}),
    "workshops:material_download": Case(
        {**members_only(), "anonymous": 404, "guest": 404, "lapsed": 404},
        kwargs=lambda w: {"pk": _material(w).pk},
    ),
    "workshops:material_delete": [
        Case(everyone(405), kwargs=lambda w: {"pk": _material(w).pk}),
        Case(_HOSTS_POST, method="post", kwargs=lambda w: {"pk": _material(w).pk}),
    ],
    "workshops:feedback": Case(
        {
            **members_only(403),
            "anonymous": LOGIN,
            "guest": 404,
            "lapsed": 404,
            "member_b": 200,
        },
        kwargs=lambda w: {"pk": _done(w).pk},
        note="only attendees: others who see the workshop get 403 with the reason",
    ),
    "workshops:feedback_summary": Case(_HOSTS, kwargs=lambda w: {"pk": _done(w).pk}),
    "workshops:plan_follow_up": Case(staff_only(), kwargs=lambda w: {"pk": _done(w).pk}),
    # Staff and hosts (manager_a hosts the pages workshop) search people; others 403.
    "workshops:person_search": Case(
        {**signed_in(403), "manager_a": 200, "staff": 200},
        kwargs=lambda w: (_workshop(w), {})[1],
        data=lambda w: {"field": "hosts", "hosts_q": "ad"},
    ),
    "workshops:workshop_duplicate": [
        Case(staff_only(), kwargs=lambda w: {"pk": _to_copy(w).pk}),
        Case(
            staff_only(REDIRECT),
            method="post",
            kwargs=lambda w: {"pk": _to_copy(w).pk},
            data=lambda w: {"first_day": "2031-03-04"},
        ),
    ],
    "workshops:whos_going": [
        Case(everyone(405), kwargs=lambda w: {"pk": _workshop(w).pk}),
        Case(
            {**members_only(REDIRECT), "anonymous": LOGIN, "guest": 404, "lapsed": 404},
            method="post",
            kwargs=lambda w: {"pk": _workshop(w).pk},
            data=lambda w: {"shown": "1"},
            note="not registered: a message and back to the workshop",
        ),
    ],
    "workshops:message_attendees": Case(_HOSTS, kwargs=lambda w: {"pk": _workshop(w).pk}),
}

try:
    from compagnon.workshops.tests import url_table_registration
except ImportError:  # pragma: no cover - the registration rows are written in parallel
    url_table_registration = None
if url_table_registration is not None:
    URL_TABLE.update(url_table_registration.URL_TABLE)

from compagnon.workshops.tests import url_table_history  # noqa: E402

URL_TABLE.update(url_table_history.URL_TABLE)

from compagnon.workshops.tests import url_table_visitors  # noqa: E402

URL_TABLE.update(url_table_visitors.URL_TABLE)
