"""The directory and person pages: who is listed, filters, pagination, HTMX, query counts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.members.models import (
    MembershipStatus,
    MembershipType,
    RoleFamily,
    Tag,
    Visibility,
)
from compagnon.members.tests.factories import (
    BaseFactory,
    InterestFactory,
    OrganisationFactory,
    PersonFactory,
    SkillFactory,
    UserFactory,
)

DIRECTORY = reverse("members:directory")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def tag(slug: str) -> Tag:
    return Tag.objects.get(slug=slug)


def listed(response) -> set[str]:
    """Full names of the people cards on a directory page."""
    return {person.full_name for person in response.context["people"]}


# --- access -----------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(DIRECTORY)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_expired_session_during_htmx_loads_the_sign_in_page_whole(client):
    response = client.get(DIRECTORY, {"q": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert reverse("account_login") in response["HX-Redirect"]


@pytest.mark.django_db
def test_account_without_person_gets_members_only_page(client):
    client.force_login(UserFactory(email="nobody@example.org"))
    response = client.get(DIRECTORY)
    assert response.status_code == 403
    assert b"active membership" in response.content


def test_person_of_lapsed_organisation_gets_members_only_page(client_of, member_a, org_a):
    org_a.status = MembershipStatus.LAPSED
    org_a.save()
    response = client_of(member_a).get(DIRECTORY)
    assert response.status_code == 403
    assert b"not active" in response.content


def test_guest_gets_members_only_page(client_of, db):
    guest = PersonFactory(
        organisation=None, membership_type=MembershipType.GUEST, with_account=True
    )
    assert client_of(guest).get(DIRECTORY).status_code == 403


# --- visibility ---------------------------------------------------------------


def test_member_sees_club_people_of_every_organisation(client_of, member_a, member_b):
    response = client_of(member_a).get(DIRECTORY)
    assert response.status_code == 200
    assert {"Ada Martin", "Bruno Petit"} <= listed(response)


def test_organisation_visibility_hides_from_other_organisations(
    client_of, member_a, member_b, org_a
):
    shy = PersonFactory(
        organisation=org_a,
        first_name="Olga",
        last_name="Shy",
        directory_visibility=Visibility.ORGANISATION,
    )
    assert shy.full_name in listed(client_of(member_a).get(DIRECTORY))
    assert shy.full_name not in listed(client_of(member_b).get(DIRECTORY))


def test_hidden_people_are_seen_by_staff_and_themselves_only(
    client_of, member_a, member_b, staff_user
):
    member_b.directory_visibility = Visibility.HIDDEN
    member_b.save()
    assert "Bruno Petit" not in listed(client_of(member_a).get(DIRECTORY))
    assert "Bruno Petit" in listed(client_of(member_b).get(DIRECTORY))
    assert "Bruno Petit" in listed(client_of(staff_user).get(DIRECTORY))


def test_people_who_left_their_organisation_drop_out(client_of, member_a, org_b):
    PersonFactory(
        organisation=org_b,
        first_name="Lea",
        last_name="Gone",
        left_organisation_on=date(2024, 1, 31),
    )
    assert "Lea Gone" not in listed(client_of(member_a).get(DIRECTORY))


# --- filters ------------------------------------------------------------------


@pytest.fixture
def people(org_a, org_b):
    """Four people with distinct skills, interests, bases, roles and memberships."""
    paris, casa = (
        BaseFactory(name="Paris"),
        BaseFactory(name="Casablanca", city="Casablanca", country="MA"),
    )
    nora = PersonFactory(
        first_name="Nora", last_name="Nlp", organisation=org_a, base=paris, job_title="NLP lead"
    )
    SkillFactory(person=nora, tag=tag("nlp"), level=4, can_teach=True)
    InterestFactory(person=nora, tag=tag("causality"))
    gaby = PersonFactory(
        first_name="Gaby",
        last_name="Genai",
        organisation=org_b,
        base=casa,
        bio="I build RAG systems.",
    )
    SkillFactory(person=gaby, tag=tag("genai-text"), level=2)
    SkillFactory(person=gaby, tag=tag("dataviz"), level=3, can_teach=True)
    InterestFactory(person=gaby, tag=tag("forecasting"))
    mila = PersonFactory(
        first_name="Mila",
        last_name="Ml",
        organisation=org_a,
        base=casa,
        role_family=RoleFamily.RESEARCHER,
    )
    SkillFactory(person=mila, tag=tag("machine-learning"), level=3)
    remi = PersonFactory(
        first_name="Rémi",
        last_name="Resident",
        organisation=None,
        membership_type=MembershipType.RESIDENT,
        job_title="Statistician",
    )
    SkillFactory(person=remi, tag=tag("statistics"), level=1)
    return {"nora": nora, "gaby": gaby, "mila": mila, "remi": remi}


def search(client, **params) -> set[str]:
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200
    return listed(response) - {"Ada Martin"}


def test_tag_filter_includes_the_tags_descendants(client_of, member_a, people):
    client = client_of(member_a)
    # genai-text sits under nlp, which sits under machine-learning.
    assert search(client, tag="machine-learning") == {"Nora Nlp", "Gaby Genai", "Mila Ml"}
    assert search(client, tag="nlp") == {"Nora Nlp", "Gaby Genai"}
    assert search(client, tag="genai-text") == {"Gaby Genai"}


def test_several_tags_must_all_match(client_of, member_a, people):
    client = client_of(member_a)
    assert search(client, tag=["nlp", "dataviz"]) == {"Gaby Genai"}


def test_level_and_can_teach_qualify_the_chosen_skill(client_of, member_a, people):
    client = client_of(member_a)
    assert search(client, tag="nlp", level=3) == {"Nora Nlp"}
    assert search(client, tag="nlp", can_teach="on") == {"Nora Nlp"}
    # Gaby teaches dataviz, not her NLP skill.
    assert search(client, tag="genai-text", can_teach="on") == set()
    assert search(client, can_teach="on") == {"Nora Nlp", "Gaby Genai"}
    assert search(client, level=3) == {"Nora Nlp", "Gaby Genai", "Mila Ml"}


def test_base_organisation_role_and_membership_filters(client_of, member_a, people, org_b):
    client = client_of(member_a)
    assert search(client, base="casablanca") == {"Gaby Genai", "Mila Ml"}
    assert search(client, organisation=org_b.slug) == {"Gaby Genai"}
    assert search(client, role=RoleFamily.RESEARCHER) == {"Mila Ml"}
    assert search(client, membership=MembershipType.RESIDENT) == {"Rémi Resident"}


def test_wants_to_learn_filter_uses_interests_and_the_hierarchy(client_of, member_a, people):
    client = client_of(member_a)
    assert search(client, learn="causality") == {"Nora Nlp"}
    assert search(client, learn="time-series") == {"Gaby Genai"}  # forecasting is under time-series


def test_free_text_search(client_of, member_a, people, org_b):
    client = client_of(member_a)
    assert search(client, q="nora") == {"Nora Nlp"}
    assert search(client, q="GENAI") == {"Gaby Genai"}
    assert search(client, q="statistician") == {"Rémi Resident"}
    assert search(client, q="rag systems") == {"Gaby Genai"}
    assert search(client, q="beta") == {"Gaby Genai"}  # organisation name "Beta Lab"
    assert search(client, q="nora beta") == set()


def test_results_are_ordered_by_last_name(client_of, member_a, people):
    response = client_of(member_a).get(DIRECTORY)
    names = [p.last_name for p in response.context["people"]]
    assert names == sorted(names)


def test_bad_filter_values_are_ignored_not_fatal(client_of, member_a, people):
    response = client_of(member_a).get(DIRECTORY, {"tag": "no-such-tag", "level": "9", "page": "x"})
    assert response.status_code == 200
    assert len(listed(response)) == 5


def test_empty_result_says_what_to_do(client_of, member_a, people):
    response = client_of(member_a).get(DIRECTORY, {"q": "zzzz"})
    assert b"0 people" in response.content
    assert b"Clear all filters" in response.content
    assert b'data-testid="directory-empty"' in response.content


def test_card_shows_teachable_skills_and_interests(client_of, member_a, people):
    content = client_of(member_a).get(DIRECTORY, {"q": "nora"}).content.decode()
    assert "1 person" in content
    assert (
        '<li class="chip chip-teach">NLP<span class="visually-hidden"> (can teach)</span></li>'
        in content
    )
    assert 'class="chip chip-learn"' in content and "Causality" in content
    assert '<span class="avatar" aria-hidden="true">NN</span>' in content


# --- pagination and HTMX ------------------------------------------------------------


def test_pagination_keeps_the_filters(client_of, member_a, people, settings):
    settings.DIRECTORY_PAGE_SIZE = 1
    client = client_of(member_a)
    response = client.get(DIRECTORY, {"tag": "machine-learning", "level": "3"})
    content = response.content.decode()
    assert response.context["page_obj"].paginator.num_pages == 2
    assert listed(response) == {"Mila Ml"}
    assert "?tag=machine-learning&amp;level=3&amp;page=2" in content
    second = client.get(DIRECTORY, {"tag": "machine-learning", "level": "3", "page": 2})
    assert listed(second) == {"Nora Nlp"}


def test_htmx_request_gets_only_the_results_partial(client_of, member_a, people):
    response = client_of(member_a).get(DIRECTORY, {"tag": "nlp"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content and 'role="search"' not in content
    assert 'data-testid="person-card"' in content and "2 people" in content
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client_of, member_a):
    response = client_of(member_a).get(
        DIRECTORY, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert b"<html" in response.content


def test_full_page_has_search_form_and_live_results_region(client_of, member_a):
    content = client_of(member_a).get(DIRECTORY).content.decode()
    assert '<form role="search"' in content
    assert 'hx-get="/directory/"' in content and 'hx-push-url="true"' in content
    assert 'aria-live="polite"' in content and 'data-testid="directory-results"' in content


# --- query counts ---------------------------------------------------------------


def _rich_person(organisation, index: int):
    person = PersonFactory(organisation=organisation, base=BaseFactory(name=f"Base {index}"))
    for slug in ("nlp", "dataviz", "statistics"):
        SkillFactory(person=person, tag=tag(slug), can_teach=index % 2 == 0)
    for slug in ("causality", "forecasting"):
        InterestFactory(person=person, tag=tag(slug))
    return person


def _queries(client, url: str, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_directory_query_count_does_not_grow_with_people(client_of, member_a, org_b):
    client = client_of(member_a)
    _rich_person(org_b, 0)
    client.get(DIRECTORY)  # session and language set-up out of the way
    one = _queries(client, DIRECTORY)
    for index in range(1, 3):
        _rich_person(OrganisationFactory(), index)
    three = _queries(client, DIRECTORY)
    assert three == one
    assert _queries(client, DIRECTORY, {"tag": "machine-learning", "can_teach": "on"}) == one


def test_organisation_list_query_count_does_not_grow(client_of, member_a):
    client = client_of(member_a)
    url = reverse("members:organisation_list")
    client.get(url)
    one = _queries(client, url)
    for index in range(3):
        _rich_person(OrganisationFactory(home_base=BaseFactory(name=f"Home {index}")), index)
    assert _queries(client, url) == one


# --- person page --------------------------------------------------------------------


def person_url(person) -> str:
    return reverse("members:person_detail", args=[person.pk])


def test_person_page_shows_profile(client_of, member_a, member_b):
    member_b.bio = "Line one\n<script>alert(1)</script>"
    member_b.orcid = "0000-0002-1825-0097"
    member_b.github_url = "https://github.com/bruno"
    member_b.languages = ["fr", "en"]
    member_b.save()
    SkillFactory(person=member_b, tag=tag("nlp"), level=4, can_teach=True)
    SkillFactory(person=member_b, tag=tag("dataviz"), level=1)
    InterestFactory(person=member_b, tag=tag("causality"))
    content = client_of(member_a).get(person_url(member_b)).content.decode()
    assert "<h1>Bruno Petit</h1>" in content
    assert "&lt;script&gt;" in content and "<script>alert" not in content
    assert "<br>" in content  # line breaks kept
    assert 'href="https://orcid.org/0000-0002-1825-0097" rel="noopener nofollow"' in content
    assert 'href="https://github.com/bruno" rel="noopener nofollow"' in content
    assert "Expert" in content and "Notions" in content
    assert "French, English" in content
    assert "bruno@beta.example" in content
    assert 'data-testid="edit-profile"' not in content
    assert ">Admin<" not in content


def test_person_page_drops_unsafe_imported_links(client_of, member_a, member_b):
    member_b.website_url = "javascript:alert(1)"  # as if written around the validators
    member_b.save()
    content = client_of(member_a).get(person_url(member_b)).content.decode()
    assert "javascript:" not in content


def test_own_page_has_edit_button(client_of, member_a):
    content = client_of(member_a).get(person_url(member_a)).content.decode()
    assert 'data-testid="edit-profile"' in content


def test_staff_see_admin_link_when_admin_is_registered(client_of, member_b, staff_user):
    response = client_of(staff_user).get(person_url(member_b))
    assert response.status_code == 200
    if response.context["admin_url"]:
        assert response.context["admin_url"].encode() in response.content


def test_person_page_visibility(client_of, member_a, member_b, manager_a, staff_user, org_a):
    member_a.directory_visibility = Visibility.ORGANISATION
    member_a.save()
    assert client_of(member_b).get(person_url(member_a)).status_code == 404
    assert client_of(manager_a).get(person_url(member_a)).status_code == 200
    member_a.directory_visibility = Visibility.HIDDEN
    member_a.save()
    assert client_of(manager_a).get(person_url(member_a)).status_code == 404
    assert client_of(member_a).get(person_url(member_a)).status_code == 200
    assert client_of(staff_user).get(person_url(member_a)).status_code == 200


def test_person_who_left_is_not_found(client_of, member_a, org_b):
    gone = PersonFactory(organisation=org_b, left_organisation_on=date(2024, 6, 1))
    assert client_of(member_a).get(person_url(gone)).status_code == 404


def test_person_page_needs_membership(client, member_b):
    assert client.get(person_url(member_b)).status_code == 302
