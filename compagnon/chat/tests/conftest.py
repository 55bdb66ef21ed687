"""The chat tests' shared club and chat server: two linked chat accounts, one invitation to a
linked person and one to someone without a link, and the webhook of a real local server."""

import pytest
from django.utils import timezone

from compagnon.cases.invitations import case_invitations_send
from compagnon.cases.models import ChatLink
from compagnon.chat.tests.fake_chat import running_chat_server
from compagnon.matching.tests.club import build_club

SECRET = "integration-secret-for-tests"


@pytest.fixture
def chat(settings):
    with running_chat_server() as server:
        settings.CHAT_WEBHOOK_URL = server.url
        settings.CHAT_ACTIONS_SECRET = SECRET
        yield server


@pytest.fixture
def club(db):
    club = build_club()
    ChatLink.objects.create(
        person=club.expert,
        chat_user_id="mm-esther",
        chat_user_name="esther",
        confirmed_at=timezone.now(),
    )
    ChatLink.objects.create(
        person=club.learner,
        chat_user_id="mm-lucas",
        chat_user_name="lucas",
        confirmed_at=timezone.now(),
    )
    club.invitations = case_invitations_send(
        case=club.case, people=[club.expert, club.colleague], invited_by=None
    )
    return club
