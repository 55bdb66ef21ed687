"""The weekly digest: what every member may see, posted once per ISO week."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from compagnon.cases.models import Confidentiality
from compagnon.cases.tests.factories import open_case
from compagnon.chat.models import DigestPost
from compagnon.chat.services import chat_digest_post
from compagnon.chat.tasks import chat_digest_send
from compagnon.chat.tests.fake_chat import running_chat_server
from compagnon.knowledge.tests.factories import make_report, make_workshop
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, UserFactory
from compagnon.workshops.tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def chat(settings):
    with running_chat_server() as server:
        settings.CHAT_DIGEST_WEBHOOK_URL = server.url
        settings.CHAT_WEBHOOK_URL = ""
        yield server


@pytest.fixture
def week(db):
    """What happened in the week before MONDAY, and things that must stay out."""
    with time_machine.travel(MONDAY - timedelta(days=3), tick=False):
        secret_org = OrganisationFactory(name="Hush Industries")
        bringer = PersonFactory(
            first_name="Hidden", last_name="Bringer", organisation=secret_org, with_account=True
        )
        WorkshopFactory(title="Causal inference clinic")
        WorkshopFactory(title="Not for everyone").excluded_organisations.set([secret_org])
        WorkshopFactory(title="Still a draft", draft=True)
        open_case(title="Forecasts broke in 2020")
        open_case(
            title="Churn model drifts",
            brought_by=bringer,
            confidentiality=Confidentiality.ANONYMISED,
        )
        open_case(title="Named only", confidentiality=Confidentiality.NAMED_ORGANISATIONS)
        host = UserFactory(is_staff=True)
        make_report(workshop=make_workshop(title="Time series day", days_ago=20), actor=host)
    with time_machine.travel(MONDAY - timedelta(days=12), tick=False):
        WorkshopFactory(title="Old news")


def test_the_digest_lists_the_weeks_news_for_every_member(week, chat):
    with time_machine.travel(MONDAY, tick=False):
        assert chat_digest_post() is True

    assert len(chat.posts) == 1
    text = chat.posts[0]["text"]
    for expected in (
        "Causal inference clinic",
        "Forecasts broke in 2020",
        "Churn model drifts",
        "Time series day",
        "/workshops/",
        "/cases/",
    ):
        assert expected in text
    for hidden in ("Not for everyone", "Still a draft", "Named only", "Old news"):
        assert hidden not in text
    # An anonymised case: its title, never who brought it.
    for secret in ("Hidden", "Bringer", "Hush Industries"):
        assert secret not in text


def test_one_digest_per_iso_week(week, chat):
    with time_machine.travel(MONDAY, tick=False):
        assert chat_digest_post() is True
    with time_machine.travel(MONDAY + timedelta(days=6, hours=10), tick=False):  # Sunday
        assert chat_digest_post() is False
        call_command("chat_digest")
        chat_digest_send.enqueue()
    assert len(chat.posts) == 1
    with time_machine.travel(MONDAY + timedelta(days=7), tick=False):
        WorkshopFactory(
            title="Next week's workshop", published_at=timezone.now() - timedelta(hours=1)
        )
        assert chat_digest_post() is True
    assert len(chat.posts) == 2
    assert DigestPost.objects.count() == 2


def test_a_quiet_week_posts_nothing_and_is_done(db, chat):
    with time_machine.travel(MONDAY, tick=False):
        assert chat_digest_post() is False
        assert chat_digest_post() is False
    assert chat.posts == []
    assert DigestPost.objects.get().posted_at is not None


def test_a_failed_post_is_tried_again(week, chat):
    chat.status = 502
    with time_machine.travel(MONDAY, tick=False):
        assert chat_digest_post() is False
        chat.status = 200
        assert chat_digest_post() is True
    assert len(chat.posts) == 1


def test_no_url_no_digest(week, settings):
    settings.CHAT_DIGEST_WEBHOOK_URL = ""
    settings.CHAT_WEBHOOK_URL = ""
    assert chat_digest_post() is False
    assert not DigestPost.objects.exists()
