"""Permission rows for the visitors' registration by email (`workshops.urls.visitors`)."""

from __future__ import annotations

from compagnon.core.tests.urltable import REDIRECT, Case, everyone


def _public(world):
    if not hasattr(world, "visitors_public"):
        from compagnon.workshops.models import Audience
        from compagnon.workshops.tests.factories import WorkshopFactory

        world.visitors_public = WorkshopFactory(title="Visitors evening", audience=Audience.PUBLIC)
    return world.visitors_public


def _members_only(world):
    if not hasattr(world, "visitors_members"):
        from compagnon.workshops.tests.factories import WorkshopFactory

        world.visitors_members = WorkshopFactory(title="Members evening")
    return world.visitors_members


def _confirm_token(world):
    if not hasattr(world, "visitors_token"):
        from compagnon.workshops import visitors

        request = visitors.visitor_request_submit(
            workshop=_public(world), name="Vera Visitor", email="vera@visitors.example"
        )
        world.visitors_token = visitors.confirm_token(request)
    return world.visitors_token


def _manage_token(world):
    if not hasattr(world, "visitors_manage"):
        from compagnon.workshops import visitors

        request = visitors.visitor_request_submit(
            workshop=_public(world), name="Max Visitor", email="max@visitors.example"
        )
        confirmed = visitors.visitor_request_confirm(visitor_request=request)
        world.visitors_manage = visitors.visitor_manage_token(confirmed.registration)
    return world.visitors_manage


URL_TABLE = {
    "workshops:visitor_register": [
        Case(everyone(200), kwargs=lambda w: {"pk": _public(w).pk}, note="public workshop"),
        Case(
            everyone(404),
            kwargs=lambda w: {"pk": _members_only(w).pk},
            note="members-only workshops never take visitors",
        ),
        Case(
            everyone(400),
            method="post",
            kwargs=lambda w: {"pk": _public(w).pk},
            data=lambda w: {"name": "", "email": "not-an-address"},
            note="an invalid form is answered with its errors, nothing written",
        ),
    ],
    "workshops:visitor_sent": [
        Case(everyone(200), kwargs=lambda w: {"pk": _public(w).pk}),
        Case(everyone(404), kwargs=lambda w: {"pk": _members_only(w).pk}),
    ],
    "workshops:visitor_confirm": [
        Case(
            everyone(200),
            kwargs=lambda w: {"token": _confirm_token(w)},
            note="the signed link is the key: GET only shows the button",
        ),
        Case(everyone(400), kwargs=lambda w: {"token": "forged"}),
    ],
    "workshops:visitor_registration": [
        Case(everyone(200), kwargs=lambda w: {"token": _manage_token(w)}),
        Case(everyone(400), kwargs=lambda w: {"token": "forged"}),
        Case(
            everyone(REDIRECT),
            method="post",
            kwargs=lambda w: {"token": _manage_token(w)},
            data=lambda w: {"action": "cancel"},
            note="the signed link cancels without an account (the first persona frees the seat)",
        ),
    ],
}
