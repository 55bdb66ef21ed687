"""Webhooks are the staff's: every page is staff-only."""

from __future__ import annotations

from compagnon.core.tests.urltable import REDIRECT, Case, staff_only


def _endpoint(world):
    if not hasattr(world, "webhook_endpoint"):
        from compagnon.webhooks.models import Delivery, Endpoint

        endpoint = Endpoint.objects.create(
            url="https://hooks.example.org/in", events=["case.opened"], secret="whsec_dGVzdA=="
        )
        world.webhook_endpoint = endpoint
        world.webhook_delivery = Delivery.objects.create(
            endpoint=endpoint,
            event="case.opened",
            message_id="msg_walk",
            payload={"type": "case.opened"},
            status="failed",
        )
    return world.webhook_endpoint


URL_TABLE = {
    "webhooks:endpoints": [
        Case(staff_only()),
        Case(
            staff_only(400),
            method="post",
            data=lambda w: {"url": "http://10.0.0.1/hook", "events": ["case.opened"]},
            note="a private address is refused with a message",
        ),
    ],
    "webhooks:endpoint": Case(staff_only(), kwargs=lambda w: {"pk": _endpoint(w).pk}),
    "webhooks:endpoint_active": [
        Case(staff_only(405), kwargs=lambda w: {"pk": _endpoint(w).pk}),
        Case(
            staff_only(REDIRECT),
            method="post",
            kwargs=lambda w: {"pk": _endpoint(w).pk},
            data=lambda w: {"active": "0"},
        ),
    ],
    "webhooks:delivery_replay": [
        Case(
            staff_only(405),
            kwargs=lambda w: (_endpoint(w), {"pk": w.webhook_delivery.pk})[1],
        ),
        Case(
            staff_only(REDIRECT),
            method="post",
            kwargs=lambda w: (_endpoint(w), {"pk": w.webhook_delivery.pk})[1],
        ),
    ],
}
