"""Each event is emitted by its service, at the point the thing happens."""

from __future__ import annotations

import pytest
from django.utils import timezone

from compagnon.webhooks.models import Delivery, Event
from compagnon.webhooks.services import endpoint_create
from compagnon.webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(staff_user):
    with Receiver() as running:
        endpoint = endpoint_create(url=running.url, events=list(Event.values), actor=staff_user)
        running.secret = endpoint.secret
        yield running


def _events(receiver) -> list[str]:
    assert receiver.rejected == []
    return [message["payload"]["type"] for message in receiver.received]


def test_case_opened_names_neither_bringer_nor_organisation(
    receiver, staff_user, org_a, member_a, django_capture_on_commit_callbacks
):
    from compagnon.cases.models import Case, CaseStatus
    from compagnon.cases.services import case_transition

    case = Case.objects.create(
        title="Churn doubled",
        description="Why?",
        brought_by=member_a,
        organisation=org_a,
        status=CaseStatus.SUBMITTED,
        confidentiality="anonymised",
    )
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=case, to_status=CaseStatus.OPEN, actor=staff_user)
    assert _events(receiver) == ["case.opened"]
    body = str(receiver.received[0]["raw"])
    assert member_a.last_name not in body and org_a.name not in body and org_a.slug not in body
    assert receiver.received[0]["payload"]["data"]["id"] == case.pk


def test_workshop_published_and_registration_confirmed(
    receiver, staff_user, member_a, django_capture_on_commit_callbacks
):
    from compagnon.members.selectors import viewer_for
    from compagnon.workshops.models import Audience
    from compagnon.workshops.registration import registration_create
    from compagnon.workshops.services import workshop_publish
    from compagnon.workshops.tests.factories import WorkshopFactory

    workshop = WorkshopFactory(draft=True, audience=Audience.PUBLIC)
    with django_capture_on_commit_callbacks(execute=True):
        workshop_publish(workshop=workshop, by=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(workshop=workshop, viewer=viewer_for(member_a.user))
    assert _events(receiver) == ["workshop.published", "registration.confirmed"]
    assert receiver.received[1]["payload"]["data"]["id"] == registration.pk


def test_report_published(receiver, staff_user, member_a, django_capture_on_commit_callbacks):
    from compagnon.knowledge.tests.factories import make_report, make_workshop

    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(workshop=make_workshop(hosts=[member_a]), actor=staff_user)
    assert _events(receiver) == ["report.published"]
    assert receiver.received[0]["payload"]["data"]["id"] == report.pk


def test_submission_scored_carries_the_public_score_only(
    receiver, staff_user, member_a, django_capture_on_commit_callbacks
):
    from compagnon.challenges.models import RulesAcceptance
    from compagnon.challenges.services import solution_upload, submission_create
    from compagnon.challenges.tests.conftest import predictions, solution_bytes, upload
    from compagnon.challenges.tests.factories import ChallengeFactory

    challenge = ChallengeFactory()
    solution_upload(
        challenge=challenge, upload=upload(solution_bytes(), "solution.csv"), actor=staff_user
    )
    RulesAcceptance.objects.create(challenge=challenge, user=member_a.user)
    with django_capture_on_commit_callbacks(execute=True):
        submission_create(challenge=challenge, user=member_a.user, upload=upload(predictions(1.0)))
    assert _events(receiver) == ["submission.scored"]
    data = receiver.received[0]["payload"]["data"]
    assert data["public_score"] == pytest.approx(1.0) and "private_score" not in data


def test_member_joined_once_per_join(receiver, org_a, django_capture_on_commit_callbacks):
    from compagnon.members.services import person_join

    with django_capture_on_commit_callbacks(execute=True):
        person_join(email="lea@alpha.example", first_name="Léa", organisation=org_a)
    assert _events(receiver) == ["member.joined"]
    assert Delivery.objects.count() == 1
    assert timezone.now() >= Delivery.objects.get().delivered_at
