"""The call closes exactly at the deadline, on the edition's clock, by the server's time."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from compagnon.awards import services
from compagnon.awards.models import ApplicationStatus, Edition
from compagnon.awards.tests.factories import ApplicationFactory, CategoryFactory

UTC = dt.UTC


def _edition(day: dt.date, time: dt.time, zone: str = "Europe/Paris") -> Edition:
    return Edition(
        name="x",
        slug="x",
        time_zone=zone,
        call_opens_on=day - dt.timedelta(days=30),
        deadline_on=day,
        deadline_time=time,
        jury_starts_on=day,
        jury_ends_on=day,
        ceremony_on=day,
    )


@pytest.mark.parametrize(
    ("day", "time", "zone", "closes_utc"),
    [
        # Summer time (UTC+2), winter time (UTC+1), the evening DST ends, the evening it starts.
        (dt.date(2026, 6, 30), dt.time(23, 59), "Europe/Paris", dt.datetime(2026, 6, 30, 21, 59)),
        (dt.date(2026, 1, 15), dt.time(23, 59), "Europe/Paris", dt.datetime(2026, 1, 15, 22, 59)),
        (dt.date(2026, 10, 25), dt.time(23, 59), "Europe/Paris", dt.datetime(2026, 10, 25, 22, 59)),
        (dt.date(2026, 3, 29), dt.time(23, 59), "Europe/Paris", dt.datetime(2026, 3, 29, 21, 59)),
        # 02:30 happens twice on 25 October: the first one (still summer time) is the deadline.
        (dt.date(2026, 10, 25), dt.time(2, 30), "Europe/Paris", dt.datetime(2026, 10, 25, 0, 30)),
        (dt.date(2026, 3, 8), dt.time(12, 0), "America/New_York", dt.datetime(2026, 3, 8, 16, 0)),
    ],
)
def test_deadline_instant_follows_the_edition_clock(day, time, zone, closes_utc):
    edition = _edition(day, time, zone)
    assert edition.deadline_at == closes_utc.replace(tzinfo=UTC)
    second = dt.timedelta(seconds=1)
    assert services.call_refusal(edition, now=closes_utc.replace(tzinfo=UTC) - second) == ""
    assert "deadline has passed" in services.call_refusal(
        edition, now=closes_utc.replace(tzinfo=UTC)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        (dt.datetime(2026, 10, 25, 22, 58, 59, 999999, tzinfo=UTC), True),
        (dt.datetime(2026, 10, 25, 22, 59, 0, tzinfo=UTC), False),
        # An hour earlier would be the deadline if the zone's summer offset were assumed.
        (dt.datetime(2026, 10, 25, 22, 30, tzinfo=UTC), True),
    ],
)
def test_submission_across_the_autumn_change_uses_server_time(moment, accepted):
    category = CategoryFactory(
        edition__deadline_on=dt.date(2026, 10, 25),
        edition__deadline_time=dt.time(23, 59),
        edition__call_opens_on=dt.date(2026, 9, 1),
        edition__jury_starts_on=dt.date(2026, 11, 1),
        edition__jury_ends_on=dt.date(2026, 11, 10),
        edition__ceremony_on=dt.date(2026, 11, 20),
    )
    application = ApplicationFactory(category=category, status=ApplicationStatus.DRAFT)
    with time_machine.travel(moment, tick=False):
        if accepted:
            submitted = services.application_submit(application=application)
            assert submitted.status == ApplicationStatus.SUBMITTED
            assert submitted.submitted_at == moment
        else:
            with pytest.raises(ValidationError, match="deadline has passed"):
                services.application_submit(application=application)
            application.refresh_from_db()
            assert application.status == ApplicationStatus.DRAFT


@pytest.mark.django_db
def test_a_closed_call_refuses_drafts_on_the_page_too(client_of, member_a):
    category = CategoryFactory(
        edition__deadline_on=dt.date(2026, 3, 29),
        edition__call_opens_on=dt.date(2026, 3, 1),
        edition__jury_starts_on=dt.date(2026, 4, 1),
        edition__jury_ends_on=dt.date(2026, 4, 10),
        edition__ceremony_on=dt.date(2026, 4, 20),
    )
    application = ApplicationFactory(
        category=category, applicant=member_a, status=ApplicationStatus.DRAFT
    )
    client = client_of(member_a)
    with time_machine.travel(dt.datetime(2026, 3, 29, 21, 59, 30, tzinfo=UTC), tick=False):
        response = client.post(
            f"/awards/applications/{application.pk}/",
            {"title": "Late", "action": "save"},
        )
    # 23:59:30 in Paris, summer time since that morning: closed.
    assert response.status_code == 400
    assert "The call for applications is closed" in response.content.decode()
    application.refresh_from_db()
    assert application.title != "Late"


@pytest.mark.django_db
def test_autosave_after_the_deadline_says_so_and_saves_nothing(client_of, member_a):
    category = CategoryFactory(
        edition__deadline_on=dt.date(2026, 1, 15),
        edition__call_opens_on=dt.date(2026, 1, 1),
        edition__jury_starts_on=dt.date(2026, 2, 1),
        edition__jury_ends_on=dt.date(2026, 2, 10),
        edition__ceremony_on=dt.date(2026, 2, 20),
    )
    application = ApplicationFactory(
        category=category, applicant=member_a, status=ApplicationStatus.DRAFT, summary="Kept"
    )
    client = client_of(member_a)
    url = f"/awards/applications/{application.pk}/autosave/"
    data = {"title": application.title, "summary": "Typed at the last second"}
    with time_machine.travel(dt.datetime(2026, 1, 15, 22, 58, 59, tzinfo=UTC), tick=False):
        assert "Draft saved at 23:58" in client.post(url, data).content.decode()
    data["summary"] = "Too late"
    with time_machine.travel(dt.datetime(2026, 1, 15, 22, 59, tzinfo=UTC), tick=False):
        page = client.post(url, data).content.decode()
    assert "Not saved" in page and "the deadline has passed" in page
    application.refresh_from_db()
    assert application.summary == "Typed at the last second"
