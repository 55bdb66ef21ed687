"""Every API operation x every persona of the permission table, with a token.

Each persona calls with a token holding every scope (anonymous: no token). An
operation of the API with no row here fails `test_every_operation_has_a_row`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from compagnon.api.api import api
from compagnon.api.tests.world import api_world, bearer, token_for
from compagnon.core.tests.test_permissions import World
from compagnon.core.tests.urltable import PERSONAS, everyone


def tokened(expected_for_signed_in: dict[str, Any] | int) -> dict[str, Any]:
    if isinstance(expected_for_signed_in, int):
        expected_for_signed_in = everyone(expected_for_signed_in)
    return {**expected_for_signed_in, "anonymous": 401}


MEMBERS = {
    "guest": 403,
    "lapsed": 403,
    "member_a": 200,
    "manager_a": 200,
    "member_b": 200,
    "staff": 200,
}


@dataclass
class Row:
    expect: dict[str, Any]
    kwargs: Callable[[Any], dict[str, Any]] = lambda w: {}
    json: Callable[[Any], dict[str, Any]] | None = None
    note: str = ""
    hides: Callable[[Any], list[str]] = field(default=lambda w: [])
    hidden_from: tuple[str, ...] = ()


def _workshop(w):
    return {"workshop_id": api_world(w).workshop.pk}


def _challenge(w):
    return {"slug": api_world(w).challenge.slug}


# (url name, method) → rows
TABLE: dict[tuple[str, str], list[Row]] = {
    ("people", "get"): [Row(tokened(MEMBERS))],
    ("person", "get"): [
        Row(tokened(MEMBERS), kwargs=lambda w: {"person_id": w.colleague_a.pk}),
        Row(
            tokened({**MEMBERS, "member_b": 404}),
            kwargs=lambda w: {"person_id": w.private_a.pk},
            note="visible to their organisation only",
        ),
        Row(
            tokened({**MEMBERS, "member_a": 404, "manager_a": 404, "member_b": 404}),
            kwargs=lambda w: {"person_id": w.hidden_a.pk},
            note="hidden from the directory: staff only",
        ),
    ],
    ("organisations", "get"): [Row(tokened(MEMBERS))],
    ("organisation", "get"): [Row(tokened(MEMBERS), kwargs=lambda w: {"slug": w.org_a.slug})],
    ("workshops", "get"): [Row(tokened(200))],
    ("workshop", "get"): [Row(tokened(200), kwargs=_workshop, note="a public workshop")],
    ("workshop_register", "post"): [
        Row(
            tokened({**everyone(201), "guest": 403}),
            kwargs=_workshop,
            json=lambda w: {},
            note="a public workshop: anyone with a person registers; a bare account cannot",
        )
    ],
    ("registrations", "get"): [Row(tokened(200))],
    ("cases", "get"): [Row(tokened(MEMBERS))],
    ("case", "get"): [
        Row(tokened(MEMBERS), kwargs=lambda w: {"case_id": w.open_case_a.pk}),
        Row(
            tokened({**MEMBERS, "member_b": 404}),
            kwargs=lambda w: {"case_id": w.named_case_a.pk},
            note="named organisations, not B",
        ),
        Row(
            tokened({**MEMBERS, "member_b": 404}),
            kwargs=lambda w: {"case_id": w.draft_case_a.pk},
            note="a draft: its owner, their organisation's manager, staff",
        ),
        Row(
            tokened(MEMBERS),
            kwargs=lambda w: {"case_id": api_world(w).anonymised_case.pk},
            hides=lambda w: [w.colleague_a.full_name, w.org_a.name, w.org_a.slug],
            hidden_from=("member_b",),
            note="anonymised: neither bringer nor organisation outside A",
        ),
    ],
    ("case_file", "post"): [
        Row(
            tokened({**MEMBERS, "member_a": 201, "manager_a": 201, "member_b": 201, "staff": 201}),
            json=lambda w: {"title": "Forecasts broke", "description": "Since 2020."},
        ),
        Row(
            tokened(
                {
                    **MEMBERS,
                    "member_a": 400,
                    "manager_a": 400,
                    "member_b": 400,
                    "staff": 400,
                }
            ),
            json=lambda w: {"title": "", "description": "Since 2020."},
            note="no title: 400 with the field's message",
        ),
    ],
    ("invitation_answer", "post"): [
        Row(
            tokened({**everyone(404), "member_b": 200}),
            kwargs=lambda w: {"invitation_id": api_world(w).invitation.pk},
            json=lambda w: {"answer": "interested"},
            note="the invitee only",
        )
    ],
    ("reports", "get"): [Row(tokened(200))],
    ("report", "get"): [
        Row(
            tokened({**MEMBERS, "guest": 404, "lapsed": 404}),
            kwargs=lambda w: {"report_id": api_world(w).report.pk},
            note="a members-only report",
        )
    ],
    ("posts", "get"): [Row(tokened(200))],
    ("post", "get"): [Row(tokened(200), kwargs=lambda w: {"slug": api_world(w).post.slug})],
    ("challenges", "get"): [Row(tokened(200))],
    ("challenge", "get"): [Row(tokened(MEMBERS), kwargs=_challenge, note="members only")],
    ("leaderboard", "get"): [Row(tokened(MEMBERS), kwargs=_challenge)],
    ("challenge_submit", "post"): [
        Row(
            tokened({**MEMBERS, "member_a": 400, "manager_a": 400, "member_b": 400, "staff": 400}),
            kwargs=_challenge,
            note="rules not accepted: 400 that says so, nothing stored",
        )
    ],
    ("openapi-json", "get"): [Row(everyone(200), note="the schema is public")],
}


def api_operations() -> set[tuple[str, str]]:
    """(url name, method) of every operation the API serves."""
    found = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for method in operation.methods:
                    found.add((operation.url_name, method.lower()))
    found.add(("openapi-json", "get"))
    return found


def test_every_operation_has_a_row():
    missing = sorted(api_operations() - set(TABLE))
    assert not missing, f"API operations with no row in the persona walk: {missing}"
    stale = sorted(set(TABLE) - api_operations())
    assert not stale, f"Rows for operations that no longer exist: {stale}"


def _rows():
    for (name, method), rows in TABLE.items():
        for index, row in enumerate(rows):
            for persona in PERSONAS:
                yield pytest.param(
                    name, method, row, persona, id=f"{name}-{method}[{index}]-{persona}"
                )


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "row", "persona"), list(_rows()))
def test_api_personas(client, name, method, row, persona):
    world = World()
    api_world(world)
    user = world.user_of(persona)
    headers = bearer(token_for(user)) if user is not None else {}
    url = reverse(f"api_v1:{name}", kwargs=row.kwargs(world))
    if method == "get":
        response = client.get(url, **headers)
    elif name == "challenge_submit":
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("p.csv", b"id,target\n1,2\n", content_type="text/csv")
        response = client.post(url, {"file": upload}, **headers)
    else:
        response = client.post(
            url, row.json(world) if row.json else {}, content_type="application/json", **headers
        )
    label = f"{persona} {method.upper()} {url} ({name})"
    assert response.status_code == row.expect[persona], (
        f"{label}: expected {row.expect[persona]}, got {response.status_code}: "
        f"{response.content[:300]!r}"
    )
    if persona in row.hidden_from and response.status_code == 200:
        body = response.content.decode()
        for secret in row.hides(world):
            assert secret not in body, f"{label}: shows {secret!r}"
