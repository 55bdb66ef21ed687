"""The skills history: every path that changes a profile level writes one row, with its source."""

from __future__ import annotations

import csv
import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from compagnon.members import services
from compagnon.members.models import Skill, SkillLevelChange, SkillSource, Tag
from compagnon.members.tests.factories import PersonFactory, SkillFactory, TagFactory

pytestmark = pytest.mark.django_db


def _history(person):
    return list(
        SkillLevelChange.objects.filter(person=person)
        .order_by("pk")
        .values_list("tag__slug", "previous_level", "level", "source")
    )


def test_a_profile_edit_records_each_change_once(member_a):
    tag = TagFactory(slug="causal")
    services.person_skill_set(
        person=member_a, tag=tag, level=2, can_teach=False, actor=member_a.user
    )
    services.person_skill_set(
        person=member_a, tag=tag, level=2, can_teach=True, actor=member_a.user
    )
    services.person_skill_set(
        person=member_a, tag=tag, level=3, can_teach=True, actor=member_a.user
    )
    services.person_skill_remove(person=member_a, tag=tag, actor=member_a.user)

    assert _history(member_a) == [
        ("causal", None, 2, "profile"),
        ("causal", 2, 3, "profile"),  # "can teach" alone is not a level change
        ("causal", 3, None, "profile"),
    ]
    assert SkillLevelChange.objects.filter(person=member_a).first().changed_by == member_a.user


def test_a_refused_level_writes_no_history(member_a):
    tag = TagFactory(slug="causal")
    with pytest.raises(Exception):  # noqa: B017 — full_clean's ValidationError
        services.person_skill_set(person=member_a, tag=tag, level=9, can_teach=False, actor=None)
    assert not SkillLevelChange.objects.exists()
    assert not Skill.objects.exists()


def test_learned_levels_only_raise(member_a):
    raised, kept, new = TagFactory(slug="a"), TagFactory(slug="b"), TagFactory(slug="c")
    SkillFactory(person=member_a, tag=raised, level=2)
    SkillFactory(person=member_a, tag=kept, level=4)

    changed = services.person_skills_learned(
        person=member_a,
        levels={raised.pk: 3, kept.pk: 2, new.pk: 1},
        actor=None,
        source=SkillSource.FEEDBACK,
    )

    assert {skill.tag.slug for skill in changed} == {"a", "c"}
    assert Skill.objects.get(person=member_a, tag=kept).level == 4
    assert sorted(_history(member_a)) == [("a", 2, 3, "feedback"), ("c", None, 1, "feedback")]


def test_i_learned_feedback_raises_the_profile(member_a, manager_a):
    from compagnon.members.tests.factories import BaseFactory
    from compagnon.workshops.feedback import feedback_submit
    from compagnon.workshops.models import Attendance
    from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

    start = timezone.now() - dt.timedelta(days=2)
    workshop = WorkshopFactory(
        base=BaseFactory(),
        hosts=[manager_a],
        tags=[TagFactory(slug="causal")],
        sessions=[(start, start + dt.timedelta(hours=4))],
    )
    RegistrationFactory(workshop=workshop, person=member_a, attendance=Attendance.PRESENT)
    causal = workshop.tags.get()

    feedback_submit(workshop=workshop, person=member_a, rating=5, levels={causal.pk: (1, 3)})

    assert Skill.objects.get(person=member_a, tag=causal).level == 3
    assert _history(member_a) == [("causal", None, 3, "feedback")]


def test_the_import_starts_the_history_of_the_skills_it_adds(tmp_path):
    path = tmp_path / "members.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Prénom", "Nom", "Email", "Organisation", "Tags"])
        writer.writerow(["Ada", "Martin", "ada@alpha.example", "Alpha Corp", "Time Series, ML"])
    services.people_import_apply(data=path.read_bytes(), filename="members.csv", imported_by=None)
    services.people_import_apply(data=path.read_bytes(), filename="members.csv", imported_by=None)

    rows = list(SkillLevelChange.objects.values_list("source", "previous_level", "level"))
    assert len(rows) == Skill.objects.count() == 2  # the second import added nothing
    assert set(rows) == {("import", None, 2)}


def test_the_admin_inline_goes_through_the_service(client_of, staff_user, member_a):
    forecasting = Tag.objects.get(slug="forecasting")
    skill = SkillFactory(person=member_a, tag=forecasting, level=2)
    client = client_of(staff_user)
    change = client.get(reverse("admin:members_person_change", args=[member_a.pk]))
    form = change.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("languages", "user", "base")
    }
    data.update(
        {
            "organisation": member_a.organisation_id,
            "languages": [],
            "directory_visibility": "club",
            "skills-TOTAL_FORMS": "1",
            "skills-INITIAL_FORMS": "1",
            "skills-0-id": skill.pk,
            "skills-0-person": member_a.pk,
            "skills-0-tag": forecasting.pk,
            "skills-0-level": "4",
            "interests-TOTAL_FORMS": "0",
            "interests-INITIAL_FORMS": "0",
        }
    )
    data = {key: value for key, value in data.items() if value != ""}

    response = client.post(reverse("admin:members_person_change", args=[member_a.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Skill.objects.get(pk=skill.pk).level == 4
    assert _history(member_a) == [("forecasting", 2, 4, "admin")]
    assert SkillLevelChange.objects.get().changed_by == staff_user


def test_the_migration_seeds_todays_levels_once():
    person = PersonFactory()
    SkillFactory(person=person, tag=TagFactory(slug="a"), level=3)
    SkillFactory(person=person, tag=TagFactory(slug="b"), level=1)
    seed = importlib.import_module("compagnon.members.migrations.0010_seed_skill_history").seed

    seed(django_apps, None)
    seed(django_apps, None)

    assert sorted(_history(person)) == [("a", None, 3, "initial"), ("b", None, 1, "initial")]
