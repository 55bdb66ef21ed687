"""A discussion thread per challenge: participants post, everyone who sees it reads."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.challenges.models import DiscussionPost
from compagnon.challenges.services import discussion_post_add, discussion_post_remove
from compagnon.members.tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(challenge):
    return reverse("challenges:discussion", args=[challenge.slug])


def test_a_participant_posts_and_the_markdown_is_sanitised(client, challenge, member_a):
    client.force_login(member_a.user)
    body = "Is **id** unique?<script>alert(1)</script>"
    response = client.post(url(challenge), {"body": body})
    post = DiscussionPost.objects.get()
    assert response["Location"].endswith(f"#post-{post.pk}")
    page = client.get(url(challenge)).content.decode()
    assert "<strong>id</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert member_a.full_name in page


def test_an_empty_message_is_refused_and_nothing_is_written(client, challenge, member_a):
    client.force_login(member_a.user)
    response = client.post(url(challenge), {"body": "   "})
    assert response.status_code == 400
    assert not DiscussionPost.objects.exists()
    with pytest.raises(ValidationError, match="Write a message"):
        discussion_post_add(challenge=challenge, author=member_a.user, body=" ")
    with pytest.raises(ValidationError, match="5000"):
        discussion_post_add(challenge=challenge, author=member_a.user, body="x" * 5001)
    assert not DiscussionPost.objects.exists()


def test_someone_who_may_not_take_part_cannot_post(challenge):
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        discussion_post_add(challenge=challenge, author=outsider, body="hello")
    assert not DiscussionPost.objects.exists()


def test_the_thread_runs_a_fixed_number_of_queries(client, challenge, member_a):
    client.force_login(member_a.user)
    counts = []
    for added in (1, 2):  # one post, then three, each by another person
        for _ in range(added):
            author = PersonFactory(with_account=True).user
            discussion_post_add(challenge=challenge, author=author, body="A *question*")
        client.get(url(challenge))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url(challenge)).content.decode()
        assert page.count('data-testid="discussion-post"') == DiscussionPost.objects.count()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_organisers_take_a_message_down_others_cannot(challenge, member_a, staff_user):
    post = discussion_post_add(challenge=challenge, author=member_a.user, body="spam")
    with pytest.raises(PermissionDenied):
        discussion_post_remove(post=post, actor=member_a.user)
    assert DiscussionPost.objects.exists()
    discussion_post_remove(post=post, actor=staff_user)
    assert not DiscussionPost.objects.exists()
