import datetime as dt

import pytest
from django.utils import timezone

from compagnon.cases.models import Case
from compagnon.engagements import services
from compagnon.members.tests.factories import PersonFactory

# A Wednesday: the engagement's weeks below are whole ISO weeks.
TODAY = dt.date(2026, 3, 18)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 18, 15, 0, tzinfo=dt.UTC), tick=False)
    return TODAY


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(service, **kwargs): run a service and what it left for after its commit."""

    def run(service, /, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def make_case(bringer, **fields):
    values = {
        "title": "Forecasts need a rebuild",
        "description": "Weekly forecasts drift.",
        "brought_by": bringer,
        "organisation": bringer.organisation,
        "status": "matched",
        "opened_at": timezone.now(),
        "format": "expert_help",
    }
    values.update(fields)
    return Case.objects.create(**values)


def make_engagement(staff_user, case, expert, *, today=TODAY, half_days_per_week=2, **fields):
    return services.engagement_create(
        actor=staff_user,
        case=case,
        expert=expert,
        scope=fields.pop("scope", "Rebuild the **forecasts**."),
        starts_on=fields.pop("starts_on", today - dt.timedelta(days=30)),
        ends_on=fields.pop("ends_on", today + dt.timedelta(days=30)),
        half_days_per_week=half_days_per_week,
        **fields,
    )


@pytest.fixture
def resident(db):
    return PersonFactory(
        organisation=None,
        membership_type="resident",
        email="rita@resident.example",
        first_name="Rita",
        last_name="Resident",
        with_account=True,
    )


@pytest.fixture
def engagement(today, staff_user, member_a, member_b):
    """member_a (A) asked; member_b (B) is the expert; one day a week."""
    return make_engagement(staff_user, make_case(member_a), member_b)
