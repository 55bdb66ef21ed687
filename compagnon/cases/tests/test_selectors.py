"""Who sees which case: the matrix of viewers and cases, and who sees who brought an anonymised case."""

from dataclasses import dataclass

import pytest
from django.http import Http404

from compagnon.cases.models import Case, CaseInvitation, CaseStatus, Confidentiality
from compagnon.cases.selectors import (
    case_display_organisation,
    case_display_person,
    case_for_viewer,
    cases_visible_to,
)
from compagnon.cases.tests.factories import CaseFactory
from compagnon.members.models import MembershipStatus, MembershipType
from compagnon.members.selectors import Viewer, viewer_for
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    viewers: dict[str, Viewer]
    cases: dict[str, Case]


@pytest.fixture
def world(org_a, org_b, member_a, manager_a, member_b, staff_user):
    org_c = OrganisationFactory(name="Gamma Bank")
    colleague_a = PersonFactory(organisation=org_a, with_account=True)
    member_c = PersonFactory(organisation=org_c, with_account=True)
    resident = PersonFactory(
        organisation=None, membership_type=MembershipType.RESIDENT, with_account=True
    )
    lapsed = PersonFactory(
        organisation=OrganisationFactory(status=MembershipStatus.LAPSED), with_account=True
    )
    invited_b = PersonFactory(organisation=org_b, with_account=True)

    def case(**kwargs):
        kwargs.setdefault("brought_by", member_a)
        return CaseFactory(**kwargs)

    cases = {
        "draft": case(),
        "submitted": case(status=CaseStatus.SUBMITTED),
        "open": case(opened=True),
        "matched": case(opened=True, status=CaseStatus.MATCHED),
        "closed_after_open": case(opened=True, status=CaseStatus.CLOSED),
        "withdrawn_draft": case(status=CaseStatus.CLOSED),
        "declined": case(status=CaseStatus.DECLINED),
        "anonymised": case(opened=True, confidentiality=Confidentiality.ANONYMISED),
        "named_b": case(
            opened=True, confidentiality=Confidentiality.NAMED_ORGANISATIONS, shared_with=[org_b]
        ),
        "named_c": case(
            opened=True, confidentiality=Confidentiality.NAMED_ORGANISATIONS, shared_with=[org_c]
        ),
        "excludes_b": case(opened=True, excluded_organisations=[org_b]),
        "colleague_draft": case(brought_by=colleague_a),
        "invited_named_c": case(
            opened=True, confidentiality=Confidentiality.NAMED_ORGANISATIONS, shared_with=[org_c]
        ),
    }
    CaseInvitation.objects.create(case=cases["invited_named_c"], person=invited_b)
    users = {
        "owner": member_a.user,
        "colleague_a": colleague_a.user,
        "manager_a": manager_a.user,
        "member_b": member_b.user,
        "invited_b": invited_b.user,
        "member_c": member_c.user,
        "resident": resident.user,
        "lapsed": lapsed.user,
        "guest": UserFactory(),
        "staff": staff_user,
    }
    return World(viewers={k: viewer_for(u) for k, u in users.items()}, cases=cases)


ALL = {
    "draft",
    "submitted",
    "open",
    "matched",
    "closed_after_open",
    "withdrawn_draft",
    "declined",
    "anonymised",
    "named_b",
    "named_c",
    "excludes_b",
    "colleague_draft",
    "invited_named_c",
}
PUBLISHED_FOR_ALL = {"open", "matched", "closed_after_open", "anonymised", "excludes_b"}
OWN = ALL - {"colleague_draft"}

EXPECTED = {
    "staff": ALL,
    # The owner sees every case they brought, in any status.
    "owner": OWN,
    # A colleague: the published cases (named ones of their organisation too), and their own draft.
    "colleague_a": PUBLISHED_FOR_ALL | {"named_b", "named_c", "invited_named_c", "colleague_draft"},
    # A manager sees all of the organisation's cases.
    "manager_a": ALL,
    "member_b": (PUBLISHED_FOR_ALL - {"excludes_b"}) | {"named_b"},
    # An invitation never widens the audience: B is not named on invited_named_c.
    "invited_b": (PUBLISHED_FOR_ALL - {"excludes_b"}) | {"named_b"},
    "member_c": PUBLISHED_FOR_ALL | {"named_c", "invited_named_c"},
    "resident": PUBLISHED_FOR_ALL,
    "lapsed": set(),
    "guest": set(),
}


@pytest.mark.parametrize("viewer_name", list(EXPECTED))
def test_visibility_matrix(world, viewer_name):
    viewer = world.viewers[viewer_name]
    names = {case.pk: name for name, case in world.cases.items()}
    visible = {names[pk] for pk in cases_visible_to(viewer).values_list("pk", flat=True)}
    assert visible == EXPECTED[viewer_name]
    for name, case in world.cases.items():
        if name in EXPECTED[viewer_name]:
            assert case_for_viewer(viewer, case.pk) == case
        else:
            with pytest.raises(Http404):
                case_for_viewer(viewer, case.pk)


def test_no_duplicates_from_many_shared_organisations(world, org_b):
    case = world.cases["named_b"]
    case.shared_with.add(OrganisationFactory(), OrganisationFactory())
    case.excluded_organisations.add(OrganisationFactory())
    rows = list(cases_visible_to(world.viewers["member_b"]).filter(pk=case.pk))
    assert rows == [case]


def test_anonymous_visitor_sees_nothing(world):
    assert not cases_visible_to(viewer_for(None)).exists()


@pytest.mark.parametrize(
    ("viewer_name", "shown"),
    [
        ("staff", True),
        ("owner", True),
        ("colleague_a", True),
        ("manager_a", True),
        ("member_b", False),
        ("resident", False),
    ],
)
def test_anonymised_hides_who_brought_it(world, org_a, member_a, viewer_name, shown):
    case = world.cases["anonymised"]
    viewer = world.viewers[viewer_name]
    assert case_display_organisation(case, viewer) == (org_a if shown else None)
    assert case_display_person(case, viewer) == (member_a if shown else None)


def test_a_plain_case_names_its_organisation(world, org_a):
    assert case_display_organisation(world.cases["open"], world.viewers["member_b"]) == org_a
