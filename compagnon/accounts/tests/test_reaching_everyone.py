"""Many invitations at once: the staff's bulk invitation by filter, and a manager's colleagues."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnon.accounts.models import Invitation
from compagnon.accounts.selectors import people_to_invite
from compagnon.accounts.services import colleagues_invite, invitations_send_for
from compagnon.core.models import OutboundEmail
from compagnon.members.models import Person
from compagnon.members.tests.factories import (
    BaseFactory,
    InterestFactory,
    PersonFactory,
    SkillFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(org_a, org_b, staff_user):
    lyon = BaseFactory(name="Lyon")
    tag = TagFactory(slug="causality")
    never = PersonFactory(organisation=org_a, email="never@alpha.example", base=lyon)
    SkillFactory(person=never, tag=tag, level=3)
    stale = PersonFactory(organisation=org_a, email="stale@alpha.example")
    InterestFactory(person=stale, tag=tag)
    old = Invitation.objects.create(person=stale, email=stale.email)
    Invitation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=20))
    recent = PersonFactory(organisation=org_b, email="recent@beta.example")
    Invitation.objects.create(person=recent, email=recent.email)
    left = PersonFactory(
        organisation=org_b, email="left@beta.example", left_organisation_on=timezone.localdate()
    )
    return {
        "never": never,
        "stale": stale,
        "recent": recent,
        "left": left,
        "lyon": lyon,
        "tag": tag,
    }


def _emails(people) -> set[str]:
    return {p.email for p in people}


def test_the_filters_narrow_who_would_be_invited(contacts, org_a, member_a):
    everyone = _emails(people_to_invite())
    assert everyone == {"never@alpha.example", "stale@alpha.example", "recent@beta.example"}
    assert _emails(people_to_invite(organisation=org_a)) == {
        "never@alpha.example",
        "stale@alpha.example",
    }
    assert _emails(people_to_invite(base=contacts["lyon"])) == {"never@alpha.example"}
    assert _emails(people_to_invite(tag=contacts["tag"])) == {
        "never@alpha.example",
        "stale@alpha.example",
    }
    assert _emails(people_to_invite(history="never")) == {"never@alpha.example"}
    assert _emails(people_to_invite(history="stale")) == {"stale@alpha.example"}


def test_the_page_previews_the_count_then_sends_through_the_task(
    client_of, contacts, org_a, staff_user, django_capture_on_commit_callbacks
):
    client = client_of(staff_user)
    url = reverse("accounts:invitation_bulk")
    preview = client.get(url, {"organisation": org_a.pk, "history": "any"})
    page = preview.content.decode()
    assert "2 people would be invited" in page
    assert "never@alpha.example" in page
    assert Invitation.objects.filter(person__organisation=org_a).count() == 1  # nothing sent yet

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"organisation": org_a.pk, "history": "any"})
    assert response.status_code == 302
    assert callbacks  # the batch task was enqueued after commit
    assert Invitation.objects.filter(person=contacts["never"]).count() == 1
    assert Invitation.objects.filter(person=contacts["stale"], revoked_at__isnull=True).count() == 1
    assert OutboundEmail.objects.filter(to=["never@alpha.example"]).count() == 1
    assert (
        not Invitation.objects.filter(person=contacts["recent"]).exclude(invited_by=None).exists()
    )


def test_a_batch_run_twice_sends_nothing_twice(contacts, staff_user):
    since = timezone.now()
    ids = [contacts["never"].pk, contacts["stale"].pk]
    assert invitations_send_for(person_ids=ids, invited_by=staff_user, since=since) == 2
    assert invitations_send_for(person_ids=ids, invited_by=staff_user, since=since) == 0
    assert OutboundEmail.objects.filter(to=["never@alpha.example"]).count() == 1


def test_nobody_matching_is_said_and_nothing_is_sent(client_of, contacts, staff_user):
    response = client_of(staff_user).post(
        reverse("accounts:invitation_bulk"), {"base": contacts["lyon"].pk, "history": "stale"}
    )
    assert response.status_code == 200
    assert "Nobody matches these filters" in response.content.decode()
    assert Invitation.objects.count() == 2


# --- a manager's colleagues ---------------------------------------------------------------------


def test_a_manager_invites_three_colleagues(client_of, org_a, manager_a):
    url = reverse("accounts:colleagues_invite", args=[org_a.slug])
    client = client_of(manager_a)
    assert url in client.get(reverse("site:home")).content.decode()  # the home page leads there
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "addresses": "Zoé Roux <zoe@alpha.example>\nyann@alpha.example\n"
            "Xavier.Petit@ALPHA.example"
        },
    )
    assert response.status_code == 302
    people = Person.objects.filter(
        email__in=["zoe@alpha.example", "yann@alpha.example", "xavier.petit@alpha.example"]
    )
    assert people.count() == 3
    assert {p.organisation for p in people} == {org_a}
    assert Person.objects.get(email="zoe@alpha.example").first_name == "Zoé"
    assert Person.objects.get(email="xavier.petit@alpha.example").last_name == "Petit"
    assert Invitation.objects.filter(invited_by=manager_a.user).count() == 3
    assert OutboundEmail.objects.filter(to=["yann@alpha.example"]).count() == 1


def test_another_domain_is_refused_with_a_clear_message_and_nobody_is_invited(
    client_of, org_a, manager_a
):
    response = client_of(manager_a).post(
        reverse("accounts:colleagues_invite", args=[org_a.slug]),
        {"addresses": "zoe@alpha.example\nfriend@gmail.com"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "friend@gmail.com is not at Alpha Corp" in page
    assert "alpha.example" in page
    assert not Person.objects.filter(email="zoe@alpha.example").exists()
    assert Invitation.objects.count() == 0


def test_colleagues_with_an_account_or_at_another_organisation_are_refused(
    org_a, org_b, member_a, manager_a
):
    PersonFactory(organisation=org_b, email="moved@alpha.example")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        colleagues_invite(
            organisation=org_a,
            addresses="ada@alpha.example, moved@alpha.example, not-an-address",
            invited_by=manager_a.user,
        )
    text = " ".join(refused.value.messages)
    assert "ada@alpha.example already has an account" in text
    assert "moved@alpha.example belongs to another organisation" in text
    assert "is not an email address" in text
    assert Invitation.objects.count() == 0


def test_a_member_who_is_not_manager_cannot_reach_the_page(client_of, org_a, member_a):
    url = reverse("accounts:colleagues_invite", args=[org_a.slug])
    assert client_of(member_a).get(url).status_code == 404


def test_an_unknown_filter_is_said_and_nothing_is_sent(client_of, contacts, staff_user):
    response = client_of(staff_user).post(
        reverse("accounts:invitation_bulk"), {"organisation": "999999", "history": "any"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Invitation.objects.count() == 2
