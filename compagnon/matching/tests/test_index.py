"""The matching index: who is in it, what it knows of them, and how it stays fresh."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.db.models import F
from django.utils import timezone

from compagnon.matching import index as index_module
from compagnon.matching.engine import CaseQuery, Ranker
from compagnon.matching.index import (
    PersonIndex,
    index_invalidate,
    matchable_q,
    people_load,
    person_is_matchable,
)
from compagnon.matching.tasks import matching_index_rebuild
from compagnon.matching.tests.club import build_club, person
from compagnon.members.models import MembershipStatus, MembershipType, Person, Tag
from compagnon.members.services import (
    people_import_apply,
    person_interest_add,
    person_skill_set,
    person_update_profile,
)
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(db):
    return build_club()


@pytest.fixture
def fresh():
    """An index of its own: what a second server process would hold."""
    return PersonIndex()


def _use(index: PersonIndex) -> None:
    with index.ranker():
        pass


def _causality_query() -> CaseQuery:
    return CaseQuery(text="causal inference for sales", tags={"causality"})


def _ranked_ids(index: PersonIndex, query: CaseQuery) -> list[int]:
    with index.ranker() as ranker:
        return [m.person_id for m in ranker.rank(query, k=50)]


# --- who is in -----------------------------------------------------------------------------


def test_only_current_members_are_indexed(club, fresh):
    _use(fresh)
    assert club.expert.pk in fresh
    assert club.owner.pk in fresh
    assert club.competitor.pk in fresh  # excluded per case, not from the index
    assert club.opted_out.pk in fresh  # "not before" is a per-query filter
    assert club.leaver.pk not in fresh
    assert club.lapsed.pk not in fresh


def test_staff_guests_and_residents(db, fresh):
    staff = PersonFactory(organisation=None, membership_type=MembershipType.STAFF)
    guest = PersonFactory(organisation=None, membership_type=MembershipType.GUEST)
    resident = PersonFactory(organisation=None, membership_type=MembershipType.RESIDENT)
    _use(fresh)
    assert staff.pk not in fresh
    assert guest.pk not in fresh
    assert resident.pk in fresh


def test_python_and_database_rules_agree(club):
    PersonFactory(organisation=None, membership_type=MembershipType.RESIDENT)
    PersonFactory(organisation=None, membership_type=MembershipType.STAFF)
    PersonFactory(organisation=None, membership_type=MembershipType.EMPLOYEE)
    in_database = set(Person.objects.filter(matchable_q()).values_list("pk", flat=True))
    in_python = {
        p.pk for p in Person.objects.select_related("organisation") if person_is_matchable(p)
    }
    assert in_database == in_python


def test_document_holds_both_languages_and_the_facts(club):
    resident = PersonFactory(
        organisation=None, membership_type=MembershipType.RESIDENT, languages=["fr", "en"]
    )
    docs = {item.doc.id: item for item in people_load(Person.objects.all())}
    expert = docs[club.expert.pk].doc
    assert "Causalité" in expert.text and "Causality" in expert.text
    assert "causal inference" in expert.text  # the bio
    assert expert.skills == {"causality": 4}
    assert set(expert.teaches) == {"causality"}
    assert expert.kind == "researcher"
    assert expert.organisation == club.beta.slug
    assert docs[club.learner.pk].doc.interests == {"causality"}
    assert docs[resident.pk].doc.organisation == f"resident:{resident.pk}"
    assert docs[resident.pk].doc.kind == "resident"
    assert docs[resident.pk].doc.languages == {"fr", "en"}
    assert docs[club.opted_out.pk].facts.do_not_invite_before is not None


def test_text_sources_add_to_the_document(club, fresh, monkeypatch):
    monkeypatch.setattr(index_module, "_TEXT_SOURCES", [])
    index_module.index_text_source_add(lambda ids: {club.expert.pk: "workshop report on uplift"})
    docs = {item.doc.id: item.doc for item in people_load(Person.objects.all())}
    assert "workshop report on uplift" in docs[club.expert.pk].text


# --- staying fresh ------------------------------------------------------------------------------


def test_a_profile_change_is_upserted_without_a_rebuild(club, fresh):
    _use(fresh)
    assert club.nlp_person.pk not in _ranked_ids(fresh, _causality_query())
    rebuilds = fresh.stats.rebuilds

    with mock.patch.object(Ranker, "upsert", autospec=True, side_effect=Ranker.upsert) as upsert:
        person_skill_set(
            person=club.nlp_person, tag=club.causality, level=4, can_teach=False, actor=None
        )
        ranked = _ranked_ids(fresh, _causality_query())

    assert club.nlp_person.pk in ranked
    assert fresh.stats.rebuilds == rebuilds
    (call,) = upsert.call_args_list
    assert [doc.id for doc in call.args[1]] == [club.nlp_person.pk]


def test_an_unchanged_club_costs_a_few_small_queries(club, fresh, django_assert_max_num_queries):
    _use(fresh)
    with django_assert_max_num_queries(3):
        _use(fresh)
    assert fresh.stats.rebuilds == 1


def test_an_interest_added_is_seen(club, fresh):
    _use(fresh)
    person_interest_add(person=club.colleague, tag=club.nlp, actor=None)
    with fresh.ranker() as ranker:
        assert ranker is not None
    assert fresh.stats.rebuilds == 1
    assert fresh.stats.upserts > 0


def test_leaving_the_organisation_removes_the_person(club, fresh):
    _use(fresh)
    Person.objects.filter(pk=club.expert.pk).update(
        left_organisation_on=date.today(), updated_at=timezone.now()
    )
    assert club.expert.pk not in _ranked_ids(fresh, _causality_query())
    assert club.expert.pk not in fresh
    assert fresh.stats.rebuilds == 1


def test_a_lapsed_organisation_removes_its_people_though_their_rows_did_not_change(club, fresh):
    _use(fresh)
    club.gamma.status = MembershipStatus.LAPSED
    club.gamma.save()
    _use(fresh)
    assert club.learner.pk not in fresh
    assert club.nlp_person.pk not in fresh
    assert fresh.stats.rebuilds == 1
    club.gamma.status = MembershipStatus.ACTIVE
    club.gamma.save()
    _use(fresh)
    assert club.learner.pk in fresh
    assert fresh.stats.rebuilds == 1


def test_a_new_person_is_added(club, fresh):
    _use(fresh)
    newcomer = person(club.gamma, "Nora")
    _use(fresh)
    assert newcomer.pk in fresh
    assert fresh.stats.rebuilds == 1


def test_a_row_committed_late_with_an_older_stamp_is_not_missed(club, fresh):
    _use(fresh)
    # Another transaction stamped this row a minute ago but committed only now.
    Person.objects.filter(pk=club.colleague.pk).update(
        job_title="Causal inference lead", updated_at=timezone.now() - timedelta(minutes=1)
    )
    _use(fresh)
    assert fresh.stats.rebuilds == 1
    assert fresh.stats.upserts >= 1


def test_a_taxonomy_change_rebuilds(club, fresh):
    _use(fresh)
    Tag.objects.filter(pk=club.causality.pk).update(synonyms="uplift, causal impact")
    _use(fresh)
    assert fresh.stats.rebuilds == 2


def test_many_changes_at_once_rebuild(db, fresh):
    organisation = OrganisationFactory()
    for _ in range(30):
        PersonFactory(organisation=organisation)
    _use(fresh)
    Person.objects.update(updated_at=F("updated_at") + timedelta(seconds=1))
    _use(fresh)
    assert fresh.stats.rebuilds == 2


def test_the_rebuild_task_reaches_every_process(club, fresh):
    other = PersonIndex()
    _use(fresh)
    _use(other)
    matching_index_rebuild.enqueue()  # immediate backend in tests
    _use(other)
    assert other.stats.rebuilds == 2
    index_invalidate()
    _use(fresh)
    assert fresh.stats.rebuilds >= 2


def test_the_import_bumps_people_whose_interests_it_adds(club, fresh):
    """members.importing writes with raw SQL: it must still stamp updated_at, or the index misses it."""
    TagFactory(slug="dataviz", label_en="Dataviz", label_fr="Visualisation de données")
    _use(fresh)
    before = Person.objects.get(pk=club.learner.pk).updated_at
    data = (
        f"Prénom,Nom,Email,Centres d'intérêt\nLucas,Test,{club.learner.email},Dataviz\n"
    ).encode()
    result = people_import_apply(data=data, filename="m.csv", imported_by=None)
    assert result.updated == 1, result
    assert Person.objects.get(pk=club.learner.pk).updated_at > before
    _use(fresh)
    assert fresh.stats.rebuilds == 1
    assert fresh.stats.upserts >= 1


def test_profile_update_is_seen(club, fresh):
    _use(fresh)
    person_update_profile(person=club.colleague, actor=None, bio="I do causal inference daily.")
    _use(fresh)
    assert fresh.stats.upserts >= 1
    assert fresh.stats.rebuilds == 1


def test_an_empty_club_ranks_nobody(db, fresh):
    with fresh.ranker() as ranker:
        assert ranker is None
    newcomer = PersonFactory()
    with fresh.ranker() as ranker:
        assert ranker is not None
    assert newcomer.pk in fresh
