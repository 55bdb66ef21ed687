"""A person's API tokens are in their data export: what they are, never the hash."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from compagnon.accounts.privacy import person_data_export
from compagnon.api.models import ApiToken
from compagnon.api.services import token_create, token_revoke

pytestmark = pytest.mark.django_db


def test_the_export_lists_the_tokens_without_their_hash(member_a, member_b):
    kept = token_create(user=member_a.user, name="Notebook", scopes=["posts:read"], days=30)
    gone = token_create(user=member_a.user, name="Old script", scopes=["cases:read"], days=30)
    token_revoke(token=gone.token, actor=member_a.user)
    token_create(user=member_b.user, name="Not hers", scopes=["posts:read"], days=30)

    export = person_data_export(actor=member_a.user, person=member_a)
    archive = zipfile.ZipFile(io.BytesIO(export.content))
    rows = json.loads(archive.read("api_tokens.json"))
    assert [(r["name"], r["scopes"]) for r in rows] == [
        ("Notebook", "posts:read"),
        ("Old script", "cases:read"),
    ]
    assert rows[0]["prefix"] == kept.token.prefix and rows[0]["revoked_at"] is None
    assert rows[1]["revoked_at"] is not None
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for token in ApiToken.objects.filter(user=member_a.user):
        assert token.key_hash.encode() not in everything
    assert kept.raw.encode() not in everything
    assert b"key_hash" not in everything
