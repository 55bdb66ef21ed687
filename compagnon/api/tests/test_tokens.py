"""Personal access tokens: hashed, shown once, scoped, expiring, revoked by owner or staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from compagnon.api.models import ApiToken
from compagnon.api.services import token_create, token_revoke
from compagnon.api.tests.world import bearer

pytestmark = pytest.mark.django_db

POSTS = reverse("api_v1:posts")


def test_only_a_hash_is_stored(member_a):
    new = token_create(user=member_a.user, name="ci", scopes=["posts:read"], days=30)
    row = ApiToken.objects.get()
    assert new.raw.startswith("cpat_")
    assert new.raw not in (row.key_hash, row.prefix)
    assert new.raw.startswith(row.prefix)
    assert len(row.key_hash) == 64


def test_bad_input_is_refused_with_messages_and_nothing_written(member_a):
    with pytest.raises(ValidationError) as refused:
        token_create(user=member_a.user, name=" ", scopes=["people:fly"], days=3)
    assert set(refused.value.message_dict) == {"name", "scopes", "days"}
    assert not ApiToken.objects.exists()


def test_unknown_expired_revoked_tokens_get_401(client, member_a):
    assert client.get(POSTS).status_code == 401
    assert client.get(POSTS, **bearer("cpat_nothing")).status_code == 401
    new = token_create(user=member_a.user, name="ci", scopes=["posts:read"], days=7)
    assert client.get(POSTS, **bearer(new.raw)).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(POSTS, **bearer(new.raw))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "token" in response.json()["detail"]
    ApiToken.objects.update(expires_at=timezone.now() + timedelta(days=1))
    token_revoke(token=new.token, actor=member_a.user)
    assert client.get(POSTS, **bearer(new.raw)).status_code == 401


def test_a_scope_missing_is_403_that_names_it(client, member_a):
    raw = token_create(user=member_a.user, name="ci", scopes=["posts:read"], days=7).raw
    response = client.get(reverse("api_v1:people"), **bearer(raw))
    assert response.status_code == 403
    assert "people:read" in response.json()["detail"]
    read_only = token_create(user=member_a.user, name="ro", scopes=["cases:read"], days=7).raw
    response = client.post(
        reverse("api_v1:case_file"),
        {"title": "x", "description": "y"},
        content_type="application/json",
        **bearer(read_only),
    )
    assert response.status_code == 403
    assert "cases:write" in response.json()["detail"]


def test_the_page_shows_the_token_once_then_only_its_prefix(client, member_a):
    client.force_login(member_a.user)
    made = client.post(
        reverse("api:tokens"),
        {"name": "Dashboard", "scopes": ["posts:read", "cases:read"], "days": "30"},
    )
    assert made.status_code == 200
    assert made["Cache-Control"] == "no-store"
    raw = made.context["new_token"].raw
    assert raw in made.content.decode()
    listed = client.get(reverse("api:tokens")).content.decode()
    assert raw not in listed
    assert ApiToken.objects.get().prefix in listed


def test_the_page_keeps_what_was_typed_when_refused(client, member_a):
    client.force_login(member_a.user)
    refused = client.post(reverse("api:tokens"), {"name": "Dashboard", "days": "30"})
    assert refused.status_code == 400
    assert "Dashboard" in refused.content.decode()
    assert not ApiToken.objects.exists()


def test_owner_and_staff_revoke_nobody_else(client, member_a, member_b, staff_user):
    token = token_create(user=member_a.user, name="ci", scopes=["posts:read"], days=7).token
    url = reverse("api:token_revoke", kwargs={"pk": token.pk})
    client.force_login(member_b.user)
    assert client.post(url).status_code == 404
    client.force_login(staff_user)
    listed = client.get(reverse("api:tokens_staff")).content.decode()
    assert member_a.user.email in listed
    assert client.post(url, {"back": "staff"}).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == staff_user
