"""With a bot token, invitations go as direct messages to the linked chat user id, never a name.

An incoming webhook can address only `@name`, and a chat user may take a linked person's
old name. The REST API (Mattermost's /api/v4) addresses the user id the link proved: the
bot opens its direct channel with that id, then posts there. The chat server is a real
HTTP server on 127.0.0.1 (`fake_chat.py`) that records each request it receives.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from compagnon.cases.chat import chat_link_seen
from compagnon.cases.models import Answer, CaseInvitation, ChatLink
from compagnon.chat.models import InvitationMessage
from compagnon.chat.services import chat_invitations_post
from compagnon.chat.tests.fake_chat import BOT_TOKEN, BOT_USER_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(chat, settings):
    """The shared chat server, with its REST API and the bot's token configured."""
    settings.CHAT_API_URL = chat.api_url
    settings.CHAT_BOT_TOKEN = BOT_TOKEN
    return chat


def test_an_invitation_goes_to_the_linked_user_id_in_the_bots_direct_channel(club, chat):
    assert chat_invitations_post() == 1
    assert chat_invitations_post() == 0

    assert [(r.method, r.path) for r in chat.api_requests] == [
        ("GET", "/api/v4/users/me"),
        ("POST", "/api/v4/channels/direct"),
        ("POST", "/api/v4/posts"),
    ]
    assert {r.authorization for r in chat.api_requests} == {f"Bearer {BOT_TOKEN}"}
    assert chat.api("POST", "/channels/direct")[0].body == [BOT_USER_ID, "mm-esther"]
    post = chat.api("POST", "/posts")[0].body
    assert post["channel_id"] == "dm__mm-bot__mm-esther"
    assert "channel" not in post  # no name anywhere
    assert club.case.title in post["message"]
    assert set(chat.buttons()) == {"interested", "declined"}
    message = InvitationMessage.objects.get()
    assert (message.chat_user_id, message.attempts) == ("mm-esther", 0)
    assert message.posted_at is not None


def test_a_user_who_took_the_linked_persons_old_name_receives_nothing(club, chat):
    # Lucas takes the name "esther" on the chat server; Esther is now "esther.d", unseen.
    chat_link_seen(chat_user_id="mm-lucas", chat_user_name="esther")
    assert ChatLink.objects.get(chat_user_id="mm-esther").chat_user_name == ""

    assert chat_invitations_post() == 1  # by id, Esther's link needs no name

    assert chat.api("POST", "/channels/direct")[0].body == [BOT_USER_ID, "mm-esther"]
    assert all("mm-lucas" not in json.dumps(r.body) for r in chat.api_requests)
    assert all("esther" not in urlsplit(r.path).path for r in chat.api_requests)


def test_the_invitee_answers_with_the_button_of_the_direct_message(client, club, chat):
    chat_invitations_post()
    integration = chat.buttons()["interested"]
    response = client.post(
        urlsplit(integration["url"]).path,
        json.dumps({"user_id": "mm-esther", "user_name": "x", "context": integration["context"]}),
        content_type="application/json",
    )
    assert response.status_code == 200
    invitation = CaseInvitation.objects.get(case=club.case, person=club.expert)
    assert invitation.answer == Answer.INTERESTED


@pytest.mark.parametrize("failing", ["/users/me", "/channels/direct", "/posts"])
def test_a_failure_is_logged_counted_and_retried_next_run(club, chat, failing, caplog):
    chat.api_failures[failing] = 503
    assert chat_invitations_post() == 0
    message = InvitationMessage.objects.get()
    assert (message.posted_at, message.claimed_at, message.attempts) == (None, None, 1)
    assert "503" in message.last_error
    assert "chat invitation" in caplog.text and "not posted" in caplog.text
    assert chat.posts == []

    chat.api_failures.clear()
    assert chat_invitations_post() == 1
    assert chat_invitations_post() == 0
    assert len(chat.posts) == 1
    message.refresh_from_db()
    assert message.posted_at is not None
    assert (message.attempts, message.last_error) == (1, "")


def test_a_wrong_token_is_a_failure_not_a_post(club, chat, settings):
    settings.CHAT_BOT_TOKEN = "not-the-bots"
    assert chat_invitations_post() == 0
    assert "401" in InvitationMessage.objects.get().last_error
    assert chat.posts == []


def test_without_a_token_the_webhook_addresses_the_name(club, chat, settings):
    settings.CHAT_BOT_TOKEN = ""
    assert chat_invitations_post() == 1
    assert chat.api_requests == []
    assert chat.posts[0]["channel"] == "@esther"


def test_the_tick_command_posts_by_id(club, chat):
    from io import StringIO

    out = StringIO()
    call_command("chat_tick", stdout=out)
    assert out.getvalue().strip() == "chat invitations posted: 1"
    assert chat.api("POST", "/posts")
