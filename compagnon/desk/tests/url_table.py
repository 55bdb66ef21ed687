"""Who reaches each desk URL: the desk is staff's; the doors (join, contact) are everyone's."""

from __future__ import annotations

from compagnon.core.tests.urltable import REDIRECT, Case, everyone, staff_only


def _request(world):
    if not hasattr(world, "desk_request"):
        from compagnon.desk.models import MembershipRequest

        world.desk_request = MembershipRequest.objects.create(
            kind="organisation",
            organisation_name="Delta Analytics",
            organisation_size="11-50",
            contact_name="Dora Delta",
            contact_email="dora@delta.example",
            needs="Forecasting help.",
        )
    return world.desk_request


def _message(world):
    if not hasattr(world, "desk_message"):
        from compagnon.desk.models import ContactMessage

        world.desk_message = ContactMessage.objects.create(
            name="Eve", email="eve@example.org", message="Hello"
        )
    return world.desk_message


def _fresh_window() -> None:
    # Every persona posts from 127.0.0.1: start each row with a fresh rate-limit window.
    from django.core.cache import cache

    cache.clear()


def _join_data(world) -> dict:
    _fresh_window()
    return {
        "kind": "researcher",
        "contact_name": "Rita Search",
        "contact_email": "rita@lab.example",
        "needs": "Causal inference.",
    }


def _contact_data(world) -> dict:
    _fresh_window()
    return {"name": "Eve", "email": "eve@example.org", "topic": "other", "message": "Hello"}


URL_TABLE = {
    "desk:home": Case(staff_only()),
    "desk:queue": [
        Case(staff_only(), kwargs=lambda w: {"slug": "review"}),
        Case(staff_only(), kwargs=lambda w: {"slug": "short"}),
        Case(staff_only(404), kwargs=lambda w: {"slug": "no-such-queue"}),
    ],
    "desk:request_detail": [
        Case(staff_only(), kwargs=lambda w: {"pk": _request(w).pk}),
        Case(
            staff_only(REDIRECT),
            method="post",
            kwargs=lambda w: {"pk": _request(w).pk},
            data=lambda w: {"action": "decline", "note": "Not now."},
        ),
    ],
    "desk:contact_close": [
        Case(staff_only(405), kwargs=lambda w: {"pk": _message(w).pk}),
        Case(staff_only(REDIRECT), method="post", kwargs=lambda w: {"pk": _message(w).pk}),
    ],
    "club:join": [
        Case(everyone(200)),
        Case(everyone(REDIRECT), method="post", data=_join_data),
    ],
    "club:join_done": Case(everyone(200)),
    "club:contact": [
        Case(everyone(200)),
        Case(everyone(REDIRECT), method="post", data=_contact_data),
    ],
    "club:contact_done": Case(everyone(200)),
}
