"""The demo's insights data: a synthetic retention history with a planted effect
(site/demo/tenure.py) and a short skills history for the demo people. Idempotent."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from compagnon.insights.models import TenureRecord
from compagnon.members.models import Organisation, Skill, SkillLevelChange, SkillSource
from compagnon.site.demo.data import ORGANISATIONS
from compagnon.site.demo.tenure import tenure_history

# Past data people per current one: a few years of comings and goings at each organisation.
HISTORY_SCALE = 6


def demo_insights_load(*, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    created = 0
    with transaction.atomic():
        if not TenureRecord.objects.filter(is_demo=True).exists():
            organisations = {
                o.slug: o
                for o in Organisation.objects.filter(
                    is_demo=True, slug__in=[s.slug for s in ORGANISATIONS]
                )
            }
            sizes = [
                (spec.slug, spec.size * HISTORY_SCALE)
                for spec in ORGANISATIONS
                if spec.slug in organisations
            ]
            records = [
                TenureRecord(
                    organisation=organisations[spec.organisation],
                    role_family=spec.role_family,
                    seniority_years=spec.seniority_years,
                    took_part=spec.took_part,
                    landmark_on=spec.landmark_on,
                    left_on=spec.left_on,
                    source="demo",
                    is_demo=True,
                )
                for spec in tenure_history(sizes, today=today)
            ]
            TenureRecord.objects.bulk_create(records, batch_size=500)
            created += len(records)
        created += _skill_history(today)
        created += _quotable_feedback()
        created += _past_tenure(today)
    return created


def _quotable_feedback() -> int:
    """About half the demo's "what I learned" answers ticked as quotable: the organisations'
    pages and reports then show a few, and the other half show that consent is honoured."""
    from compagnon.workshops.models import Feedback

    if Feedback.objects.filter(registration__person__is_demo=True, learned_quotable=True).exists():
        return 0
    ids = list(
        Feedback.objects.filter(registration__person__is_demo=True)
        .exclude(learned="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return Feedback.objects.filter(pk__in=ids[::2]).update(learned_quotable=True)


def _past_tenure(today: dt.date) -> int:
    """One applied import of past tenure: a few demo people's earlier stretch at another demo
    organisation, ending before they joined their current one."""
    from compagnon.insights.models import PastTenure, TenureImport, TenureImportStatus
    from compagnon.insights.retention import DATA_ROLES
    from compagnon.members.models import Person

    if TenureImport.objects.filter(filename="historique-avant-2020.csv").exists():
        return 0
    organisations = list(Organisation.objects.filter(is_demo=True).order_by("pk"))
    people = list(
        Person.objects.filter(
            is_demo=True,
            organisation__isnull=False,
            role_family__in=DATA_ROLES,
            joined_organisation_on__isnull=False,
        ).order_by("pk")[:8]
    )
    if len(organisations) < 2 or not people:
        return 0
    lines = ["email,organisation,started_on,ended_on,role"]
    rows = []
    for index, person in enumerate(people):
        elsewhere = next(
            o
            for o in organisations[index % len(organisations) :] + organisations
            if o.pk != person.organisation_id
        )
        ended = person.joined_organisation_on - dt.timedelta(days=60 + 30 * index)
        started = ended - dt.timedelta(days=400 + 90 * index)
        lines.append(f"{person.email},{elsewhere.slug},{started},{ended},{person.role_family}")
        rows.append((person, elsewhere, started, ended))
    tenure_import = TenureImport.objects.create(
        filename="historique-avant-2020.csv",
        content="\n".join(lines) + "\n",
        status=TenureImportStatus.APPLIED,
        applied_at=timezone.now(),
        rows_created=len(rows),
    )
    PastTenure.objects.bulk_create(
        PastTenure(
            person=person,
            organisation=organisation,
            role_family=person.role_family,
            started_on=started,
            ended_on=ended,
            tenure_import=tenure_import,
        )
        for person, organisation, started, ended in rows
    )
    return len(rows)


def _skill_history(today: dt.date) -> int:
    """For demo skills without history: a first point about two years ago, a level or two lower
    for some, higher for a few (then the level of today, from a profile edit or feedback)."""
    rng = random.Random(17)
    now = timezone.now()
    have = set(
        SkillLevelChange.objects.filter(person__is_demo=True).values_list("person_id", "tag_id")
    )
    rows = []
    for person_id, tag_id, level in (
        Skill.objects.filter(person__is_demo=True)
        .order_by("pk")
        .values_list("person_id", "tag_id", "level")
    ):
        if (person_id, tag_id) in have:
            continue
        start = now - dt.timedelta(days=rng.randint(400, 900))
        roll = rng.random()
        if level >= 2 and roll < 0.45:
            first = max(1, level - rng.choice((1, 1, 1, 2)))  # grew by a level or two
        elif level <= 3 and roll > 0.95:
            first = level + 1  # revised down on reflection: it happens
        else:
            first = level
        grew = first != level
        rows.append(
            SkillLevelChange(
                person_id=person_id,
                tag_id=tag_id,
                previous_level=None,
                level=first,
                source=SkillSource.DEMO,
                changed_at=start,
            )
        )
        if grew:
            rows.append(
                SkillLevelChange(
                    person_id=person_id,
                    tag_id=tag_id,
                    previous_level=first,
                    level=level,
                    source=rng.choice([SkillSource.PROFILE, SkillSource.FEEDBACK]),
                    changed_at=start + dt.timedelta(days=rng.randint(60, 380)),
                )
            )
    SkillLevelChange.objects.bulk_create(rows, batch_size=500)
    return len(rows)
