"""The chat door (/case on Mattermost or Slack) and the chat user name on the profile."""

import pytest
from django.urls import reverse

from compagnon.cases.chat import title_from_text
from compagnon.cases.models import Case, CaseSource, CaseStatus
from compagnon.members.models import MembershipStatus
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

DOOR = reverse("cases:inbound_chat")
TOKEN = "chat-token-0123456789"


@pytest.fixture(autouse=True)
def door_open(settings):
    settings.CHAT_COMMAND_TOKEN = TOKEN
    settings.SITE_URL = "https://club.example"


@pytest.fixture
def ada(member_a):
    member_a.chat_username = "ada.martin"
    member_a.save()
    return member_a


def command(client, text="Our forecasts broke. We have 5 years of sales.", **fields):
    data = {
        "token": TOKEN,
        "text": text,
        "user_name": "ada.martin",
        "user_id": "u123",
        "channel_name": "town-square",
        "command": "/case",
        **fields,
    }
    return client.post(DOOR, data)


def test_a_command_files_a_draft_case(client, ada):
    response = command(client)
    case = Case.objects.get()
    assert response.status_code == 200
    assert response.json() == {
        "response_type": "ephemeral",
        "text": f"Draft case created: https://club.example/cases/{case.pk}/. "
        "Complete it and submit it to the club.",
    }
    assert (case.brought_by, case.source, case.status) == (ada, CaseSource.CHAT, CaseStatus.DRAFT)
    assert case.title == "Our forecasts broke."
    assert case.description == "Our forecasts broke. We have 5 years of sales."
    assert case.filed_by == ada.user


def test_the_user_name_matches_whatever_the_case(client, ada):
    command(client, user_name="@Ada.Martin")
    assert Case.objects.get().brought_by == ada


@pytest.mark.parametrize("token", ["wrong", "", TOKEN.upper()])
def test_a_wrong_token_is_forbidden(client, ada, token):
    response = command(client, token=token)
    assert response.status_code == 403
    assert response.json()["response_type"] == "ephemeral"
    assert not Case.objects.exists()


def test_the_door_is_closed_without_a_token_setting(client, ada, settings):
    settings.CHAT_COMMAND_TOKEN = ""
    assert command(client, token="").status_code == 403
    assert not Case.objects.exists()


def test_an_unknown_chat_user_is_sent_to_their_profile(client, ada):
    response = command(client, user_name="stranger")
    text = response.json()["text"]
    assert response.status_code == 200
    assert "stranger" in text and "https://club.example/me/" in text
    assert not Case.objects.exists()


def test_an_empty_user_name_matches_nobody(client, ada, member_b):
    # member_b has no chat user name: a blank one must not match them.
    text = command(client, user_name="").json()["text"]
    assert "Add your chat user name" in text
    assert not Case.objects.exists()


def test_empty_text_gets_the_usage(client, ada):
    text = command(client, text="   ").json()["text"]
    assert text.startswith("Describe your problem after the command, for example: /case ")
    assert not Case.objects.exists()


def test_a_chat_name_belongs_to_one_profile(ada, org_b):
    """The chat door files as whoever owns the name, so the database refuses a second owner."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(organisation=org_b, chat_username="ADA.MARTIN")


def test_a_lapsed_member_cannot_file(client):
    PersonFactory(
        chat_username="old",
        organisation=OrganisationFactory(status=MembershipStatus.LAPSED),
    )
    text = command(client, user_name="old").json()["text"]
    assert "no active membership" in text
    assert not Case.objects.exists()


def test_too_long_a_text_is_refused_with_the_reason(client, ada):
    text = command(client, text="x" * 25_000).json()["text"]
    assert text.startswith("The case could not be created:")
    assert "20,000" in text
    assert not Case.objects.exists()


def test_get_is_not_allowed(client):
    assert client.get(DOOR).status_code == 405


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Forecasts broke. Details follow.", "Forecasts broke."),
        ("First line\nsecond line", "First line"),
        ("Why did sales drop? We do not know.", "Why did sales drop?"),
        ("\n\n  Leading blank lines", "Leading blank lines"),
        ("v2.0 of the model fails", "v2.0 of the model fails"),
    ],
)
def test_title_from_text(text, title):
    assert title_from_text(text) == title


def test_a_long_title_is_cut():
    title = title_from_text("word " * 100)
    assert len(title) <= 120 and title.endswith("…")


def test_the_chat_user_name_is_set_on_the_profile(client_of, member_a):
    client = client_of(member_a)
    page = client.get(reverse("members:profile_edit")).content.decode()
    assert 'name="chat_username"' in page
    data = {
        "first_name": member_a.first_name,
        "last_name": member_a.last_name,
        "job_title": "",
        "role_family": member_a.role_family,
        "bio": "",
        "base": "",
        "remote_ok": "on",
        "directory_visibility": member_a.directory_visibility,
        "chat_username": "ada.martin",
    }
    response = client.post(reverse("members:profile_edit"), data)
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.chat_username == "ada.martin"
