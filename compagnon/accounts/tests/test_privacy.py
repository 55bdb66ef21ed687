"""Personal data: a person's export, their erasure, deleting a person, the outbox's retention."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from compagnon.accounts.models import User
from compagnon.accounts.privacy import (
    account_close,
    person_data_export,
    person_delete,
    person_erase,
)
from compagnon.cases.models import Answer, CaseInvitation
from compagnon.cases.tests.factories import CaseFactory
from compagnon.core.email import email_queue
from compagnon.core.models import Notice, OutboundEmail
from compagnon.core.outbox import outbound_emails_purge
from compagnon.members.models import Person, Visibility
from compagnon.members.tests.factories import InterestFactory, SkillFactory
from compagnon.newsletter.models import ConsentAction, ConsentRecord, SubscriberStatus
from compagnon.newsletter.tests.factories import SubscriberFactory
from compagnon.workshops.models import Feedback, Registration, RegistrationStatus
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def _zip(export) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(export.content))


def _json(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return json.loads(archive.read(f"{name}.json"))


@pytest.fixture
def ada(member_a):
    """Ada with something everywhere: skills, a seat, feedback, a case, a newsletter, emails."""
    member_a.job_title = '=HYPERLINK("http://evil.example","x")'
    member_a.bio = "I forecast demand."
    member_a.linkedin_url = "https://www.linkedin.com/in/ada"
    member_a.chat_username = "ada.m"
    member_a.save()
    SkillFactory(person=member_a, tag__slug="time-series", level=4, can_teach=True)
    InterestFactory(person=member_a, tag__slug="causal-inference")
    past = RegistrationFactory(
        person=member_a,
        workshop=WorkshopFactory(
            title="Past workshop", starts_at=timezone.now() - dt.timedelta(days=10)
        ),
    )
    Feedback.objects.create(registration=past, rating=5, learned="Prophet is slow.")
    CaseFactory(brought_by=member_a, title="Our churn model", description="Churn **is** high.")
    other_case = CaseFactory(title="Someone else's case")
    CaseInvitation.objects.create(
        case=other_case, person=member_a, answer=Answer.INTERESTED, answer_message="Count me in"
    )
    subscriber = SubscriberFactory(email="ADA@alpha.example")
    ConsentRecord.objects.create(
        subscriber=subscriber, action=ConsentAction.SUBSCRIBE, source="/newsletter/"
    )
    sent = email_queue(to=[member_a.email], subject="Your seat", text="See you Monday, Ada.")
    OutboundEmail.objects.filter(pk=sent.pk).update(sent_at=timezone.now())
    EmailAddress.objects.create(user=member_a.user, email=member_a.email, verified=True)
    Authenticator.objects.create(user=member_a.user, type="totp", data={"secret": "x"})
    Notice.objects.create(user=member_a.user, text="Ada, you were invited")
    return member_a


# --- export -----------------------------------------------------------------------------------


def test_a_person_exports_everything_the_club_holds_on_them(ada):
    export = person_data_export(actor=ada.user, person=ada)

    archive = _zip(export)
    names = set(archive.namelist())
    for part in (
        "profile",
        "skills",
        "interests",
        "workshop_registrations",
        "workshop_feedback",
        "case_invitations",
        "cases_brought",
        "challenge_submissions",
        "newsletter_subscriptions",
        "newsletter_consent_records",
        "emails_sent_to_you",
    ):
        assert {f"{part}.json", f"{part}.csv"} <= names, part
    assert "README.txt" in names
    assert _json(archive, "profile")[0]["linkedin"] == "https://www.linkedin.com/in/ada"
    assert _json(archive, "skills")[0]["tag"] == "time-series"
    assert _json(archive, "workshop_registrations")[0]["workshop"] == "Past workshop"
    assert _json(archive, "workshop_feedback")[0]["learned"] == "Prophet is slow."
    assert _json(archive, "case_invitations")[0]["message"] == "Count me in"
    assert _json(archive, "cases_brought")[0]["title"] == "Our churn model"
    assert _json(archive, "newsletter_consent_records")[0]["action"] == "subscribe"
    assert _json(archive, "emails_sent_to_you")[0]["text"] == "See you Monday, Ada."
    assert "totp" in _json(archive, "profile")[0]["two_factor_methods"]


def test_the_export_csv_is_formula_safe(ada):
    archive = _zip(person_data_export(actor=ada.user, person=ada))

    text = archive.read("profile.csv").decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["job_title"] == '\'=HYPERLINK("http://evil.example","x")'


def test_only_the_person_or_staff_get_the_export(ada, member_b, staff_user):
    with pytest.raises(PermissionDenied):
        person_data_export(actor=member_b.user, person=ada)
    assert person_data_export(actor=staff_user, person=ada).counts["skills"] == 1


def test_the_export_never_shows_a_private_score_before_the_reveal(member_a):
    from compagnon.challenges.models import Submission, Team
    from compagnon.challenges.tests.factories import ChallengeFactory

    challenge = ChallengeFactory()
    team = Team.objects.create(challenge=challenge, name="Ada")
    Submission.objects.create(
        challenge=challenge,
        team=team,
        submitted_by=member_a.user,
        public_score=0.5,
        private_score=0.9,
        file="x.csv",
    )

    rows = _json(
        _zip(person_data_export(actor=member_a.user, person=member_a)), "challenge_submissions"
    )

    assert rows[0]["public_score"] == 0.5
    assert rows[0]["private_score"] is None


def test_the_profile_page_downloads_the_zip(client_of, ada):
    response = client_of(ada).get(reverse("accounts:data_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert "cases_brought.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


# --- erasure ----------------------------------------------------------------------------------


def test_erasure_frees_the_seat_for_the_next_person_at_once(
    ada, member_b, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(onsite_seats=1)
    seat = RegistrationFactory(workshop=workshop, person=ada)
    waiting = RegistrationFactory(
        workshop=workshop, person=member_b, status=RegistrationStatus.WAITING
    )

    # The registration emails are rendered after the commit, as a real commit would run them.
    with django_capture_on_commit_callbacks(execute=True):
        result = person_erase(actor=ada.user, person=ada)

    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert seat.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.OFFERED
    assert (result.seats_released, result.registrations_kept) == (1, 1)  # the past one stays
    # The offer is emailed to the next person; nothing is emailed to the erased one.
    assert outbound_to(member_b.email)
    assert not outbound_to("ada@alpha.example")


def outbound_to(address: str) -> list[OutboundEmail]:
    return [e for e in OutboundEmail.objects.all() if address in e.to]


def test_erasure_anonymises_them_everywhere_and_keeps_the_counts(ada):
    counts_before = (
        Registration.objects.count(),
        Feedback.objects.count(),
        CaseInvitation.objects.count(),
        Person.objects.count(),
    )

    person_erase(actor=ada.user, person=ada)

    ada.refresh_from_db()
    assert ada.is_erased
    with translation.override("fr"):
        assert ada.full_name.startswith("Ancien membre ")
    with translation.override("en"):
        assert ada.full_name.startswith("Former member ")
    assert "alpha.example" not in ada.email
    for value in (ada.job_title, ada.bio, ada.linkedin_url, ada.chat_username):
        assert value == ""
    assert ada.directory_visibility == Visibility.HIDDEN
    assert not ada.skills.exists() and not ada.interests.exists()
    assert CaseInvitation.objects.get(person=ada).answer_message == ""
    assert Feedback.objects.get(registration__person=ada).learned == ""
    assert (
        Registration.objects.count(),
        Feedback.objects.count(),
        CaseInvitation.objects.count(),
        Person.objects.count(),
    ) == counts_before
    # The case is the organisation's: its text stays, its bringer is the tombstone.
    case = ada.cases_brought.get()
    assert case.description == "Churn **is** high."
    assert case.brought_by.full_name == ada.full_name


def test_erasure_closes_every_door_of_the_account(client_of, ada):
    client = client_of(ada)
    assert client.get(reverse("members:profile_edit")).status_code == 200
    assert Session.objects.count() == 1

    person_erase(actor=ada.user, person=ada)

    user = User.objects.get(pk=ada.user_id)
    assert not user.is_active and not user.has_usable_password()
    assert "alpha.example" not in user.email
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not Notice.objects.filter(user=user).exists()
    assert Session.objects.count() == 0
    response = client.get(reverse("members:profile_edit"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_erasure_withdraws_the_newsletter_and_keeps_the_consent_records(ada):
    person_erase(actor=ada.user, person=ada)

    subscriber = ConsentRecord.objects.first().subscriber
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert list(subscriber.consent_records.values_list("action", flat=True)) == [
        ConsentAction.SUBSCRIBE,
        ConsentAction.UNSUBSCRIBE,
    ]


def test_erasure_forgets_what_was_emailed_to_them(ada, member_b):
    shared = email_queue(to=[ada.email, member_b.email], subject="Both", text="Hello both")

    person_erase(actor=ada.user, person=ada)

    sent = OutboundEmail.objects.filter(sent_at__isnull=False).get()
    assert (sent.to, sent.subject, sent.body_text) == ([], "", "")
    shared.refresh_from_db()
    assert shared.to == [member_b.email] and shared.body_text == "Hello both"


def test_nothing_is_ever_emailed_to_an_erased_person(ada, settings):
    open_invitation = CaseInvitation.objects.create(
        case=CaseFactory(),
        person=ada,
        expires_at=timezone.now() + dt.timedelta(days=5),
    )
    person_erase(actor=ada.user, person=ada)
    ada.refresh_from_db()

    email = email_queue(to=[ada.email], subject="Reminder", text="Still there?", key="late")

    assert email.to == []  # kept for its key, sent to nobody
    open_invitation.refresh_from_db()
    assert open_invitation.expires_at <= timezone.now()


def test_another_member_cannot_erase_someone(ada, member_b):
    with pytest.raises(PermissionDenied):
        person_erase(actor=member_b.user, person=ada)
    ada.refresh_from_db()
    assert not ada.is_erased


def test_erasing_twice_is_harmless(ada, staff_user):
    person_erase(actor=staff_user, person=ada)
    ada.refresh_from_db()
    first_name = ada.full_name

    person_erase(actor=staff_user, person=ada)

    ada.refresh_from_db()
    assert ada.is_erased and ada.full_name != first_name  # a new short id, still a tombstone


# --- deleting, closing ------------------------------------------------------------------------


def test_deleting_a_person_never_leaves_an_active_login(member_a, staff_user, member_b):
    workshop = WorkshopFactory(onsite_seats=1)
    RegistrationFactory(workshop=workshop, person=member_a)
    waiting = RegistrationFactory(
        workshop=workshop, person=member_b, status=RegistrationStatus.WAITING
    )
    user_id = member_a.user_id

    person_delete(person=member_a, actor=staff_user)

    assert not Person.objects.filter(pk=member_a.pk).exists()
    user = User.objects.get(pk=user_id)
    assert not user.is_active and not user.has_usable_password()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.OFFERED


def test_a_closed_account_cannot_sign_in(client, member_a):
    account_close(user=member_a.user, actor=member_a.user)

    response = client.post(
        reverse("account_login"),
        {"login": member_a.email, "password": "correct-horse-battery"},
    )

    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)


# --- the outbox's retention -------------------------------------------------------------------


def test_outbox_bodies_are_purged_after_the_retention(settings):
    settings.OUTBOX_RETENTION_DAYS = 90
    now = timezone.now()
    old = OutboundEmail.objects.create(
        to=["a@example.org"],
        subject="Old",
        body_text="old text",
        body_html="<p>old</p>",
        headers={"List-Unsubscribe": "<https://x/u/token>"},
        sent_at=now - dt.timedelta(days=91),
    )
    recent = OutboundEmail.objects.create(
        to=["a@example.org"],
        subject="Recent",
        body_text="recent",
        sent_at=now - dt.timedelta(days=89),
    )
    unsent = OutboundEmail.objects.create(
        to=["a@example.org"],
        subject="Unsent",
        body_text="waiting",
        created_at=now - dt.timedelta(days=200),
    )

    assert outbound_emails_purge(now=now) == 1
    assert outbound_emails_purge(now=now) == 0  # idempotent

    old.refresh_from_db()
    recent.refresh_from_db()
    unsent.refresh_from_db()
    assert (old.body_text, old.body_html, old.headers) == ("", "", {})
    assert old.to == ["a@example.org"] and old.subject == "Old"  # the log stays
    assert recent.body_text == "recent" and unsent.body_text == "waiting"


def test_the_purge_command_reads_the_setting(settings):
    settings.OUTBOX_RETENTION_DAYS = 1
    OutboundEmail.objects.create(
        to=["a@example.org"],
        subject="Old",
        body_text="old text",
        sent_at=timezone.now() - dt.timedelta(days=2),
    )
    out = io.StringIO()

    call_command("outbox_purge", stdout=out)

    assert "purged: 1" in out.getvalue()
    assert OutboundEmail.objects.get().body_text == ""


# --- the erasure page ------------------------------------------------------------------------


def test_the_erasure_page_says_what_happens(client_of, ada):
    response = client_of(ada).get(reverse("accounts:data_erase"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "offered at once to the next person waiting" in body
    assert reverse("accounts:data_export") in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Tick the box to confirm."),
        ({"understood": "on"}, "This field is required."),
        ({"understood": "on", "password": "wrong"}, "This is not your password."),
        ({"password": "correct-horse-battery"}, "Tick the box to confirm."),
    ],
)
def test_erasure_needs_the_password_and_the_tick(client_of, ada, data, message):
    response = client_of(ada).post(reverse("accounts:data_erase"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    ada.refresh_from_db()
    assert not ada.is_erased and User.objects.get(pk=ada.user_id).is_active


def test_erasing_oneself_signs_out_and_says_goodbye(client_of, ada):
    client = client_of(ada)

    response = client.post(
        reverse("accounts:data_erase"),
        {"password": "correct-horse-battery", "understood": "on"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("site:home")
    assert "Goodbye" in response.content.decode()
    assert "_auth_user_id" not in client.session
    ada.refresh_from_db()
    assert ada.is_erased


def test_the_profile_page_offers_export_and_erasure(client_of, ada):
    body = client_of(ada).get(reverse("members:profile_edit")).content.decode()

    assert reverse("accounts:data_export") in body
    assert reverse("accounts:data_erase") in body


def _export_queries(person, n: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(n):
        registration = RegistrationFactory(person=person)
        Feedback.objects.create(registration=registration, rating=4, learned=f"thing {i}")
        CaseInvitation.objects.create(case=CaseFactory(), person=person)
        SkillFactory(person=person)
        email_queue(to=[person.email], subject=f"Email {i}", text="Hello")
    with CaptureQueriesContext(connection) as queries:
        person_data_export(actor=person.user, person=person)
    return len(queries)


def test_the_export_reads_in_a_fixed_number_of_queries(member_a, member_b):
    assert _export_queries(member_a, 1) == _export_queries(member_b, 3)


def test_staff_erase_a_contact_who_never_had_an_account(staff_user):
    from compagnon.members.tests.factories import PersonFactory

    contact = PersonFactory(email="imported@example.org", first_name="Imported")

    from compagnon.accounts.models import Invitation

    Invitation.objects.create(person=contact, email=contact.email, revoked_at=timezone.now())
    Invitation.objects.create(person=contact, email=contact.email)

    result = person_erase(actor=staff_user, person=contact)

    contact.refresh_from_db()
    assert contact.is_erased and result.user_id is None
    assert not Invitation.objects.filter(email__icontains="imported").exists()
    assert not Invitation.objects.filter(revoked_at__isnull=True).exists()


def test_only_staff_delete_a_person(member_a):
    with pytest.raises(PermissionDenied):
        person_delete(person=member_a, actor=member_a.user)
    assert Person.objects.filter(pk=member_a.pk).exists()


def test_an_account_without_a_profile_exports_and_erases(client_of):
    from compagnon.members.tests.factories import UserFactory

    user = UserFactory(email="guest@example.org")
    client = client_of(user)

    export = client.get(reverse("accounts:data_export"))
    profile = json.loads(zipfile.ZipFile(io.BytesIO(export.content)).read("profile.json"))
    assert profile[0]["account_email"] == "guest@example.org"

    person_erase(actor=user, user=user)
    user.refresh_from_db()
    assert not user.is_active and "guest" not in user.email


def test_a_solo_team_named_after_them_is_renamed(member_a, member_b):
    from compagnon.challenges.models import Team, TeamMembership
    from compagnon.challenges.tests.factories import ChallengeFactory

    challenge = ChallengeFactory()
    solo = Team.objects.create(challenge=challenge, name="Ada Martin")
    TeamMembership.objects.create(challenge=challenge, team=solo, user=member_a.user)
    other = ChallengeFactory()
    shared = Team.objects.create(challenge=other, name="Ada Martin (2)")
    TeamMembership.objects.create(challenge=other, team=shared, user=member_a.user)
    TeamMembership.objects.create(challenge=other, team=shared, user=member_b.user)

    person_erase(actor=member_a.user, person=member_a)

    solo.refresh_from_db()
    shared.refresh_from_db()
    assert solo.name.startswith("Ancien membre ")
    assert shared.name == "Ada Martin (2)"  # the team's, chosen with others: theirs to rename
