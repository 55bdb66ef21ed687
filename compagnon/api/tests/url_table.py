"""Who reaches each API URL from a browser session (no token).

The API answers tokens only: a signed-in session is no credential there, so every
operation is a 401 for every persona (the token walk, with each persona's token, is
compagnon/api/tests/test_personas.py). The schema is public. The token pages are the
signed-in person's own; the staff list is staff-only.
"""

from __future__ import annotations

from compagnon.core.tests.urltable import LOGIN, REDIRECT, Case, everyone, signed_in, staff_only

NO_TOKEN = everyone(401)


def _token(world):
    if not hasattr(world, "api_token"):
        from compagnon.api.services import token_create

        world.api_token = token_create(
            user=world.member_a.user, name="walk", scopes=["posts:read"], days=30
        ).token
    return world.api_token


URL_TABLE = {
    "api_v1:api-root": Case(everyone(404), note="no docs page: the schema is at openapi.json"),
    "api_v1:openapi-json": Case(everyone(200)),
    "api_v1:people": Case(NO_TOKEN),
    "api_v1:person": Case(NO_TOKEN, kwargs=lambda w: {"person_id": w.member_a.pk}),
    "api_v1:organisations": Case(NO_TOKEN),
    "api_v1:organisation": Case(NO_TOKEN, kwargs=lambda w: {"slug": w.org_a.slug}),
    "api_v1:workshops": Case(NO_TOKEN),
    "api_v1:workshop": Case(NO_TOKEN, kwargs=lambda w: {"workshop_id": 1}),
    "api_v1:workshop_register": Case(NO_TOKEN, method="post", kwargs=lambda w: {"workshop_id": 1}),
    "api_v1:registrations": Case(NO_TOKEN),
    "api_v1:cases": Case(NO_TOKEN),
    "api_v1:case_file": Case(NO_TOKEN, method="post"),
    "api_v1:case": Case(NO_TOKEN, kwargs=lambda w: {"case_id": w.open_case_a.pk}),
    "api_v1:invitation_answer": Case(
        NO_TOKEN, method="post", kwargs=lambda w: {"invitation_id": 1}
    ),
    "api_v1:reports": Case(NO_TOKEN),
    "api_v1:report": Case(NO_TOKEN, kwargs=lambda w: {"report_id": 1}),
    "api_v1:posts": Case(NO_TOKEN),
    "api_v1:post": Case(NO_TOKEN, kwargs=lambda w: {"slug": "any"}),
    "api_v1:challenges": Case(NO_TOKEN),
    "api_v1:challenge": Case(NO_TOKEN, kwargs=lambda w: {"slug": "any"}),
    "api_v1:leaderboard": Case(NO_TOKEN, kwargs=lambda w: {"slug": "any"}),
    "api_v1:challenge_submit": Case(NO_TOKEN, method="post", kwargs=lambda w: {"slug": "any"}),
    "api:tokens": [
        Case(signed_in()),
        Case(
            {**signed_in(200), "anonymous": LOGIN},
            method="post",
            data=lambda w: {"name": "Dashboard", "scopes": ["posts:read"], "days": "30"},
            note="made and shown once",
        ),
    ],
    "api:token_revoke": [
        Case(signed_in(405), kwargs=lambda w: {"pk": _token(w).pk}),
        Case(
            {**signed_in(404), "member_a": REDIRECT, "staff": REDIRECT},
            method="post",
            kwargs=lambda w: {"pk": _token(w).pk},
            note="its owner or staff; 404 for anyone else",
        ),
    ],
    "api:tokens_staff": Case(staff_only()),
}
