"""Ranking through the database: people for a case, the invitation set, cases for a person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from compagnon.cases.models import CaseInvitation, CaseStatus
from compagnon.matching.selectors import (
    case_match_proposal,
    cases_ranked_for_person,
    invitation_load,
    invitation_set_for_case,
    people_ranked_for_case,
)
from compagnon.matching.services import matching_index_rebuild
from compagnon.matching.tests.club import build_club, invite, open_case, person
from compagnon.members.models import MembershipType
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(db):
    return build_club()


def _ids(ranked) -> list[int]:
    return [item.person.pk for item in ranked]


def test_a_causality_case_finds_the_causality_expert_of_another_organisation(club):
    ranked = people_ranked_for_case(club.case)
    assert ranked, "nobody ranked"
    assert ranked[0].person == club.expert
    assert ranked[0].reasons, "the ranking must say why"
    assert ranked[0].score > 0


def test_excluded_opted_out_former_and_lapsed_people_never_appear(club):
    everyone = _ids(people_ranked_for_case(club.case, k=100))
    for absent in (club.competitor, club.opted_out, club.leaver, club.lapsed):
        assert absent.pk not in everyone, absent.first_name


def test_the_owner_and_people_already_asked_are_not_ranked_again(club):
    invite(club.case, club.expert)
    everyone = _ids(people_ranked_for_case(club.case, k=100))
    assert club.owner.pk not in everyone
    assert club.expert.pk not in everyone


def test_the_invitation_set_caps_each_organisation(club, settings):
    settings.MATCHING_ORGANISATION_CAP = 2
    for index in range(4):
        expert = person(club.gamma, f"Gina{index}")
        SkillFactory(person=expert, tag=club.causality, level=4)
    chosen = invitation_set_for_case(club.case)
    assert chosen
    per_organisation: dict[int | None, int] = {}
    for item in chosen:
        per_organisation[item.person.organisation_id] = (
            per_organisation.get(item.person.organisation_id, 0) + 1
        )
    assert max(per_organisation.values()) <= 2
    assert len(chosen) <= settings.MATCHING_INVITATION_SET_SIZE


def test_people_without_an_account_are_ranked_and_proposed(club):
    # They answer from a signed link in the invitation email (cases.invitations).
    contact = person(club.gamma, "Carl", with_account=False)
    SkillFactory(person=contact, tag=club.causality, level=4)
    ranked = people_ranked_for_case(club.case, k=100)
    assert contact.pk in _ids(ranked)
    carl = next(r for r in ranked if r.person == contact)
    assert carl.can_be_invited
    assert not carl.has_account
    assert contact.pk in _ids(invitation_set_for_case(club.case))


def test_the_proposal_lists_the_set_the_ranking_and_who_is_asked(club):
    invite(club.case, club.learner, volunteered=True, answer="interested")
    proposal = case_match_proposal(club.case)
    assert club.expert.pk in proposal.proposed_ids
    assert proposal.proposed_ids <= set(_ids(proposal.ranked))
    assert [i.person for i in proposal.invited] == [club.learner]
    assert club.learner.pk not in _ids(proposal.ranked)


def test_load_counts_staff_invitations_of_the_last_30_days(club):
    old = invite(club.case, club.expert)
    CaseInvitation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    other = open_case(club.owner, title="Another")
    invite(other, club.expert)
    invite(other, club.learner, volunteered=True)
    assert invitation_load() == {club.expert.pk: 1}


def test_an_index_rebuild_keeps_the_same_answers(club):
    before = _ids(people_ranked_for_case(club.case))
    assert matching_index_rebuild() > 0
    assert _ids(people_ranked_for_case(club.case)) == before


# --- cases for a person -----------------------------------------------------------------------


def test_the_expert_is_offered_the_case(club):
    ranked = cases_ranked_for_person(club.expert)
    assert [item.case for item in ranked] == [club.case]
    assert ranked[0].reasons


def test_cases_for_you_leave_out_excluded_own_asked_and_closed_cases(club):
    assert cases_ranked_for_person(club.competitor) == []
    assert cases_ranked_for_person(club.owner) == []
    invite(club.case, club.learner, volunteered=True)
    assert cases_ranked_for_person(club.learner) == []
    closed = open_case(club.owner, title="Old causal case", tags=[club.causality])
    closed.status = CaseStatus.CLOSED
    closed.save()
    assert [item.case for item in cases_ranked_for_person(club.expert)] == [club.case]


def test_cases_for_you_need_a_current_member(club):
    staff = PersonFactory(organisation=None, membership_type=MembershipType.STAFF)
    assert cases_ranked_for_person(staff) == []
    assert cases_ranked_for_person(club.leaver) == []


def test_a_case_shared_with_named_organisations_is_offered_to_them_only(club):
    case = open_case(
        club.owner, title="Named causality", tags=[club.causality], confidentiality="named"
    )
    case.shared_with.set([club.gamma])
    outsider = person(OrganisationFactory(name="Outsider"), "Otto")
    SkillFactory(person=outsider, tag=club.causality, level=4)
    assert case not in [item.case for item in cases_ranked_for_person(outsider)]
    insider = person(club.gamma, "Ines")
    SkillFactory(person=insider, tag=club.causality, level=4)
    assert case in [item.case for item in cases_ranked_for_person(insider)]
