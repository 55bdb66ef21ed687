"""The chat door (/case on Mattermost or Slack): keyed on the chat server's user id, linked by proof."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from compagnon.cases.chat import (
    CODE_ATTEMPTS,
    chat_link_confirm,
    chat_link_start,
    title_from_text,
)
from compagnon.cases.models import Case, CaseSource, CaseStatus, ChatLink
from compagnon.members.models import MembershipStatus
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

DOOR = reverse("cases:inbound_chat")
TOKEN = "chat-token-0123456789"


@pytest.fixture(autouse=True)
def door_open(settings):
    settings.CHAT_COMMAND_TOKEN = TOKEN
    settings.SITE_URL = "https://club.example"


def link(person, chat_user_id="u123", chat_user_name="ada.martin"):
    code = chat_link_start(person=person)
    return chat_link_confirm(chat_user_id=chat_user_id, chat_user_name=chat_user_name, code=code)


@pytest.fixture
def ada(member_a):
    member_a.chat_username = "ada.martin"
    member_a.save()
    link(member_a)
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


def test_taking_a_colleagues_chat_name_grants_nothing(client, ada, member_b):
    """The chat name on a profile is display only: the door asks the chat server's user id."""
    member_b.chat_username = "bruno"
    member_b.save()
    # Someone else's chat account, claiming Ada's name: nothing is filed, for anyone.
    response = command(client, user_name="ada.martin", user_id="u-mallory")
    text = response.json()["text"]
    assert "not linked to a profile" in text and "https://club.example/cases/chat/" in text
    assert not Case.objects.exists()
    # Ada's own chat account files under Ada, whatever name it shows.
    command(client, user_name="renamed", user_id="u123")
    assert Case.objects.get().brought_by == ada


def test_an_unlinked_chat_user_gets_a_link_and_nothing_is_filed(client, member_a):
    member_a.chat_username = "ada.martin"  # typed on the profile, never proved
    member_a.save()
    text = command(client).json()["text"]
    assert "https://club.example/cases/chat/" in text
    assert not Case.objects.exists()


def test_an_empty_user_id_matches_nobody(client, ada):
    text = command(client, user_id="").json()["text"]
    assert "not linked to a profile" in text
    assert not Case.objects.exists()


def test_linking_by_code_in_the_chat(client, member_a):
    code = chat_link_start(person=member_a)
    text = command(client, text=f"link {code}", user_id="U42", user_name="@ada").json()["text"]
    assert "now linked to Ada Martin's profile" in text
    stored = ChatLink.objects.get(person=member_a)
    assert (stored.chat_user_id, stored.chat_user_name) == ("U42", "ada")
    assert stored.code_digest == "" and code not in str(stored.__dict__)
    # The code works once.
    assert "not valid" in command(client, text=f"link {code}", user_id="U99").json()["text"]
    command(client, user_id="U42")
    assert Case.objects.get().brought_by == member_a


def test_a_wrong_or_expired_code_links_nothing(client, member_a, settings):
    settings.CHAT_LINK_CODE_MINUTES = 10
    code = chat_link_start(person=member_a)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert "not valid" in command(client, text=f"link {wrong}").json()["text"]
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert "not valid" in command(client, text=f"link {code}").json()["text"]
    assert not ChatLink.objects.filter(person=member_a).exclude(chat_user_id="").exists()


def test_guessing_codes_is_cut_short(client, member_a):
    code = chat_link_start(person=member_a)
    for attempt in range(CODE_ATTEMPTS):
        guess = f"{(int(code) + 1 + attempt) % 10**6:06d}"
        command(client, text=f"link {guess}", user_id="u-mallory")
    # Even the right code is refused to that chat user now.
    assert "not valid" in command(client, text=f"link {code}", user_id="u-mallory").json()["text"]
    assert not ChatLink.objects.exclude(chat_user_id="").exists()


def test_a_chat_account_moves_to_whoever_proves_it(ada, member_b):
    link(member_b, chat_user_id="u123")
    assert ChatLink.objects.get(person=member_b).chat_user_id == "u123"
    assert ChatLink.objects.get(person=ada).chat_user_id == ""


def test_unlinking_in_the_chat(client, ada):
    assert "no longer linked" in command(client, text="unlink").json()["text"]
    command(client)
    assert not Case.objects.exists()


def test_the_link_page_gives_a_code_and_unlinks(client_of, ada):
    client = client_of(ada)
    page = client.get(reverse("cases:chat_link")).content.decode()
    assert 'data-testid="chat-link-linked"' in page and "ada.martin" in page
    response = client.post(reverse("cases:chat_link"), {"action": "start"})
    assert response["Cache-Control"] == "no-store"
    code = response.context["code"]
    assert len(code) == 6 and f"/case link {code}" in response.content.decode()
    # The old link keeps working until the new code is typed.
    assert ChatLink.objects.get(person=ada).chat_user_id == "u123"
    response = client.post(reverse("cases:chat_link"), {"action": "unlink"})
    assert response.status_code == 302
    assert not ChatLink.objects.filter(person=ada).exists()


def test_the_profile_page_points_to_the_link_page(client_of, member_a):
    page = client_of(member_a).get(reverse("members:profile_edit")).content.decode()
    assert reverse("cases:chat_link") in page


def test_empty_text_gets_the_usage(client, ada):
    text = command(client, text="   ").json()["text"]
    assert text.startswith("Describe your problem after the command, for example: /case ")
    assert not Case.objects.exists()


def test_a_chat_account_belongs_to_one_profile(ada, org_b):
    """The database refuses a second profile with the same chat user id."""
    from django.db import IntegrityError, transaction

    other = PersonFactory(organisation=org_b)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChatLink.objects.create(person=other, chat_user_id="u123")


def test_a_lapsed_member_cannot_file(client):
    old = PersonFactory(
        chat_username="old",
        organisation=OrganisationFactory(status=MembershipStatus.LAPSED),
    )
    link(old, chat_user_id="u-old")
    text = command(client, user_id="u-old").json()["text"]
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
