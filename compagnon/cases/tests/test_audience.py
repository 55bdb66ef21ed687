"""A case's audience ("named organisations only", excluded organisations) holds everywhere.

Ranking, the proposed invitation set, sending invitations, raising a hand and
"cases for you" keep to it, and an invitation never lets someone outside it
read the case.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from compagnon.cases.invitations import case_hand_raise, case_invitations_send
from compagnon.cases.models import CaseInvitation
from compagnon.cases.selectors import case_audience_includes, case_for_viewer, cases_visible_to
from compagnon.matching.selectors import (
    case_match_proposal,
    cases_joinable_for,
    cases_ranked_for_person,
    invitation_set_for_case,
    people_ranked_for_case,
)
from compagnon.matching.tests.club import build_club, invite, open_case, person
from compagnon.members.models import MembershipType
from compagnon.members.selectors import Viewer, viewer_for
from compagnon.members.tests.factories import PersonFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(db):
    return build_club()


@pytest.fixture
def named(club):
    """Alpha's causality case, shared with Gamma only: Beta's expert is outside it."""
    case = open_case(
        club.owner,
        title="Named causality",
        tags=[club.causality, club.forecasting],
        excluded=[club.zeta],
        confidentiality="named",
    )
    case.shared_with.set([club.gamma])
    # An insider who fits the case: Gamma's causality expert.
    insider = person(club.gamma, "Greta")
    SkillFactory(person=insider, tag=club.causality, level=4)
    case.insider = insider
    return case


def _audience_ids(club) -> set[int]:
    return {club.alpha.pk, club.gamma.pk}


def test_the_ranking_and_the_proposed_set_keep_to_the_named_organisations(club, named):
    ranked = people_ranked_for_case(named, k=100)
    assert named.insider in [item.person for item in ranked]
    assert {item.person.organisation_id for item in ranked} <= _audience_ids(club)
    assert club.expert not in [item.person for item in ranked]

    proposed = invitation_set_for_case(named)
    assert {item.person.organisation_id for item in proposed} <= _audience_ids(club)

    proposal = case_match_proposal(named)
    assert {item.person.organisation_id for item in proposal.ranked} <= _audience_ids(club)
    assert club.expert.pk not in proposal.proposed_ids


def test_a_person_without_organisation_is_outside_a_named_case(club, named):
    freelancer = PersonFactory(
        organisation=None, membership_type=MembershipType.RESIDENT, with_account=True
    )
    SkillFactory(person=freelancer, tag=club.causality, level=4)
    assert not case_audience_includes(named, freelancer)
    assert freelancer not in [item.person for item in people_ranked_for_case(named, k=100)]


def test_inviting_someone_outside_the_audience_is_refused_and_writes_nothing(
    club, named, staff_user
):
    with pytest.raises(ValidationError) as refused:
        case_invitations_send(
            case=named, people=[club.expert, named.insider], invited_by=staff_user
        )
    assert "is not among the organisations this case is shared with" in str(refused.value)
    assert not CaseInvitation.objects.filter(case=named).exists()


def test_someone_outside_the_audience_cannot_raise_a_hand(club, named):
    with pytest.raises(ValidationError) as refused:
        case_hand_raise(case=named, person=club.expert)
    assert refused.value.code == "audience"
    assert not CaseInvitation.objects.filter(case=named).exists()
    # Inside the audience, it works.
    assert case_hand_raise(case=named, person=named.insider).volunteered


def test_an_invitation_never_widens_the_audience(club, named, client_of):
    """An invitation written before the rule (or by the admin) does not open the case."""
    invitation = invite(named, club.expert)
    viewer = viewer_for(club.expert.user)
    assert named not in cases_visible_to(viewer)
    with pytest.raises(Http404):
        case_for_viewer(viewer, named.pk)
    client = client_of(club.expert)
    assert client.get(named.get_absolute_url()).status_code == 404
    answer = reverse("case_invitations:invitation_answer", args=[invitation.pk])
    assert client.get(answer).status_code == 404


def test_an_invitation_to_an_excluded_organisation_does_not_open_the_case(club, named):
    invite(named, club.competitor)
    with pytest.raises(Http404):
        case_for_viewer(viewer_for(club.competitor.user), named.pk)


def test_an_invitation_inside_the_audience_still_shows_a_declined_case(club, named, staff_user):
    invite(named, named.insider)
    named.status = "declined"
    named.save(update_fields=["status"])
    assert case_for_viewer(viewer_for(named.insider.user), named.pk) == named


def test_cases_for_you_keep_to_the_persons_audience_whoever_asks(club, named, staff_user):
    staff = Viewer(is_authenticated=True, is_staff=True, user=staff_user)
    assert named not in cases_joinable_for(staff, club.expert)
    assert named not in [item.case for item in cases_ranked_for_person(club.expert, viewer=staff)]
    assert named in cases_joinable_for(staff, named.insider)


def test_the_match_page_refuses_an_outsider_posted_by_hand(club, named, client_of, staff_user):
    response = client_of(staff_user).post(
        reverse("case_invitations:case_match", args=[named.pk]), {"people": [club.expert.pk]}
    )
    assert response.status_code == 200
    assert "is not among the organisations this case is shared with" in response.content.decode()
    assert club.expert.pk not in {item.person.pk for item in response.context["proposal"].ranked}
    assert not CaseInvitation.objects.filter(case=named).exists()
