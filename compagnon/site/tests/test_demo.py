import io
from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compagnon.accounts.models import User
from compagnon.members.models import (
    Base,
    Interest,
    MembershipStatus,
    MembershipType,
    Organisation,
    Person,
    Skill,
    Visibility,
)
from compagnon.site.demo.data import (
    DATA_SCIENTIST_EMAIL,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    MANAGER_EMAIL,
    RESEARCHER_EMAIL,
    STAFF_EMAIL,
)
from compagnon.site.demo.generator import demo_people
from compagnon.site.demo.loader import demo_club_fill, demo_club_load

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def _snapshot():
    return {
        "bases": Base.objects.count(),
        "organisations": Organisation.objects.count(),
        "people": Person.objects.count(),
        "skills": Skill.objects.count(),
        "interests": Interest.objects.count(),
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "people_updated": Person.objects.aggregate(m=Max("updated_at"))["m"],
        "last_person": Person.objects.aggregate(m=Max("pk"))["m"],
    }


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_loading_twice_changes_nothing_the_second_time():
    first = demo_club_load()
    assert not first.already_loaded
    assert first.created["people"] == 300
    before = _snapshot()

    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        second = demo_club_load(stdout=out)

    assert second.already_loaded
    assert "Demo club already loaded" in out.getvalue()
    assert _writes(queries.captured_queries) == []
    assert len(queries.captured_queries) <= 4
    assert _snapshot() == before


def test_refilling_restores_only_what_is_missing_and_is_idempotent():
    demo_club_load()
    full = _snapshot()
    removed = list(
        Person.objects.filter(is_demo=True, user__isnull=True)
        .order_by("email")[:5]
        .values_list("pk", flat=True)
    )
    Person.objects.filter(pk__in=removed).delete()

    summary = demo_club_load()  # the marker sees people missing and fills the gap

    assert not summary.already_loaded
    assert summary.created["people"] == 5
    assert (
        summary.created["organisations"]
        == summary.created["bases"]
        == summary.created["accounts"]
        == 0
    )
    after = _snapshot()
    for key in ("bases", "organisations", "people", "skills", "interests", "users", "emails"):
        assert after[key] == full[key], key

    # The full path, run again without the marker's shortcut, finds everything and writes nothing.
    with CaptureQueriesContext(connection) as queries:
        again = demo_club_fill()
    assert not again.created_anything
    assert _writes(queries.captured_queries) == []


def test_demo_club_content():
    demo_club_load()
    people = Person.objects.filter(is_demo=True)
    organisations = Organisation.objects.filter(is_demo=True)

    assert organisations.count() >= 25
    assert people.count() >= 250
    assert set(Base.objects.values_list("slug", "time_zone")) >= {
        ("paris", "Europe/Paris"),
        ("casablanca", "Africa/Casablanca"),
        ("new-york", "America/New_York"),
    }
    assert "4 place Jussieu" in Base.objects.get(slug="paris").address
    assert {"Accor", "Danone", "URSSAF", "INSEP", "Vinci Autoroutes", "Impact AI"} <= set(
        organisations.values_list("name", flat=True)
    )
    assert 2 <= organisations.filter(status=MembershipStatus.LAPSED).count() <= 3
    assert organisations.filter(home_base__slug="casablanca").exists()
    assert organisations.filter(home_base__slug="new-york").exists()
    for organisation in organisations:
        assert organisation.domain_list == [f"{organisation.slug}.example.org"]
        assert organisation.member_since >= date(2020, 1, 1)

    # Every address is fictional.
    assert all(email.endswith("example.org") for email in people.values_list("email", flat=True))
    assert all(
        email.endswith("example.org") for email in User.objects.values_list("email", flat=True)
    )

    # Profiles are rich enough to match on, and varied.
    assert not people.filter(skills__isnull=True).exists()
    assert not people.filter(bio="").exists()
    for person in people.prefetch_related("skills", "interests"):
        skills = {s.tag_id for s in person.skills.all()}
        interests = {i.tag_id for i in person.interests.all()}
        assert 2 <= len(skills) <= 6
        assert 1 <= len(interests) <= 3
        assert not skills & interests, person.email
        assert person.languages
    assert (
        Skill.objects.filter(can_teach=True, level__gte=3).count()
        > Skill.objects.filter(can_teach=True, level__lt=3).count()
    )
    assert people.filter(membership_type=MembershipType.RESIDENT).count() >= 20
    assert people.filter(membership_type=MembershipType.RESEARCHER).exists()
    assert people.filter(directory_visibility=Visibility.ORGANISATION).exists()
    assert people.filter(directory_visibility=Visibility.HIDDEN).exists()
    assert people.filter(left_organisation_on__isnull=False).count() >= 3
    assert people.filter(do_not_invite_before__isnull=False).exists()
    assert people.filter(is_org_manager=True).count() >= 20

    # Fictional people only: none of the real people the seed documents name.
    real = {"Hilali", "Abiteboul", "Gourvennec", "Oblin", "Jouin", "Viers", "Kalache", "Bancilhon"}
    assert not people.filter(last_name__in=real).exists()


def test_demo_people_are_deterministic():
    today = date(2025, 3, 1)
    assert demo_people(today) == demo_people(today)


def test_demo_logins_can_sign_in(client):
    demo_club_load()
    for login in DEMO_LOGINS:
        user = authenticate(email=login.email, password=DEMO_PASSWORD)
        assert user is not None, login.email
        assert EmailAddress.objects.filter(
            user=user, email=login.email, verified=True, primary=True
        ).exists()
        assert user.person.email == login.email
        assert user.person.is_demo

    staff = User.objects.get(email=STAFF_EMAIL)
    assert staff.is_staff and staff.is_superuser
    assert staff.person.membership_type == MembershipType.STAFF
    data_scientist = Person.objects.get(email=DATA_SCIENTIST_EMAIL)
    assert data_scientist.organisation.slug == "accor"
    assert data_scientist.skills.filter(can_teach=True).exists()
    assert data_scientist.bio and data_scientist.joined_organisation_on
    assert Person.objects.get(email=MANAGER_EMAIL).is_org_manager
    researcher = Person.objects.get(email=RESEARCHER_EMAIL)
    assert researcher.membership_type == MembershipType.RESIDENT

    # Through the real sign-in page: mandatory verification does not stop a demo login.
    response = client.post(
        reverse("account_login"), {"login": DATA_SCIENTIST_EMAIL, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "confirm-email" not in response.url
    assert client.session["_auth_user_id"] == str(data_scientist.user_id)


def test_command_prints_the_logins():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for login in DEMO_LOGINS:
        assert login.email in text
    assert "superuser" in text


def test_command_refuses_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=io.StringIO())
    assert not Person.objects.exists()


def test_the_demo_club_has_the_account_states_of_a_real_club():
    from compagnon.accounts.models import Invitation

    demo_club_load()
    current = Person.objects.filter(
        is_demo=True, organisation__isnull=False, left_organisation_on__isnull=True
    )
    total = current.count()
    claimed = current.filter(user__isnull=False).count()
    invited = current.filter(invitations__isnull=False).distinct().count()
    never = current.filter(user__isnull=True, invitations__isnull=True).count()
    assert invited > total / 2  # most people were invited
    assert total / 10 < claimed < total / 2  # some claimed their account
    assert never > 0
    now = timezone.now()
    assert Invitation.objects.filter(accepted_at__isnull=True, expires_at__lte=now).exists()
    assert Invitation.objects.filter(accepted_at__isnull=True, expires_at__gt=now).exists()
    # Claimed accounts sign in like the demo logins, with a verified address.
    someone = (
        current.filter(user__isnull=False)
        .exclude(email__in=[login.email for login in DEMO_LOGINS])
        .first()
    )
    assert EmailAddress.objects.filter(user=someone.user, verified=True).exists()
