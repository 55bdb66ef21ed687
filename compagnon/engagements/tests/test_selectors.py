"""Time given to the community: confirmed engagement days, workshops hosted, reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from compagnon.awards.models import Review
from compagnon.awards.tests.factories import ApplicationFactory, JurorFactory
from compagnon.engagements import services
from compagnon.engagements.selectors import (
    TimeGiven,
    time_given,
    time_given_by_organisation,
    time_given_for_people,
)
from compagnon.engagements.tests.conftest import TODAY, make_case, make_engagement
from compagnon.workshops.models import WorkshopStatus
from compagnon.workshops.tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


def test_only_confirmed_time_counts(engagement, member_a, member_b):
    confirmed = services.entry_log(
        engagement=engagement, person=member_b, worked_on=TODAY, half_days=2
    )
    services.entry_decide(entry=confirmed, person=member_a, confirm=True)
    disputed = services.entry_log(
        engagement=engagement, person=member_b, worked_on=TODAY - dt.timedelta(days=7), half_days=1
    )
    services.entry_decide(entry=disputed, person=member_a, confirm=False, reason="No")
    services.entry_log(
        engagement=engagement, person=member_b, worked_on=TODAY - dt.timedelta(days=14), half_days=1
    )
    given = time_given(member_b)
    assert given == TimeGiven(engagement_half_days=2, engagements=1)
    assert given.engagement_days == 1.0
    assert time_given(member_a).is_empty


def test_workshops_hosted_count_once_done(member_b):
    done = WorkshopFactory(status=WorkshopStatus.DONE)
    done.hosts.add(member_b)
    WorkshopFactory(status=WorkshopStatus.PUBLISHED).hosts.add(member_b)
    assert time_given(member_b).workshops_hosted == 1


def test_submitted_reviews_count(member_b):
    juror = JurorFactory(person=member_b)
    Review.objects.create(
        application=ApplicationFactory(category__edition=juror.edition),
        juror=juror,
        submitted_at=timezone.now(),
    )
    Review.objects.create(
        application=ApplicationFactory(category__edition=juror.edition), juror=juror
    )
    assert time_given(member_b).reviews == 1


def test_an_organisation_adds_up_its_people(today, staff_user, member_a, member_b, resident):
    first = make_engagement(staff_user, make_case(member_a), member_b)
    entry = services.entry_log(engagement=first, person=member_b, worked_on=TODAY, half_days=2)
    services.entry_decide(entry=entry, person=member_a, confirm=True)
    WorkshopFactory(status=WorkshopStatus.DONE).hosts.add(member_b)
    second = make_engagement(staff_user, make_case(member_a, title="Other"), resident)
    entry = services.entry_log(engagement=second, person=resident, worked_on=TODAY, half_days=1)
    services.entry_decide(entry=entry, person=member_a, confirm=True)
    by_b = time_given_by_organisation(member_b.organisation)
    assert (by_b.engagement_half_days, by_b.workshops_hosted) == (2, 1)
    assert time_given_by_organisation(member_a.organisation).is_empty
    everyone = time_given_for_people()
    assert everyone[resident.pk].engagement_half_days == 1


def test_time_given_for_many_people_is_four_queries(django_assert_num_queries, member_a, member_b):
    with django_assert_num_queries(4):
        time_given_for_people([member_a.pk, member_b.pk])
