"""Follow-ups: staff plan one from the feedback ideas, linked to its parent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from compagnon.members.tests.factories import BaseFactory, TagFactory
from compagnon.workshops import services
from compagnon.workshops.feedback import feedback_submit
from compagnon.workshops.models import Attendance, Feedback, Workshop, WorkshopStatus
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_workshop(manager_a, member_a):
    start = timezone.now() - dt.timedelta(days=5)
    workshop = WorkshopFactory(
        base=BaseFactory(),
        hosts=[manager_a],
        tags=[TagFactory(slug="nlp")],
        status=WorkshopStatus.DONE,
        sessions=[(start, start + dt.timedelta(hours=4))],
    )
    RegistrationFactory(workshop=workshop, person=member_a, attendance=Attendance.PRESENT)
    feedback_submit(workshop=workshop, person=member_a, rating=5, follow_up_idea="Try LLM evals")
    return workshop


def test_follow_up_from_ideas(done_workshop, staff_user, member_a, manager_a):
    idea = Feedback.objects.get()
    follow_up = services.workshop_plan_follow_up(
        parent=done_workshop, from_feedback_ideas=[idea.pk], by=staff_user
    )
    assert follow_up.parent == done_workshop
    assert follow_up.status == WorkshopStatus.DRAFT
    assert "Try LLM evals" in follow_up.summary
    assert list(follow_up.hosts.all()) == [manager_a]
    assert list(follow_up.invitees.all()) == [member_a]
    assert list(follow_up.tags.values_list("slug", flat=True)) == ["nlp"]


def test_follow_up_is_staff_only(done_workshop, manager_a):
    with pytest.raises(PermissionDenied):
        services.workshop_plan_follow_up(parent=done_workshop, by=manager_a.user)
    assert Workshop.objects.count() == 1


def test_follow_up_page(client_of, done_workshop, staff_user, member_a):
    idea = Feedback.objects.get()
    client = client_of(staff_user)
    page = client.get(f"/workshops/{done_workshop.pk}/follow-up/").content.decode()
    assert "Try LLM evals" in page
    response = client.post(
        f"/workshops/{done_workshop.pk}/follow-up/", {"title": "Evals, part 2", "ideas": [idea.pk]}
    )
    assert response.status_code == 302
    follow_up = Workshop.objects.get(parent=done_workshop)
    assert follow_up.title == "Evals, part 2"
    # The parent page lists it to staff; members do not see the draft.
    assert "Evals, part 2" in client.get(done_workshop.get_absolute_url()).content.decode()
    member_page = client_of(member_a).get(done_workshop.get_absolute_url()).content.decode()
    assert "Evals, part 2" not in member_page
