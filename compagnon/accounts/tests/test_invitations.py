"""Staff invite people; the invited choose a password and land on their profile."""

from datetime import timedelta
from html import unescape

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from compagnon.accounts.models import Invitation, InvitationStatus, User
from compagnon.accounts.services import invitation_accept, invitation_create
from compagnon.accounts.tests.helpers import PASSWORD
from compagnon.core.models import OutboundEmail
from compagnon.members.tests.factories import PersonFactory

NEW_PASSWORD = "a-long-club-passphrase-42"
INVITED = "chloe.bernard@alpha.example"


@pytest.fixture
def contact(org_a):
    """An imported contact: a Person without an account."""
    return PersonFactory(
        organisation=org_a,
        email="Chloe.Bernard@alpha.example",
        first_name="Chloé",
        last_name="Bernard",
    )


@pytest.fixture
def invitation(contact, staff_user):
    return invitation_create(person=contact, invited_by=staff_user)


def accept_url(invitation):
    return reverse("accounts:invitation_accept", args=[invitation.token])


def accept(client, invitation, password=NEW_PASSWORD, confirmation=None):
    return client.post(
        accept_url(invitation), {"password1": password, "password2": confirmation or password}
    )


# Creating invitations


def test_invitation_create_page_is_for_staff_only(client, client_of, contact, member_a):
    url = reverse("accounts:invitation_create", args=[contact.pk])

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))

    assert client_of(member_a).get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert not Invitation.objects.exists()


def test_staff_confirm_then_send_an_invitation(client_of, contact, staff_user):
    client = client_of(staff_user)
    url = reverse("accounts:invitation_create", args=[contact.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Chloé Bernard" in page.text
    assert "Chloe.Bernard@alpha.example" in page.text
    assert not Invitation.objects.exists()  # GET only asks

    back = contact.get_absolute_url()
    response = client.post(url, {"next": back}, follow=True)

    assert response.redirect_chain[0] == (back, 302)
    assert "Invitation sent to chloe.bernard@alpha.example." in response.text
    invitation = Invitation.objects.get()
    assert invitation.person == contact
    assert invitation.invited_by == staff_user
    assert invitation.status == InvitationStatus.PENDING


def test_unsafe_next_is_ignored(client_of, contact, staff_user):
    response = client_of(staff_user).post(
        reverse("accounts:invitation_create", args=[contact.pk]), {"next": "https://evil.example/"}
    )

    assert response["Location"] == contact.get_absolute_url()


def test_invitation_email_has_the_link(invitation):
    email = OutboundEmail.objects.get()
    link = settings.SITE_URL + reverse("accounts:invitation_accept", args=[invitation.token])

    assert email.to == ["chloe.bernard@alpha.example"]
    assert link in email.body_text
    assert f'href="{link}"' in email.body_html
    assert email.key == f"invitation:{invitation.pk}"


@pytest.mark.french
def test_invitation_email_defaults_to_french(invitation):
    assert 'lang="fr"' in OutboundEmail.objects.get().body_html


def test_invitation_email_in_english_for_english_readers(contact, staff_user):
    contact.languages = ["en", "ar"]
    contact.save()

    invitation_create(person=contact, invited_by=staff_user)

    email = OutboundEmail.objects.get()
    assert email.subject == f"You're invited to join {settings.SITE_NAME}"
    assert 'lang="en"' in email.body_html
    assert "Hello Chloé," in email.body_text


def test_invitation_email_is_sent_after_commit(
    contact, staff_user, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(person=contact, invited_by=staff_user)

    [received] = smtp_server.received
    assert received.rcpt_tos == ["chloe.bernard@alpha.example"]
    assert invitation.token in received.text


def test_person_with_an_account_cannot_be_invited(client_of, member_a, staff_user):
    with pytest.raises(ValidationError, match="already has an account"):
        invitation_create(person=member_a, invited_by=staff_user)

    client = client_of(staff_user)
    url = reverse("accounts:invitation_create", args=[member_a.pk])
    assert "already has an account" in client.get(url).text
    response = client.post(url, follow=True)
    assert "already has an account" in response.text
    assert not Invitation.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_new_invitation_revokes_the_open_one(invitation, contact, staff_user):
    second = invitation_create(person=contact, invited_by=staff_user)

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    assert second.status == InvitationStatus.PENDING
    assert second.token != invitation.token


# Listing and resending


def test_invitation_list_shows_statuses(client, client_of, staff_user, member_a, org_a):
    now = timezone.now()
    people = [PersonFactory(organisation=org_a, first_name=f"P{i}") for i in range(4)]
    Invitation.objects.create(person=people[0], email=people[0].email)
    Invitation.objects.create(person=people[1], email=people[1].email, accepted_at=now)
    Invitation.objects.create(
        person=people[2], email=people[2].email, expires_at=now - timedelta(days=1)
    )
    Invitation.objects.create(person=people[3], email=people[3].email, revoked_at=now)
    url = reverse("accounts:invitation_list")

    assert client.get(url).status_code == 302
    assert client_of(member_a).get(url).status_code == 403
    page = client_of(staff_user).get(url)

    assert page.status_code == 200
    for label in ("Pending", "Accepted", "Expired", "Revoked"):
        assert f">{label}<" in page.text
    assert page.text.count(">Resend") == 3  # not for the accepted one


def test_resend_replaces_an_expired_invitation(client_of, invitation, staff_user):
    invitation.expires_at = timezone.now() - timedelta(days=1)
    invitation.save()

    response = client_of(staff_user).post(
        reverse("accounts:invitation_resend", args=[invitation.pk]), follow=True
    )

    assert "A new invitation was sent to chloe.bernard@alpha.example." in response.text
    fresh = Invitation.objects.exclude(pk=invitation.pk).get()
    assert fresh.status == InvitationStatus.PENDING
    assert fresh.expires_at > timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS - 1)
    assert OutboundEmail.objects.count() == 2
    assert fresh.token in OutboundEmail.objects.get(key=f"invitation:{fresh.pk}").body_text


def test_resend_is_staff_only_and_post_only(client, client_of, invitation, member_a, staff_user):
    url = reverse("accounts:invitation_resend", args=[invitation.pk])

    assert client.post(url).status_code == 302
    assert client_of(member_a).post(url).status_code == 403
    assert client_of(staff_user).get(url).status_code == 405
    assert Invitation.objects.count() == 1


def test_accepted_invitation_cannot_be_resent(client_of, invitation, staff_user):
    invitation_accept(invitation=invitation, password=NEW_PASSWORD)

    response = client_of(staff_user).post(
        reverse("accounts:invitation_resend", args=[invitation.pk]), follow=True
    )

    assert "already been used" in response.text
    assert Invitation.objects.count() == 1


# Accepting


def test_accept_page_welcomes_the_person(client, invitation):
    page = client.get(accept_url(invitation))

    assert page.status_code == 200
    assert "Welcome Chloé" in page.text
    assert 'for="id_password1"' in page.text
    assert 'for="id_password2"' in page.text


def test_accept_creates_account_links_person_and_signs_in(client, invitation, contact):
    response = accept(client, invitation)

    assert response.status_code == 302
    assert response["Location"] == reverse("members:profile_edit")
    user = User.objects.get(email="chloe.bernard@alpha.example")
    assert user.check_password(NEW_PASSWORD)
    assert user.full_name == "Chloé Bernard"
    contact.refresh_from_db()
    assert contact.user == user
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (user.email, True, True)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    home = client.get(reverse("site:home"))
    assert home.wsgi_request.user == user
    assert "Your account is ready. Complete your profile so the club can find you." in home.text


def test_accepted_account_signs_in_with_its_password(client, invitation):
    accept(client, invitation)
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "chloe.bernard@alpha.example", "password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert client.get(reverse("site:home")).wsgi_request.user.is_authenticated


def test_weak_password_is_refused_and_nothing_written(client, invitation, contact):
    response = accept(client, invitation, password="12345678")

    assert response.status_code == 200
    assert "This password is too common." in response.text
    assert "This password is entirely numeric." in response.text
    assert 'role="alert"' in response.text
    assert not User.objects.filter(email=INVITED).exists()
    contact.refresh_from_db()
    assert contact.user is None
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_password_like_the_name_is_refused(client, invitation):
    response = accept(client, invitation, password="chloe.bernard")

    assert "The password is too similar to the email." in response.text
    assert not User.objects.filter(email=INVITED).exists()


def test_mismatched_passwords_are_refused(client, invitation):
    response = accept(client, invitation, confirmation="something-else-entirely-99")

    assert "The two passwords are not the same." in response.text
    assert not User.objects.filter(email=INVITED).exists()


def test_expired_invitation_explains_what_to_do(client, invitation):
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()

    for response in (client.get(accept_url(invitation)), accept(client, invitation)):
        assert response.status_code == 410
        assert (
            "This invitation has expired. Ask the club's staff to send you a new one."
            in unescape(response.text)
        )
    assert not User.objects.filter(email=INVITED).exists()


def test_used_invitation_explains_what_to_do(client, invitation):
    accept(client, invitation)
    client.logout()

    response = accept(client, invitation, password="another-long-passphrase-7")

    assert response.status_code == 410
    assert "already been used" in response.text
    assert User.objects.filter(email=INVITED).count() == 1


def test_revoked_invitation_explains_what_to_do(client, invitation, contact, staff_user):
    invitation_create(person=contact, invited_by=staff_user)

    response = client.get(accept_url(invitation))

    assert response.status_code == 410
    assert "replaced by a newer one or withdrawn" in response.text


def test_unknown_token_is_404(client, db):
    response = client.get(reverse("accounts:invitation_accept", args=["no-such-token"]))

    assert response.status_code == 404


def test_invitation_of_a_person_who_signed_up_meanwhile_is_refused(invitation, contact):
    contact.user = User.objects.create_user(email="other@alpha.example", password=PASSWORD)
    contact.save()

    with pytest.raises(ValidationError, match="already been used"):
        invitation_accept(invitation=invitation, password=NEW_PASSWORD)
