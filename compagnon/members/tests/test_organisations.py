"""Organisation list, public page, private page and its people export."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from compagnon.members.models import OrganisationKind, Visibility
from compagnon.members.tests.factories import (
    BaseFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

ORGANISATIONS = reverse("members:organisation_list")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def detail_url(org) -> str:
    return reverse("members:organisation_detail", args=[org.slug])


def manage_url(org) -> str:
    return reverse("members:organisation_manage", args=[org.slug])


def export_url(org) -> str:
    return reverse("members:organisation_people_export", args=[org.slug])


def names(response, key: str = "organisations") -> set[str]:
    return {item.name for item in response.context[key]}


# --- list -----------------------------------------------------------------------


def test_list_counts_only_people_the_viewer_can_see(client_of, member_a, member_b, org_a, org_b):
    PersonFactory(organisation=org_a, directory_visibility=Visibility.ORGANISATION)
    PersonFactory(organisation=org_a, directory_visibility=Visibility.HIDDEN)
    PersonFactory(organisation=org_a, left_organisation_on=date(2024, 1, 1))
    response = client_of(member_b).get(ORGANISATIONS)
    counts = {org.name: org.people_count for org in response.context["organisations"]}
    assert counts == {"Alpha Corp": 1, "Beta Lab": 1}
    own = client_of(member_a).get(ORGANISATIONS)
    assert {org.name: org.people_count for org in own.context["organisations"]}["Alpha Corp"] == 2


def test_list_filters_by_kind_base_and_name(client_of, member_a, org_a, org_b):
    lyon = BaseFactory(name="Lyon", city="Lyon")
    OrganisationFactory(name="Gamma Lab", kind=OrganisationKind.RESEARCH_LAB, home_base=lyon)
    client = client_of(member_a)
    assert names(client.get(ORGANISATIONS, {"kind": OrganisationKind.RESEARCH_LAB})) == {
        "Gamma Lab"
    }
    assert names(client.get(ORGANISATIONS, {"base": "lyon"})) == {"Gamma Lab"}
    assert names(client.get(ORGANISATIONS, {"q": "lab"})) == {"Gamma Lab", "Beta Lab"}


def test_list_is_paginated_and_keeps_filters(client_of, member_a, settings):
    settings.DIRECTORY_PAGE_SIZE = 2
    for index in range(3):
        OrganisationFactory(name=f"Lab {index}")
    response = client_of(member_a).get(ORGANISATIONS, {"q": "lab"})
    assert response.context["page_obj"].paginator.num_pages == 2
    assert "?q=lab&amp;page=2" in response.content.decode()


def test_list_htmx_partial(client_of, member_a):
    response = client_of(member_a).get(ORGANISATIONS, headers={"HX-Request": "true"})
    assert b"<html" not in response.content
    assert b'data-testid="organisation-card"' in response.content


def test_list_is_for_members(client, db):
    assert client.get(ORGANISATIONS).status_code == 302
    client.force_login(UserFactory())
    assert client.get(ORGANISATIONS).status_code == 403


# --- public page ----------------------------------------------------------------------


def test_public_page_lists_visible_people_only(client_of, member_a, member_b, org_a):
    PersonFactory(
        organisation=org_a,
        first_name="Olga",
        last_name="Org",
        directory_visibility=Visibility.ORGANISATION,
    )
    PersonFactory(
        organisation=org_a,
        first_name="Hugo",
        last_name="Hidden",
        directory_visibility=Visibility.HIDDEN,
    )
    response = client_of(member_b).get(detail_url(org_a))
    assert response.status_code == 200
    shown = {p.full_name for p in response.context["people"]}
    assert shown == {"Ada Martin"}
    assert b"Olga" not in response.content and b"Hugo" not in response.content
    assert b'data-testid="organisation-manage-link"' not in response.content


def test_public_page_caps_people_and_links_to_directory(client_of, member_a, org_b):
    for _ in range(14):
        PersonFactory(organisation=org_b)
    response = client_of(member_a).get(detail_url(org_b))
    assert len(response.context["people"]) == 12
    assert response.context["people_count"] == 14
    assert f"/directory/?organisation={org_b.slug}".encode() in response.content


def test_manager_and_staff_see_the_private_page_link(
    client_of, manager_a, member_a, staff_user, org_a
):
    assert (
        b'data-testid="organisation-manage-link"'
        in client_of(manager_a).get(detail_url(org_a)).content
    )
    assert (
        b'data-testid="organisation-manage-link"'
        in client_of(staff_user).get(detail_url(org_a)).content
    )
    assert (
        b'data-testid="organisation-manage-link"'
        not in client_of(member_a).get(detail_url(org_a)).content
    )


def test_unknown_organisation_is_404(client_of, member_a):
    assert (
        client_of(member_a).get(reverse("members:organisation_detail", args=["nope"])).status_code
        == 404
    )


# --- private page ---------------------------------------------------------------------


def test_private_page_shows_everyone_for_the_manager(client_of, manager_a, member_a, org_a):
    PersonFactory(
        organisation=org_a,
        first_name="Hugo",
        last_name="Hidden",
        directory_visibility=Visibility.HIDDEN,
    )
    PersonFactory(
        organisation=org_a,
        first_name="Lea",
        last_name="Left",
        left_organisation_on=date(2024, 3, 1),
    )
    org_a.plan = "premium"
    org_a.save()
    response = client_of(manager_a).get(manage_url(org_a))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Hugo Hidden" in content and "Ada Martin" in content and "Manon Dubois" in content
    assert "People who left" in content and "Lea Left" in content
    assert "Premium" in content and "alpha.example" in content
    assert "Not yet" in content  # Hugo has no account
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("who", ["member_a", "member_b"])
def test_private_page_is_404_for_plain_members(request, client_of, who, org_a):
    person = request.getfixturevalue(who)
    assert client_of(person).get(manage_url(org_a)).status_code == 404
    assert client_of(person).get(export_url(org_a)).status_code == 404


def test_private_page_is_404_for_other_organisations_manager(client_of, org_a, org_b):
    manager_b = PersonFactory(organisation=org_b, is_org_manager=True, with_account=True)
    assert client_of(manager_b).get(manage_url(org_a)).status_code == 404
    assert client_of(manager_b).get(export_url(org_a)).status_code == 404
    assert client_of(manager_b).get(manage_url(org_b)).status_code == 200


def test_private_page_for_staff_and_not_for_visitors(client, client_of, staff_user, org_a):
    assert client.get(manage_url(org_a)).status_code == 302
    assert client.get(export_url(org_a)).status_code == 302
    assert client_of(staff_user).get(manage_url(org_a)).status_code == 200


def test_private_page_is_404_for_guests_and_lapsed_managers(client, client_of, manager_a, org_a):
    client.force_login(UserFactory(email="guest@nowhere.example"))
    assert client.get(manage_url(org_a)).status_code == 404
    org_a.status = "lapsed"
    org_a.save()
    assert client_of(manager_a).get(manage_url(org_a)).status_code == 404
    assert client_of(manager_a).get(export_url(org_a)).status_code == 404


# --- CSV export -----------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_export_lists_all_people_formula_safe(client_of, manager_a, org_a):
    PersonFactory(
        organisation=org_a,
        first_name="=cmd|' /C calc'!A0",
        last_name="@SUM(1+1)",
        job_title='=HYPERLINK("http://evil.example","click")',
        directory_visibility=Visibility.HIDDEN,
    )
    response = client_of(manager_a).get(export_url(org_a))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{org_a.slug}-people.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:3] == ["First name", "Last name", "Email"]
    assert len(rows) == 3  # header, Manon, the hidden person
    evil = next(row for row in rows if "calc" in row[0])
    assert evil[0] == "'=cmd|' /C calc'!A0"
    assert evil[1] == "'@SUM(1+1)"
    assert evil[3] == '\'=HYPERLINK("http://evil.example","click")'
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
