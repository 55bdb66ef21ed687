import importlib.util

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from compagnon.accounts.models import Invitation, User
from compagnon.core.models import OutboundEmail
from compagnon.members.models import Base, Interest, Person, Skill, Tag
from compagnon.members.tests.factories import (
    InterestFactory,
    OrganisationFactory,
    PersonFactory,
    SkillFactory,
)
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:members_base_changelist",
    "admin:members_tag_changelist",
    "admin:members_organisation_changelist",
    "admin:members_person_changelist",
    "admin:accounts_user_changelist",
    "admin:accounts_invitation_changelist",
    "admin:core_outboundemail_changelist",
]


@pytest.fixture
def staff(client_of, staff_user):
    """A club animator: is_staff, no Django model permissions granted one by one."""
    assert not staff_user.is_superuser and not staff_user.user_permissions.exists()
    return client_of(staff_user)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_staff_open_every_changelist(staff, member_a, name):
    Base.objects.create(name="Paris", slug="paris", city="Paris", country="FR")
    OutboundEmail.objects.create(to=["ada@alpha.example"], subject="Hello", body_text="Hi")
    Invitation.objects.create(person=member_a, email=member_a.email)

    response = staff.get(reverse(name))

    assert response.status_code == 200


def test_staff_see_the_club_in_the_admin_index(staff):
    response = staff.get(reverse("admin:index"))
    assert response.status_code == 200
    for url in (
        "members/person/",
        "members/organisation/",
        "accounts/user/",
        "core/outboundemail/",
    ):
        assert url in response.text


def test_person_pages_with_inlines(staff, member_a):
    SkillFactory(person=member_a, tag=Tag.objects.get(slug="forecasting"), level=4, can_teach=True)
    InterestFactory(person=member_a, tag=Tag.objects.get(slug="causality"))

    add = staff.get(reverse("admin:members_person_add"))
    change = staff.get(reverse("admin:members_person_change", args=[member_a.pk]))

    assert add.status_code == 200
    assert 'name="skills-TOTAL_FORMS"' in add.text
    assert 'name="interests-TOTAL_FORMS"' in add.text
    assert change.status_code == 200
    assert "Ada" in change.text
    assert 'name="skills-0-level"' in change.text


def test_staff_add_a_person_with_skills_and_interests(staff, org_a):
    forecasting = Tag.objects.get(slug="forecasting")
    causality = Tag.objects.get(slug="causality")
    data = {
        "first_name": "Zoé",
        "last_name": "Renard",
        "email": "Zoe.Renard@Alpha.example",
        "organisation": org_a.pk,
        "membership_type": "employee",
        "role_family": "data_scientist",
        "languages": ["fr", "en"],
        "remote_ok": "on",
        "directory_visibility": "club",
        "skills-TOTAL_FORMS": "1",
        "skills-INITIAL_FORMS": "0",
        "skills-0-tag": forecasting.pk,
        "skills-0-level": "3",
        "skills-0-can_teach": "on",
        "interests-TOTAL_FORMS": "1",
        "interests-INITIAL_FORMS": "0",
        "interests-0-tag": causality.pk,
    }

    response = staff.post(reverse("admin:members_person_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Person.objects.get(email="zoe.renard@alpha.example")
    assert person.languages == ["fr", "en"]
    assert Skill.objects.get(person=person).tag == forecasting
    assert Interest.objects.get(person=person).tag == causality


def test_person_search_and_filters(staff, member_a, member_b):
    PersonFactory(
        first_name="Hector", last_name="Berlioz", job_title="Statisticien", organisation=None
    )
    url = reverse("admin:members_person_changelist")

    by_name = staff.get(url, {"q": "martin"})
    by_org = staff.get(url, {"q": "Beta Lab"})
    by_title = staff.get(url, {"q": "statisticien"})
    without_account = staff.get(url, {"has_account": "no"})

    assert list(by_name.context["cl"].result_list) == [member_a]
    assert list(by_org.context["cl"].result_list) == [member_b]
    assert [p.last_name for p in by_title.context["cl"].result_list] == ["Berlioz"]
    assert [p.last_name for p in without_account.context["cl"].result_list] == ["Berlioz"]


def test_person_changelist_queries_do_not_grow_with_people(staff, django_assert_max_num_queries):
    org = OrganisationFactory()
    base = Base.objects.create(name="Paris", slug="paris", city="Paris", country="FR")
    for _ in range(30):
        PersonFactory(organisation=org, base=base, with_account=True)
    with django_assert_max_num_queries(12):
        response = staff.get(reverse("admin:members_person_changelist"))
    assert response.status_code == 200


def test_tag_and_organisation_search(staff, org_a, member_a):
    tags = staff.get(reverse("admin:members_tag_changelist"), {"q": "séries chronologiques"})
    orgs = staff.get(reverse("admin:members_organisation_changelist"), {"q": "alpha.example"})

    assert [t.slug for t in tags.context["cl"].result_list] == ["time-series"]
    assert [o.name for o in orgs.context["cl"].result_list] == ["Alpha Corp"]
    assert orgs.context["cl"].result_list[0].people_total == 1


def test_tag_autocomplete_for_inlines(staff):
    response = staff.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "skill", "field_name": "tag", "term": "causal"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [
        str(Tag.objects.get(slug="causality"))
    ]


def test_user_and_email_search(staff, member_a):
    OutboundEmail.objects.create(
        to=["someone@else.example"], subject="Workshop reminder", body_text="."
    )
    OutboundEmail.objects.create(to=["ada@alpha.example"], subject="Welcome", body_text=".")

    users = staff.get(reverse("admin:accounts_user_changelist"), {"q": "ada@"})
    by_subject = staff.get(reverse("admin:core_outboundemail_changelist"), {"q": "reminder"})
    by_recipient = staff.get(reverse("admin:core_outboundemail_changelist"), {"q": "alpha.example"})

    assert [u.email for u in users.context["cl"].result_list] == ["ada@alpha.example"]
    assert [e.subject for e in by_subject.context["cl"].result_list] == ["Workshop reminder"]
    assert [e.subject for e in by_recipient.context["cl"].result_list] == ["Welcome"]


def test_outbound_email_is_read_only(staff):
    email = OutboundEmail.objects.create(to=["a@b.example"], subject="Hello", body_text="Hi")

    page = staff.get(reverse("admin:core_outboundemail_change", args=[email.pk]))
    add = staff.get(reverse("admin:core_outboundemail_add"))
    post = staff.post(
        reverse("admin:core_outboundemail_change", args=[email.pk]), {"subject": "Changed"}
    )

    assert page.status_code == 200
    assert 'name="subject"' not in page.text
    assert add.status_code == 403
    assert post.status_code == 403
    email.refresh_from_db()
    assert email.subject == "Hello"


def test_staff_create_an_account_with_email_and_password(staff):
    response = staff.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.org",
            "full_name": "New Person",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="new.person@example.org")
    assert user.check_password("a-long-enough-passphrase")
    assert not user.is_staff

    duplicate = staff.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "NEW.person@example.org",
            "password1": "x-long-passphrase-2",
            "password2": "x-long-passphrase-2",
        },
    )
    assert duplicate.status_code == 200
    assert "email" in duplicate.context["adminform"].form.errors


def test_user_change_page_and_no_superuser_takeover(staff, member_a):
    root = User.objects.create_superuser(email="root@club.example", password="x-long-passphrase-2")

    page = staff.get(reverse("admin:accounts_user_change", args=[member_a.user.pk]))
    root_page = staff.post(
        reverse("admin:accounts_user_change", args=[root.pk]), {"email": "mine@x.example"}
    )

    assert page.status_code == 200
    assert 'name="username"' not in page.text
    assert 'name="is_superuser"' not in page.text  # read-only for staff who are not superusers
    assert root_page.status_code == 403
    root.refresh_from_db()
    assert root.email == "root@club.example"


def test_invitation_admin(staff, member_a):
    invitation = Invitation.objects.create(person=member_a, email=member_a.email)

    page = staff.get(reverse("admin:accounts_invitation_change", args=[invitation.pk]))
    pending = staff.get(reverse("admin:accounts_invitation_changelist"), {"state": "pending"})
    revoked = staff.post(
        reverse("admin:accounts_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk]},
    )

    assert page.status_code == 200
    assert invitation.token in page.text
    assert 'name="token"' not in page.text
    assert list(pending.context["cl"].result_list) == [invitation]
    assert revoked.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert staff.get(reverse("admin:accounts_invitation_add")).status_code == 403


def test_invite_action(staff, org_a, member_a, mailoutbox):
    if importlib.util.find_spec("compagnon.accounts.services") is None:
        pytest.skip("compagnon.accounts.services is not written yet")
    contacts = [
        PersonFactory(organisation=org_a, email=f"contact{i}@alpha.example") for i in range(3)
    ]
    selected = [*contacts, member_a]

    response = staff.post(
        reverse("admin:members_person_changelist"),
        {"action": "invite_to_claim_account", "_selected_action": [p.pk for p in selected]},
        follow=True,
    )

    assert response.status_code == 200
    assert "3 invitations sent, 1 skipped (already has an account)." in _messages(response)
    assert set(Invitation.objects.values_list("email", flat=True)) == {p.email for p in contacts}
    assert not Invitation.objects.filter(person=member_a).exists()
    assert all(i.invited_by.email == "staff@club.example" for i in Invitation.objects.all())


def test_invite_action_reports_people_it_cannot_invite(staff, org_a):
    if importlib.util.find_spec("compagnon.accounts.services") is None:
        pytest.skip("compagnon.accounts.services is not written yet")
    contact = PersonFactory(organisation=org_a, email="taken@alpha.example")
    User.objects.create_user(email="taken@alpha.example", password="x-long-passphrase-2")

    response = staff.post(
        reverse("admin:members_person_changelist"),
        {"action": "invite_to_claim_account", "_selected_action": [contact.pk]},
        follow=True,
    )

    messages = _messages(response)
    assert "0 invitations sent." in messages
    assert any("taken@alpha.example" in m for m in messages)
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("name", CHANGELISTS)
def test_non_staff_are_sent_to_the_admin_login(client_of, member_a, name):
    response = client_of(member_a).get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_anonymous_are_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:members_person_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def _base_form(base, time_zone):
    return {
        "name": base.name,
        "slug": base.slug,
        "city": base.city,
        "country": base.country,
        "time_zone": time_zone,
        "address": "",
        "is_active": "on",
    }


def test_a_base_time_zone_change_is_refused_while_its_workshops_have_registrations(staff):
    base = Base.objects.create(name="Paris", slug="paris", city="Paris", country="FR")
    workshop = WorkshopFactory(base=base, title="Booked one")
    RegistrationFactory(workshop=workshop)
    url = reverse("admin:members_base_change", args=[base.pk])

    response = staff.post(url, _base_form(base, "America/Montreal"))

    assert response.status_code == 200
    assert "Booked one" in response.content.decode()
    assert "Move or finish them first." in response.content.decode()
    base.refresh_from_db()
    workshop.refresh_from_db()
    assert (base.time_zone, workshop.time_zone) == ("Europe/Paris", "Europe/Paris")


def test_a_base_time_zone_change_moves_its_unbooked_workshops(staff):
    base = Base.objects.create(name="Paris", slug="paris", city="Paris", country="FR")
    workshop = WorkshopFactory(base=base)

    response = staff.post(
        reverse("admin:members_base_change", args=[base.pk]), _base_form(base, "America/Montreal")
    )

    assert response.status_code == 302
    base.refresh_from_db()
    workshop.refresh_from_db()
    assert (base.time_zone, workshop.time_zone) == ("America/Montreal", "America/Montreal")
