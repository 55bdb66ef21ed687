"""Case invitations arrive in the chat with two buttons that answer them."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.utils import timezone

from compagnon.cases.invitations import case_invitations_send
from compagnon.cases.models import Answer, CaseInvitation, ChatLink
from compagnon.chat.models import InvitationMessage
from compagnon.chat.services import chat_invitations_post, invitation_action_token
from compagnon.chat.tasks import chat_invitations_send
from compagnon.core.models import OutboundEmail

pytestmark = pytest.mark.django_db


def invitation_of(club, person) -> CaseInvitation:
    return CaseInvitation.objects.get(case=club.case, person=person)


def click(client, chat, button: str, *, user_id: str = "mm-esther", index: int = -1):
    """What the chat server does when someone clicks: POST the button's context to its URL."""
    integration = chat.buttons(index)[button]
    body = {
        "user_id": user_id,
        "user_name": "x",
        "post_id": "p1",
        "context": integration["context"],
    }
    return client.post(
        urlsplit(integration["url"]).path, json.dumps(body), content_type="application/json"
    )


def test_an_invitation_is_posted_once_to_the_invitees_chat_with_two_buttons(club, chat):
    assert chat_invitations_post() == 1
    assert chat_invitations_post() == 0
    chat_invitations_send.enqueue()

    assert len(chat.posts) == 1
    post = chat.posts[0]
    assert post["channel"] == "@esther"
    assert club.case.title in post["text"]
    buttons = chat.buttons()
    assert set(buttons) == {"interested", "declined"}
    names = [a["name"] for a in post["attachments"][0]["actions"]]
    assert names == ["Interested", "Not this time"] or names == ["Intéressé·e", "Pas cette fois"]
    # The colleague has no linked chat account: nothing for them.
    assert not InvitationMessage.objects.filter(invitation__person=club.colleague).exists()
    assert InvitationMessage.objects.get().posted_at is not None


def test_interested_answers_the_invitation_and_tells_the_owner_once(client, club, chat):
    chat_invitations_post()

    response = click(client, chat, "interested")

    assert response.status_code == 200
    assert club.case.title in response.json()["update"]["message"]
    assert response.json()["update"]["props"] == {"attachments": []}
    invitation = invitation_of(club, club.expert)
    assert invitation.answer == Answer.INTERESTED
    owner_emails = OutboundEmail.objects.filter(key__startswith="case-answer:").count()
    assert owner_emails == 1

    again = click(client, chat, "interested")

    assert again.status_code == 200
    assert OutboundEmail.objects.filter(key__startswith="case-answer:").count() == 1
    assert InvitationMessage.objects.get().answered_at is not None


def test_not_this_time_declines(client, club, chat):
    chat_invitations_post()
    click(client, chat, "declined")
    assert invitation_of(club, club.expert).answer == Answer.DECLINED
    assert not OutboundEmail.objects.filter(key__startswith="case-answer:").exists()


def test_someone_else_clicking_changes_nothing(client, club, chat):
    chat_invitations_post()

    for user_id in ("mm-lucas", "mm-nobody", ""):
        response = click(client, chat, "interested", user_id=user_id)
        assert response.status_code == 200
        assert "someone else" in response.json()["ephemeral_text"]
    assert invitation_of(club, club.expert).answer == Answer.PENDING


def test_a_forged_or_misplaced_token_is_refused(client, club, chat):
    chat_invitations_post()
    expert_invitation = invitation_of(club, club.expert)
    colleague_invitation = invitation_of(club, club.colleague)
    url = "/chat/actions/"

    def post(context):
        body = {"user_id": "mm-esther", "context": context}
        return client.post(url, json.dumps(body), content_type="application/json")

    base = {"action": "case_invitation_answer", "answer": "interested"}
    assert post({**base, "invitation": expert_invitation.pk, "token": "0" * 64}).status_code == 403
    # A real token, for another invitation.
    stolen = invitation_action_token(expert_invitation.pk)
    assert post({**base, "invitation": colleague_invitation.pk, "token": stolen}).status_code == 403
    assert post({**base, "invitation": "1", "token": stolen}).status_code == 400
    assert (
        post(
            {**base, "invitation": expert_invitation.pk, "token": stolen, "answer": "expert"}
        ).status_code
        == 400
    )
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    assert client.get(url).status_code == 405
    assert invitation_of(club, club.expert).answer == Answer.PENDING
    assert invitation_of(club, club.colleague).answer == Answer.PENDING


def test_without_a_secret_the_door_is_closed(client, club, chat, settings):
    chat_invitations_post()
    settings.CHAT_ACTIONS_SECRET = ""
    assert click(client, chat, "interested").status_code == 403
    assert chat_invitations_post() == 0


def test_an_expired_invitation_says_so(client, club, chat):
    chat_invitations_post()
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        response = click(client, chat, "interested")
    assert "expired" in response.json()["ephemeral_text"]
    assert invitation_of(club, club.expert).answer == Answer.PENDING


def test_a_chat_server_that_fails_gets_the_invitation_again_next_time(club, chat):
    chat.status = 500
    assert chat_invitations_post() == 0
    assert chat_invitations_post() == 0
    failed = InvitationMessage.objects.get()
    assert (failed.posted_at, failed.claimed_at, failed.attempts) == (None, None, 2)
    assert "500" in failed.last_error
    chat.status = 200
    assert chat_invitations_post() == 1
    assert len(chat.posts) == 1
    posted = InvitationMessage.objects.get()
    assert posted.posted_at is not None
    assert (posted.attempts, posted.last_error) == (2, "")
    assert chat_invitations_post() == 0


def test_an_answered_invitation_is_not_posted(club, chat):
    invitation = invitation_of(club, club.expert)
    CaseInvitation.objects.filter(pk=invitation.pk).update(answer=Answer.DECLINED)
    assert chat_invitations_post() == 0
    assert chat.posts == []


def test_a_renamed_chat_user_gets_the_next_invitation_under_the_new_name(client, club, chat):
    chat_invitations_post()
    body = {
        "user_id": "mm-esther",
        "user_name": "esther.dupont",
        "context": chat.buttons()["declined"]["context"],
    }
    client.post(
        urlsplit(chat.buttons()["declined"]["url"]).path,
        json.dumps(body),
        content_type="application/json",
    )
    assert ChatLink.objects.get(chat_user_id="mm-esther").chat_user_name == "esther.dupont"

    case_invitations_send(case=club.case, people=[club.learner], invited_by=None)
    ChatLink.objects.filter(chat_user_id="mm-lucas").update(chat_user_name="esther")
    # Lucas's chat account now answers to Esther's old name: Esther's link follows her id.
    from compagnon.cases.chat import chat_link_seen

    chat_link_seen(chat_user_id="mm-lucas", chat_user_name="esther")
    assert chat_invitations_post() == 1
    assert chat.posts[-1]["channel"] == "@esther"
    assert InvitationMessage.objects.filter(invitation__person=club.learner).exists()


def test_a_name_taken_by_another_account_gets_no_message_until_its_owner_is_seen(club, chat):
    from compagnon.cases.chat import chat_link_seen

    # Lucas renames himself "esther" (Esther renamed herself away, unseen by the club).
    chat_link_seen(chat_user_id="mm-lucas", chat_user_name="Esther")

    assert ChatLink.objects.get(chat_user_id="mm-esther").chat_user_name == ""
    assert chat_invitations_post() == 0
    assert chat.posts == []

    chat_link_seen(chat_user_id="mm-esther", chat_user_name="esther.d")
    assert chat_invitations_post() == 1
    assert chat.posts[0]["channel"] == "@esther.d"


def test_an_invitation_without_an_expiry_is_open_and_posted(club, chat):
    # The same rule as the home page and the desk (cases.selectors.invitations_open):
    # no expiry means it can still be answered.
    CaseInvitation.objects.filter(person=club.expert).update(expires_at=None)

    assert chat_invitations_post() == 1
    assert chat.posts[0]["channel"] == "@esther"
