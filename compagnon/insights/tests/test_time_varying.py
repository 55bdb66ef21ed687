"""Participation as a time-varying covariate: a person counts as having taken part from the day
they first did. The planted effect is recovered; the long format is built from the dates."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from django.utils import timezone

from compagnon.insights.survival import TenureStints, cox_time_varying, spells_long
from compagnon.insights.synthetic import time_varying_history
from compagnon.site.demo.tenure import PLANTED_HAZARD_RATIO

PLANTED = math.log(PLANTED_HAZARD_RATIO)


@pytest.fixture(scope="module")
def history():
    return time_varying_history([40] * 30)


def test_the_time_varying_model_recovers_the_planted_effect(history):
    result = cox_time_varying(history)

    assert result["log_low"] <= PLANTED <= result["log_high"]
    assert result["high"] < 1
    assert result["adjusted_for"] == ["role", "seniority", "organisation"]
    assert result["n"] == len(history)


def test_counting_people_as_participants_from_the_start_would_flatter_the_club(history):
    """Immortal time: "ever took part" credits the wait before taking part to the club."""
    import pandas as pd
    from lifelines import CoxPHFitter

    frame = pd.DataFrame(
        {
            "duration": history.exit,
            "left": history.left,
            "ever": (~np.isnan(history.switch)).astype(int),
        }
    )
    naive = math.exp(CoxPHFitter().fit(frame, "duration", "left").params_["ever"])
    assert naive < cox_time_varying(history)["low"]


def test_the_long_format_splits_at_the_first_participation():
    stints = TenureStints(
        entry=np.array([0.0, 0.0, 0.0, 1.0]),
        exit=np.array([3.0, 2.0, 4.0, 2.5]),
        left=np.array([1, 0, 1, 0]),
        switch=np.array([1.0, math.nan, 0.0, 0.0]),
        role=np.array(["data_scientist"] * 4, dtype=object),
        seniority=np.array([1.0, 2.0, 3.0, 4.0]),
        organisation=np.array([1, 1, 2, 2]),
    )
    long = spells_long(stints)
    rows = [tuple(r) for r in long[["id", "start", "stop", "left", "took_part"]].to_numpy()]

    assert rows == [
        (0, 0.0, 1.0, 0, 0),  # not yet...
        (0, 1.0, 3.0, 1, 1),  # ...then took part, and left
        (1, 0.0, 2.0, 0, 0),  # never
        (2, 0.0, 4.0, 1, 1),  # from the start
        (3, 1.0, 2.5, 0, 1),  # a record known from its landmark (delayed entry)
    ]


def test_too_few_people_give_no_time_varying_model():
    assert cox_time_varying(time_varying_history([6])) is None


@pytest.mark.django_db
def test_the_stints_come_from_the_participation_dates(org_a, org_b):
    from compagnon.insights.models import PastTenure, TenureImport
    from compagnon.insights.retention import tenure_data
    from compagnon.members.models import MembershipType, RoleFamily
    from compagnon.members.tests.factories import BaseFactory, PersonFactory
    from compagnon.workshops.models import Attendance
    from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

    type(org_a).objects.filter(pk__in=[org_a.pk, org_b.pk]).update(member_since=dt.date(2020, 2, 1))
    person = PersonFactory(
        organisation=org_a,
        role_family=RoleFamily.DATA_ENGINEER,
        membership_type=MembershipType.EMPLOYEE,
        joined_organisation_on=dt.date(2021, 1, 1),
        left_organisation_on=dt.date(2024, 1, 1),
    )
    at = timezone.make_aware(dt.datetime(2022, 1, 1, 10))
    workshop = WorkshopFactory(base=BaseFactory(), sessions=[(at, at + dt.timedelta(hours=3))])
    RegistrationFactory(workshop=workshop, person=person, attendance=Attendance.PRESENT)
    # An earlier stretch at organisation B, imported: the same person's records count there.
    earlier = timezone.make_aware(dt.datetime(2020, 6, 1, 10))
    workshop_b = WorkshopFactory(
        base=BaseFactory(), sessions=[(earlier, earlier + dt.timedelta(hours=3))]
    )
    RegistrationFactory(workshop=workshop_b, person=person, attendance=Attendance.PRESENT)
    PastTenure.objects.create(
        person=person,
        organisation=org_b,
        role_family=RoleFamily.DATA_ANALYST,
        started_on=dt.date(2020, 3, 1),
        ended_on=dt.date(2020, 12, 1),
        tenure_import=TenureImport.objects.create(filename="x.csv", content=""),
    )

    _arrays, stints, _skipped = tenure_data(organisation_id=org_a.pk, today=dt.date(2025, 1, 1))
    assert len(stints) == 1
    assert stints.exit[0] == pytest.approx(3.0, abs=0.01)
    assert stints.switch[0] == pytest.approx(1.0, abs=0.01)
    assert stints.left[0] == 1

    arrays, stints, skipped = tenure_data(organisation_id=org_b.pk, today=dt.date(2025, 1, 1))
    assert list(stints.role) == [RoleFamily.DATA_ANALYST]
    assert stints.switch[0] == pytest.approx(0.25, abs=0.01)  # June, from a start in March
    assert len(arrays) == 0 and skipped["left_before_landmark"] == 1  # gone within a year
