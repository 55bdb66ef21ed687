"""The retention analysis's rows, read from the database: people (Person since/until), their
imported past tenures (`PastTenure`) and the anonymous imported history (`TenureRecord`). See survival.py for the design (landmark, "took part")."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import numpy as np
from django.db.models import F, Q
from django.utils import timezone

from compagnon.insights.models import PastTenure, TenureRecord
from compagnon.insights.survival import TenureArrays, TenureStints
from compagnon.members.models import ERASED_EMAIL_DOMAIN, MembershipType, Person, RoleFamily

# The club opened in February 2020 (seed 002): nobody took part before.
CLUB_FOUNDED = dt.date(2020, 2, 1)
LANDMARK = dt.timedelta(days=365)
# "Data people": the roles the club's second question is about.
DATA_ROLES = (
    RoleFamily.DATA_SCIENTIST,
    RoleFamily.DATA_ENGINEER,
    RoleFamily.DATA_ANALYST,
    RoleFamily.ML_ENGINEER,
    RoleFamily.MANAGER,
)


def _participation_days(person_ids: list[int]) -> dict[int, list[dt.date]]:
    """The days each person took part: a workshop attended or hosted, a case brought."""
    from compagnon.cases.models import Case, CaseStatus
    from compagnon.workshops.models import Attendance, Registration, RegistrationStatus, Workshop

    days: dict[int, list[dt.date]] = defaultdict(list)
    registrations = (
        Registration.objects.filter(
            person_id__in=person_ids,
            status=RegistrationStatus.CONFIRMED,
            workshop__starts_at__isnull=False,
        )
        .exclude(attendance=Attendance.NO_SHOW)
        .values_list("person_id", "workshop__starts_at")
    )
    for person_id, starts_at in registrations:
        days[person_id].append(timezone.localdate(starts_at))
    hosted = Workshop.hosts.through.objects.filter(
        person_id__in=person_ids, workshop__starts_at__isnull=False
    ).values_list("person_id", "workshop__starts_at")
    for person_id, starts_at in hosted:
        days[person_id].append(timezone.localdate(starts_at))
    cases = (
        Case.objects.filter(brought_by_id__in=person_ids)
        .exclude(status=CaseStatus.DRAFT)
        .values_list("brought_by_id", "created_at")
    )
    for person_id, created_at in cases:
        days[person_id].append(timezone.localdate(created_at))
    return days


def tenure_rows(
    *, organisation_id: int | None = None, today: dt.date | None = None
) -> tuple[TenureArrays, dict[str, int]]:
    """The landmark design's arrays for the club (or one organisation), and what was left out."""
    arrays, _stints, skipped = tenure_data(organisation_id=organisation_id, today=today)
    return arrays, skipped


def _stints_read(organisation_id: int | None) -> list[tuple]:
    """(person, organisation, organisation's member_since, role, joined, left) for every tenure
    known with its person: the profiles' since/until and the imported past tenures."""
    people = Person.objects.filter(
        membership_type=MembershipType.EMPLOYEE,
        organisation__isnull=False,
        role_family__in=DATA_ROLES,
    ).exclude(
        # An erasure closes the tenure on the day of the erasure: that is not leaving.
        email__endswith="@" + ERASED_EMAIL_DOMAIN
    )
    past = PastTenure.objects.filter(role_family__in=DATA_ROLES).exclude(
        person__email__endswith="@" + ERASED_EMAIL_DOMAIN
    )
    if organisation_id is not None:
        people = people.filter(organisation_id=organisation_id)
        past = past.filter(organisation_id=organisation_id)
    rows = list(
        people.values_list(
            "pk",
            "organisation_id",
            "organisation__member_since",
            "role_family",
            "joined_organisation_on",
            "left_organisation_on",
        )
    )
    rows += past.values_list(
        "person_id",
        "organisation_id",
        "organisation__member_since",
        "role_family",
        "started_on",
        "ended_on",
    )
    return rows


def tenure_data(
    *, organisation_id: int | None = None, today: dt.date | None = None
) -> tuple[TenureArrays, TenureStints, dict[str, int]]:
    """Both designs' rows for the club (or one organisation), from the same reads:
    - the landmark design's arrays (took part during the first year, followed from a year on);
    - the time-varying design's stints (followed from the start, took part from the first day
      they did), which also keeps the people who left during their first year;
    and what was left out of the landmark design, and why."""
    today = today or timezone.localdate()
    skipped = {"no_start_date": 0, "left_before_landmark": 0, "too_recent": 0}
    kept: list[tuple] = []
    for pk, org_id, member_since, role, joined, left in _stints_read(organisation_id):
        if joined is None:
            skipped["no_start_date"] += 1
            continue
        start = max(joined, member_since or CLUB_FOUNDED, CLUB_FOUNDED)
        end = min(left or today, today)
        if end <= start:  # gone before the club (or the organisation's membership) began
            skipped["left_before_landmark"] += 1
            continue
        kept.append((pk, org_id, role, joined, left, start, end))
    days = _participation_days(sorted({row[0] for row in kept}))
    duration, left_flags, took, roles, seniority, organisations = [], [], [], [], [], []
    stints: dict[str, list] = defaultdict(list)
    for pk, org_id, role, joined, left, start, end in kept:
        during = sorted(day for day in days.get(pk, ()) if joined <= day < end)
        first = during[0] if during else None
        stints["entry"].append(0.0)
        stints["exit"].append((end - start).days / 365.25)
        stints["left"].append(int(left is not None and left <= today))
        stints["switch"].append(max(0.0, (first - start).days / 365.25) if first else math.nan)
        stints["role"].append(role)
        stints["seniority"].append((start - joined).days / 365.25)
        stints["organisation"].append(org_id)
        landmark = start + LANDMARK
        if landmark > today:
            skipped["too_recent"] += 1
            continue
        if left is not None and left <= landmark:
            skipped["left_before_landmark"] += 1
            continue
        duration.append(((left or today) - landmark).days / 365.25)
        left_flags.append(int(left is not None))
        took.append(int(any(start <= day < landmark for day in during)))
        roles.append(role)
        seniority.append((landmark - joined).days / 365.25)
        organisations.append(org_id)
    records = TenureRecord.objects.all()
    if organisation_id is not None:
        records = records.filter(organisation_id=organisation_id)
    for org_id, role, years, took_part, landmark, left in records.filter(
        Q(left_on__isnull=True) | Q(left_on__gt=F("landmark_on"))
    ).values_list(
        "organisation_id", "role_family", "seniority_years", "took_part", "landmark_on", "left_on"
    ):
        if landmark > today:
            continue
        followed = ((left or today) - landmark).days / 365.25
        duration.append(followed)
        left_flags.append(int(left is not None))
        took.append(int(took_part))
        roles.append(role)
        seniority.append(years)
        organisations.append(org_id)
        # A record is known from its landmark, a year into its observed time: it enters the
        # time-varying design then (delayed entry). Its first year's participation is all it
        # holds: taking part from the start, or (as far as is known) never.
        stints["entry"].append(1.0)
        stints["exit"].append(1.0 + followed)
        stints["left"].append(int(left is not None))
        stints["switch"].append(0.0 if took_part else math.nan)
        stints["role"].append(role)
        stints["seniority"].append(max(0.0, years - 1.0))
        stints["organisation"].append(org_id)
    arrays = TenureArrays(
        duration=np.array(duration, dtype=float),
        left=np.array(left_flags, dtype=int),
        took_part=np.array(took, dtype=int),
        role=np.array(roles, dtype=object),
        seniority=np.array(seniority, dtype=float),
        organisation=np.array(organisations, dtype=int),
    )
    time_varying = TenureStints(
        entry=np.array(stints["entry"], dtype=float),
        exit=np.array(stints["exit"], dtype=float),
        left=np.array(stints["left"], dtype=int),
        switch=np.array(stints["switch"], dtype=float),
        role=np.array(stints["role"], dtype=object),
        seniority=np.array(stints["seniority"], dtype=float),
        organisation=np.array(stints["organisation"], dtype=int),
    )
    return arrays, time_varying, skipped
