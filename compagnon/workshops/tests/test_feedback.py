"""Feedback: attendees only, levels per tag, one reminder, aggregates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from compagnon.core.models import OutboundEmail
from compagnon.members.tests.factories import BaseFactory, TagFactory
from compagnon.workshops import services
from compagnon.workshops.feedback import (
    FEEDBACK_REMINDER_AFTER,
    feedback_last_calls_send_due,
    feedback_reminders_send,
    feedback_submit,
    feedback_summary,
)
from compagnon.workshops.models import Attendance, Feedback, FeedbackLevel, RegistrationStatus
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_workshop(manager_a):
    start = timezone.now() - dt.timedelta(days=2)
    return WorkshopFactory(
        base=BaseFactory(),
        hosts=[manager_a],
        tags=[TagFactory(slug="causal"), TagFactory(slug="graphs")],
        sessions=[(start, start + dt.timedelta(hours=4))],
    )


def test_present_attendee_gives_feedback(past_workshop, member_a, member_b):
    RegistrationFactory(workshop=past_workshop, person=member_a, attendance=Attendance.PRESENT)
    RegistrationFactory(workshop=past_workshop, person=member_b, attendance=Attendance.PRESENT)
    causal, graphs = past_workshop.tags.order_by("slug")
    feedback = feedback_submit(
        workshop=past_workshop,
        person=member_a,
        rating=5,
        learned="I learned how to draw a causal graph.",
        follow_up_idea="Instrumental variables",
        levels={causal.pk: (1, 3), graphs.pk: (2, 2)},
        keep_people=[member_b],
    )
    assert feedback.rating == 5
    assert {(lv.tag_id, lv.before, lv.after) for lv in feedback.levels.all()} == {
        (causal.pk, 1, 3),
        (graphs.pk, 2, 2),
    }
    assert list(feedback.keep_working_with_people.all()) == [member_b]
    # Sending again replaces it.
    feedback_submit(workshop=past_workshop, person=member_a, rating=4, levels={causal.pk: (2, 3)})
    assert Feedback.objects.get().rating == 4
    assert FeedbackLevel.objects.count() == 1


@pytest.mark.parametrize(
    "attendance,status",
    [
        (Attendance.NO_SHOW, RegistrationStatus.CONFIRMED),
        (Attendance.UNKNOWN, RegistrationStatus.CANCELLED),
        (Attendance.UNKNOWN, RegistrationStatus.WAITING),
    ],
)
def test_feedback_from_someone_who_did_not_attend_is_refused(
    past_workshop, member_a, member_b, attendance, status
):
    RegistrationFactory(workshop=past_workshop, person=member_b, attendance=Attendance.PRESENT)
    RegistrationFactory(
        workshop=past_workshop, person=member_a, attendance=attendance, status=status
    )
    with pytest.raises(ValidationError, match="Only the people who attended"):
        feedback_submit(workshop=past_workshop, person=member_a, rating=5, learned="x")
    assert not Feedback.objects.exists()


def test_without_attendance_confirmed_people_may_give_feedback(past_workshop, member_a):
    RegistrationFactory(workshop=past_workshop, person=member_a)
    feedback_submit(workshop=past_workshop, person=member_a, rating=3)
    assert Feedback.objects.count() == 1


def test_feedback_before_the_workshop_is_refused(member_a):
    workshop = WorkshopFactory(base=BaseFactory())
    RegistrationFactory(workshop=workshop, person=member_a)
    with pytest.raises(ValidationError, match="once the workshop has taken place"):
        feedback_submit(workshop=workshop, person=member_a, rating=5)


def test_levels_for_other_tags_are_refused(past_workshop, member_a):
    RegistrationFactory(workshop=past_workshop, person=member_a)
    other = TagFactory(slug="other")
    with pytest.raises(ValidationError, match="own topics"):
        feedback_submit(
            workshop=past_workshop, person=member_a, rating=5, levels={other.pk: (1, 2)}
        )
    assert not Feedback.objects.exists()


def test_feedback_page_refuses_non_attendee(client_of, past_workshop, member_b):
    response = client_of(member_b).get(f"/workshops/{past_workshop.pk}/feedback/")
    assert response.status_code == 403
    assert "Only the people who attended" in response.content.decode()


def test_feedback_page_round_trip(client_of, past_workshop, member_a):
    RegistrationFactory(workshop=past_workshop, person=member_a, attendance=Attendance.PRESENT)
    causal, _graphs = past_workshop.tags.order_by("slug")
    url = f"/workshops/{past_workshop.pk}/feedback/"
    client = client_of(member_a)
    page = client.get(url).content.decode()
    assert "What did you learn?" in page
    response = client.post(
        url,
        {
            "learned": "I learned DAGs",
            "rating": "4",
            f"level_before_{causal.pk}": "1",
            f"level_after_{causal.pk}": "3",
        },
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.learned == "I learned DAGs"
    assert feedback.levels.get().after == 3


def test_feedback_page_half_levels_are_refused(client_of, past_workshop, member_a):
    RegistrationFactory(workshop=past_workshop, person=member_a, attendance=Attendance.PRESENT)
    causal = past_workshop.tags.order_by("slug").first()
    response = client_of(member_a).post(
        f"/workshops/{past_workshop.pk}/feedback/",
        {"rating": "4", f"level_before_{causal.pk}": "1"},
    )
    assert response.status_code == 400
    assert "Give both levels, before and after, or neither." in response.content.decode()
    assert not Feedback.objects.exists()


def test_one_reminder_per_attendee(
    past_workshop, member_a, member_b, django_capture_on_commit_callbacks
):
    RegistrationFactory(workshop=past_workshop, person=member_a, attendance=Attendance.PRESENT)
    RegistrationFactory(workshop=past_workshop, person=member_b, attendance=Attendance.NO_SHOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.workshop_mark_done(workshop=past_workshop)
    reminders = OutboundEmail.objects.filter(key__startswith="workshop-feedback-reminder:")
    assert [e.to for e in reminders] == [[member_a.email]]
    assert "/feedback/" in reminders.get().body_text
    # A retried task sends nothing more.
    feedback_reminders_send(workshop=past_workshop)
    assert reminders.count() == 1


def test_one_last_call_reminder_days_later_to_those_who_did_not_answer(
    past_workshop, member_a, member_b, django_capture_on_commit_callbacks
):
    RegistrationFactory(workshop=past_workshop, person=member_a, attendance=Attendance.PRESENT)
    RegistrationFactory(workshop=past_workshop, person=member_b, attendance=Attendance.PRESENT)
    with django_capture_on_commit_callbacks(execute=True):
        services.workshop_mark_done(workshop=past_workshop)
    feedback_submit(workshop=past_workshop, person=member_b, rating=5, learned="DAGs")
    last_calls = OutboundEmail.objects.filter(key__startswith="workshop-feedback-last-call:")

    too_soon = past_workshop.ends_at + FEEDBACK_REMINDER_AFTER - dt.timedelta(hours=1)
    assert feedback_last_calls_send_due(now=too_soon) == 0
    due = past_workshop.ends_at + FEEDBACK_REMINDER_AFTER + dt.timedelta(hours=1)
    assert feedback_last_calls_send_due(now=due) == 1
    assert [e.to for e in last_calls] == [[member_a.email]]
    assert "/feedback/" in last_calls.get().body_text
    # Once only, however often the tick runs.
    assert feedback_last_calls_send_due(now=due + dt.timedelta(days=1)) == 0
    assert last_calls.count() == 1


def test_summary(past_workshop, member_a, member_b, manager_a, client_of):
    RegistrationFactory(workshop=past_workshop, person=member_a, attendance=Attendance.PRESENT)
    RegistrationFactory(workshop=past_workshop, person=member_b, attendance=Attendance.PRESENT)
    causal = past_workshop.tags.order_by("slug").first()
    feedback_submit(
        workshop=past_workshop,
        person=member_a,
        rating=4,
        learned="Back-door paths",
        levels={causal.pk: (1, 3)},
    )
    summary = feedback_summary(workshop=past_workshop)
    assert (summary.eligible, summary.responses, summary.response_rate) == (2, 1, 50)
    assert summary.learned_share == 100
    assert summary.mean_rating == 4
    assert [(row.tag, row.delta) for row in summary.tags] == [(causal, 2)]
    page = client_of(manager_a).get(f"/workshops/{past_workshop.pk}/feedback/summary/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "50%" in text and "Back-door paths" in text
