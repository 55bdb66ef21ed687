"""Engagements for the persona walk (made once per world).

- `plain`: on an open case member_a of organisation A brought; member_b (B) is the expert;
- `anonymised`: on an anonymised case colleague_a (A) brought; member_b is the expert and
  A did not agree to be named to them; member_a (A, not the bringer, not a manager) is
  outside it.
"""

from __future__ import annotations

import datetime as dt


def _engagement(world, case):
    from django.utils import timezone

    from compagnon.engagements.services import engagement_create

    today = timezone.localdate()
    return engagement_create(
        actor=world.staff_user,
        case=case,
        expert=world.member_b,
        scope="Help the team **rebuild** the forecasts.",
        starts_on=today - dt.timedelta(days=28),
        ends_on=today + dt.timedelta(days=28),
        half_days_per_week=2,
        confidentiality_terms="Data stays on A's machines.",
    )


def engagements_world(world):
    if hasattr(world, "engagements"):
        return world.engagements
    from types import SimpleNamespace

    from django.utils import timezone

    from compagnon.cases.models import Case
    from compagnon.engagements.services import entry_log

    plain_case = Case.objects.create(
        title="Forecasts need a rebuild",
        description="Weekly forecasts drift.",
        brought_by=world.member_a,
        organisation=world.org_a,
        status="matched",
        opened_at=timezone.now(),
    )
    plain = _engagement(world, plain_case)
    entry = entry_log(
        engagement=plain, person=world.member_b, worked_on=timezone.localdate(), half_days=1
    )
    hidden_case = Case.objects.create(
        title="Churn is up",
        description="Subscribers leave.",
        brought_by=world.colleague_a,
        organisation=world.org_a,
        status="matched",
        opened_at=timezone.now(),
        confidentiality="anonymised",
    )
    anonymised = _engagement(world, hidden_case)
    world.engagements = SimpleNamespace(plain=plain, entry=entry, anonymised=anonymised)
    return world.engagements
