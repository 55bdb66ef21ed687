"""The doors' records about a person follow them into their export and go at their erasure."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from compagnon.accounts.privacy import person_data_export, person_erase
from compagnon.cases.models import ChatLink, InboundEmailDraft

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(member_a):
    ChatLink.objects.create(person=member_a, chat_user_id="U123", chat_user_name="ada.m")
    InboundEmailDraft.objects.create(
        person=member_a,
        message_id="<draft-1@alpha.example>",
        title="Churn at scale",
        description="Our churn model drifts.",
    )
    return member_a


def test_the_export_carries_the_chat_link_and_the_cases_sent_by_email(linked):
    archive = zipfile.ZipFile(
        io.BytesIO(person_data_export(actor=linked.user, person=linked).content)
    )

    assert json.loads(archive.read("chat_link.json"))[0]["chat_user_id"] == "U123"
    assert json.loads(archive.read("cases_by_email.json"))[0]["title"] == "Churn at scale"


def test_erasure_unlinks_the_chat_account_and_drops_unconfirmed_drafts(linked, member_b):
    ChatLink.objects.create(person=member_b, chat_user_id="U999")

    person_erase(actor=linked.user, person=linked)

    assert not ChatLink.objects.filter(person=linked).exists()
    assert not InboundEmailDraft.objects.filter(person=linked).exists()
    assert ChatLink.objects.filter(person=member_b, chat_user_id="U999").exists()
