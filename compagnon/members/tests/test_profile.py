"""Edit my profile: the form, the skills and interests pickers, and the services behind them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from compagnon.members.models import Interest, Language, Person, Skill, Tag, Visibility
from compagnon.members.services import (
    person_interest_add,
    person_interest_remove,
    person_skill_remove,
    person_skill_set,
    person_update_profile,
)
from compagnon.members.tests.factories import (
    BaseFactory,
    InterestFactory,
    SkillFactory,
    UserFactory,
)

ME = reverse("members:profile_edit")
SKILLS = reverse("members:skill_add")
INTERESTS = reverse("members:interest_add")
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def tag(slug: str) -> Tag:
    return Tag.objects.get(slug=slug)


def profile_data(person: Person, **changes) -> dict:
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "job_title": person.job_title,
        "role_family": person.role_family,
        "bio": person.bio,
        "languages": person.languages,
        "base": "",
        "remote_ok": "on" if person.remote_ok else "",
        "linkedin_url": person.linkedin_url,
        "github_url": person.github_url,
        "orcid": person.orcid,
        "website_url": person.website_url,
        "directory_visibility": person.directory_visibility,
        "do_not_invite_before": "",
    }
    data.update(changes)
    return data


def snapshot(person: Person) -> dict:
    person.refresh_from_db()
    return {
        "bio": person.bio,
        "linkedin_url": person.linkedin_url,
        "website_url": person.website_url,
        "orcid": person.orcid,
        "job_title": person.job_title,
        "updated_at": person.updated_at,
    }


# --- access ---------------------------------------------------------------------


@pytest.mark.django_db
def test_visitor_is_sent_to_sign_in(client):
    response = client.get(ME)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_account_without_person_is_told_to_contact_staff(client):
    client.force_login(UserFactory(email="lost@example.org"))
    response = client.get(ME)
    assert response.status_code == 200
    assert b"not linked to a profile yet" in response.content
    assert b"lost@example.org" in response.content
    assert client.post(SKILLS, {"tag": "nlp", "level": 2}).status_code == 403
    assert not Skill.objects.exists()


@pytest.mark.django_db
def test_picker_endpoints_send_visitors_to_sign_in(client):
    response = client.post(SKILLS, {"tag": "nlp", "level": 2})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_picker_endpoints_are_post_only(client_of, member_a):
    client = client_of(member_a)
    assert client.get(SKILLS).status_code == 405
    assert client.get(INTERESTS).status_code == 405


# --- the profile form --------------------------------------------------------------


def test_page_shows_form_pickers_and_tag_suggestions(client_of, member_a):
    content = client_of(member_a).get(ME).content.decode()
    assert 'data-testid="profile-form"' in content
    assert (
        'data-testid="skill-add-form"' in content and 'data-testid="interest-add-form"' in content
    )
    assert '<datalist id="tag-options">' in content
    assert '<option value="Time Series"></option>' in content
    assert 'list="tag-options"' in content
    assert 'maxlength="2000"' in content


def test_tag_suggestions_follow_the_active_language(client_of, member_a, settings):
    settings.LANGUAGE_CODE = "fr"
    content = client_of(member_a).get(ME).content.decode()
    assert '<option value="Séries temporelles"></option>' in content


def test_profile_saves(client_of, member_a):
    paris = BaseFactory(name="Paris")
    before = snapshot(member_a)["updated_at"]
    data = profile_data(
        member_a,
        job_title="Lead data scientist",
        bio="Time series.\nForecasting.",
        languages=[Language.FR, Language.EN],
        base=paris.slug,
        orcid="https://orcid.org/0000-0002-1825-009x",
        github_url="https://github.com/ada",
        directory_visibility=Visibility.ORGANISATION,
        do_not_invite_before="2030-01-31",
    )
    response = client_of(member_a).post(ME, data)
    assert response.status_code == 302 and response["Location"] == ME
    member_a.refresh_from_db()
    assert member_a.job_title == "Lead data scientist"
    assert member_a.languages == ["fr", "en"]
    assert member_a.base == paris
    assert member_a.orcid == "0000-0002-1825-009X"
    assert member_a.directory_visibility == Visibility.ORGANISATION
    assert str(member_a.do_not_invite_before) == "2030-01-31"
    assert member_a.updated_at > before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bio": "x" * 2001}, "at most 2000 characters"),
        ({"linkedin_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"website_url": "ftp://example.org/cv.pdf"}, "starting with http:// or https://"),
        ({"orcid": "1234-5678"}, "Enter an ORCID iD like 0000-0002-1825-0097."),
        ({"orcid": "0000-0002-1825-00977"}, "Enter an ORCID iD like"),
    ],
)
def test_profile_bad_input_shows_message_and_writes_nothing(client_of, member_a, changes, message):
    before = snapshot(member_a)
    response = client_of(member_a).post(ME, profile_data(member_a, job_title="Changed", **changes))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert 'role="alert"' in content and 'aria-invalid="true"' in content
    assert snapshot(member_a) == before


def test_profile_cannot_change_organisation_or_manager_flag(client_of, member_a, org_b):
    data = profile_data(
        member_a, organisation=org_b.pk, is_org_manager="on", email="x@evil.example"
    )
    client_of(member_a).post(ME, data)
    member_a.refresh_from_db()
    assert member_a.organisation.name == "Alpha Corp"
    assert not member_a.is_org_manager
    assert member_a.email == "ada@alpha.example"


# --- skills picker ----------------------------------------------------------------


def test_add_skill_without_js_redirects_back(client_of, member_a):
    response = client_of(member_a).post(
        SKILLS, {"tag": "Time Series", "level": 3, "can_teach": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == ME + "#skills"
    skill = Skill.objects.get(person=member_a)
    assert (skill.tag.slug, skill.level, skill.can_teach) == ("time-series", 3, True)


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("ML", "machine-learning"),
        ("Séries temporelles", "time-series"),
        ("llm", "genai-text"),
        ("nlp", "nlp"),
    ],
)
def test_add_skill_resolves_labels_and_synonyms(client_of, member_a, typed, slug):
    client_of(member_a).post(SKILLS, {"tag": typed, "level": 2})
    assert Skill.objects.get(person=member_a).tag.slug == slug


def test_add_skill_twice_updates_it(client_of, member_a):
    client = client_of(member_a)
    client.post(SKILLS, {"tag": "nlp", "level": 2})
    client.post(SKILLS, {"tag": "NLP", "level": 4, "can_teach": "on"})
    skill = Skill.objects.get(person=member_a)
    assert (skill.level, skill.can_teach) == (4, True)


def test_unknown_tag_suggests_the_closest(client_of, member_a):
    response = client_of(member_a).post(SKILLS, {"tag": "machine lerning", "level": 2})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Unknown tag “machine lerning”. Did you mean “Machine Learning”?" in content
    assert (
        'role="alert"' in content
        and 'aria-describedby="id_skill_add_tag_helptext id_skill_add_tag_error"' in content
    )
    assert not Skill.objects.exists()


def test_level_out_of_range_posted_by_hand_is_refused(client_of, member_a):
    client = client_of(member_a)
    response = client.post(SKILLS, {"tag": "nlp", "level": 7}, headers=HTMX)
    assert "Choose a level between 1 (Notions) and 4 (Expert)." in response.content.decode()
    assert not Skill.objects.exists()
    SkillFactory(person=member_a, tag=tag("nlp"), level=2)
    response = client.post(reverse("members:skill_update", args=["nlp"]), {"level": 7})
    assert "Choose a level between 1 (Notions) and 4 (Expert)." in response.content.decode()
    assert Skill.objects.get(person=member_a).level == 2


def test_htmx_add_returns_the_skills_partial(client_of, member_a):
    response = client_of(member_a).post(SKILLS, {"tag": "dataviz", "level": 3}, headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="skills"')
    assert "<html" not in content and "interests-section" not in content
    assert 'data-testid="skill-row" data-tag="dataviz"' in content
    assert "Skill saved: Dataviz." in content
    assert "autofocus" in content  # back in the tag input, ready for the next skill


def test_update_and_remove_skill(client_of, member_a):
    SkillFactory(person=member_a, tag=tag("nlp"), level=2)
    client = client_of(member_a)
    response = client.post(
        reverse("members:skill_update", args=["nlp"]), {"level": 4, "can_teach": "on"}
    )
    assert response.status_code == 302
    skill = Skill.objects.get(person=member_a)
    assert (skill.level, skill.can_teach) == (4, True)
    response = client.post(reverse("members:skill_remove", args=["nlp"]), headers=HTMX)
    assert response.status_code == 200 and "Skill removed: NLP." in response.content.decode()
    assert not Skill.objects.exists()


def test_cannot_update_a_skill_one_does_not_have(client_of, member_a, member_b):
    SkillFactory(person=member_b, tag=tag("nlp"), level=2)
    response = client_of(member_a).post(reverse("members:skill_update", args=["nlp"]), {"level": 4})
    assert response.status_code == 404
    assert Skill.objects.get(person=member_b).level == 2


# --- interests picker --------------------------------------------------------------


def test_add_and_remove_interest(client_of, member_a):
    client = client_of(member_a)
    response = client.post(INTERESTS, {"tag": "causal inference"}, headers=HTMX)
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="interests"')
    assert 'data-testid="interest-row" data-tag="causality"' in content
    assert Interest.objects.get(person=member_a).tag.slug == "causality"
    response = client.post(reverse("members:interest_remove", args=["causality"]))
    assert response.status_code == 302 and response["Location"] == ME + "#interests"
    assert not Interest.objects.exists()


def test_unknown_interest_shows_error(client_of, member_a):
    response = client_of(member_a).post(INTERESTS, {"tag": "knitting"})
    assert "Unknown tag “knitting”" in response.content.decode()
    assert not Interest.objects.exists()


# --- services -------------------------------------------------------------------------


def test_update_profile_refuses_bad_values_and_writes_nothing(member_a):
    before = snapshot(member_a)
    for bad in (
        {"bio": "x" * 2001},
        {"website_url": "javascript:alert(1)"},
        {"orcid": "12"},
        {"languages": ["klingon"]},
        {"role_family": "astronaut"},
    ):
        with pytest.raises(ValidationError) as error:
            person_update_profile(person=member_a, actor=member_a.user, job_title="New", **bad)
        assert set(error.value.message_dict) >= set(bad)
        assert snapshot(member_a) == before


def test_update_profile_refuses_fields_outside_the_profile(member_a, org_b):
    with pytest.raises(ValueError, match="organisation"):
        person_update_profile(person=member_a, actor=member_a.user, organisation=org_b)


def test_update_profile_by_someone_else_is_refused(member_a, member_b, staff_user):
    with pytest.raises(PermissionDenied):
        person_update_profile(person=member_a, actor=member_b.user, job_title="Hacked")
    person_update_profile(person=member_a, actor=staff_user, job_title="Fixed by staff")
    member_a.refresh_from_db()
    assert member_a.job_title == "Fixed by staff"


def test_skill_services_validate_and_bump_updated_at(member_a):
    long_ago = timezone.now() - timedelta(days=30)
    Person.objects.filter(pk=member_a.pk).update(updated_at=long_ago)
    with pytest.raises(ValidationError):
        person_skill_set(
            person=member_a, tag=tag("nlp"), level=7, can_teach=False, actor=member_a.user
        )
    assert not Skill.objects.exists()
    assert Person.objects.get(pk=member_a.pk).updated_at == long_ago
    person_skill_set(person=member_a, tag=tag("nlp"), level=1, can_teach=False, actor=member_a.user)
    assert Person.objects.get(pk=member_a.pk).updated_at > long_ago
    person_skill_set(person=member_a, tag=tag("nlp"), level=4, can_teach=True, actor=member_a.user)
    assert Skill.objects.get().level == 4
    assert person_skill_remove(person=member_a, tag=tag("nlp"), actor=member_a.user)
    assert not person_skill_remove(person=member_a, tag=tag("nlp"), actor=member_a.user)


def test_interest_services_are_idempotent(member_a):
    first = person_interest_add(person=member_a, tag=tag("nlp"), actor=member_a.user)
    again = person_interest_add(person=member_a, tag=tag("nlp"), actor=member_a.user)
    assert first.pk == again.pk and Interest.objects.count() == 1
    assert person_interest_remove(person=member_a, tag=tag("nlp"), actor=member_a.user)
    assert not person_interest_remove(person=member_a, tag=tag("nlp"), actor=member_a.user)


def test_skill_services_refuse_other_people(member_a, member_b):
    InterestFactory(person=member_a, tag=tag("nlp"))
    with pytest.raises(PermissionDenied):
        person_skill_set(
            person=member_a, tag=tag("nlp"), level=2, can_teach=False, actor=member_b.user
        )
    with pytest.raises(PermissionDenied):
        person_interest_remove(person=member_a, tag=tag("nlp"), actor=member_b.user)
    assert Interest.objects.filter(person=member_a).exists()


def test_chat_user_name_taken_by_another_profile_is_refused(member_a, member_b):
    from compagnon.members.services import person_update_profile

    person_update_profile(person=member_b, actor=member_b.user, chat_username="bruno")
    with pytest.raises(ValidationError) as error:
        person_update_profile(person=member_a, actor=member_a.user, chat_username="BRUNO")
    assert "already used by another profile" in str(error.value)
    member_a.refresh_from_db()
    assert member_a.chat_username == ""
