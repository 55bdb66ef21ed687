"""Case invitations for people without an account: the signed link, one click, then the account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from compagnon.accounts.models import Invitation, User
from compagnon.cases.invitations import case_invitations_send, invitation_reply_token
from compagnon.cases.models import Answer, CaseInvitation, CaseStatus
from compagnon.core.models import OutboundEmail
from compagnon.matching.tests.club import build_club, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(db):
    return build_club()


@pytest.fixture
def carl(club):
    return person(club.gamma, "Carl", with_account=False)


@pytest.fixture
def invitation(club, carl, staff_user):
    (sent,) = case_invitations_send(case=club.case, people=[carl], invited_by=staff_user)
    return sent


def _url(invitation) -> str:
    """The link of the invitation email, as the person clicks it."""
    email = OutboundEmail.objects.get(key=f"case-invitation:{invitation.pk}")
    match = re.search(r"https?://\S+(/invitations/reply/\S+/)", email.body_text)
    assert match, email.body_text
    return match.group(1)


def test_the_emailed_link_opens_the_case_and_answers_in_one_click(client, club, invitation):
    url = _url(invitation)
    email = OutboundEmail.objects.get(key=f"case-invitation:{invitation.pk}")
    assert "No account is needed to answer" in email.body_text
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert club.case.title in text
    assert 'data-testid="reply-interested"' in text
    # Looking changes nothing (mail scanners follow links).
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING

    response = client.post(url, {"answer": "interested", "message": "Count me in"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.answer == Answer.INTERESTED
    assert invitation.answer_message == "Count me in"
    assert OutboundEmail.objects.filter(key=f"case-answer:{invitation.pk}:interested").exists()
    after = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="claim-offer"' in after


def test_the_link_answers_once(client, invitation):
    url = _url(invitation)
    client.post(url, {"answer": "declined"})
    again = client.post(url, {"answer": "expert"}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400
    assert "This link was already used" in again.content.decode()
    invitation.refresh_from_db()
    assert invitation.answer == Answer.DECLINED


def test_an_unknown_answer_is_refused_and_nothing_changes(client, invitation):
    response = client.post(_url(invitation), {"answer": "maybe"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Choose one of the answers" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING


def test_an_expired_invitation_or_a_closed_case_is_said_plainly(client, club, invitation):
    url = _url(invitation)
    with time_machine.travel(timezone.now() + timedelta(days=10, hours=1)):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert 'data-testid="invitation-expired"' in page.content.decode()
        refused = client.post(url, {"answer": "interested"}, HTTP_ACCEPT_LANGUAGE="en")
        assert "This invitation expired on" in refused.content.decode()
    club.case.status = CaseStatus.CLOSED
    club.case.save()
    refused = client.post(url, {"answer": "interested"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "no longer looking for people" in refused.content.decode()
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING


def test_a_forged_or_tampered_link_is_404(client, invitation):
    token = invitation_reply_token(invitation)
    assert (
        client.get(reverse("case_invitations:invitation_reply", args=["forged"])).status_code == 404
    )
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.post(
        reverse("case_invitations:invitation_reply", args=[tampered]), {"answer": "interested"}
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING


def test_after_answering_the_person_claims_the_account(client, carl, invitation):
    url = _url(invitation)
    client.post(url, {"answer": "expert"})
    response = client.post(url, {"action": "claim"})
    account_invitation = Invitation.objects.get(person=carl)
    assert response["Location"] == reverse(
        "accounts:invitation_accept", args=[account_invitation.token]
    )
    done = client.post(
        response["Location"],
        {"password1": "a-long-club-passphrase-9", "password2": "a-long-club-passphrase-9"},
    )
    assert done.status_code == 302
    carl.refresh_from_db()
    assert carl.user == User.objects.get(email=carl.email)
    # A second claim (another tab) hands over nothing new: the account exists.
    again = client.post(url, {"action": "claim"})
    assert again["Location"] == reverse("case_invitations:invitation_answer", args=[invitation.pk])
    assert Invitation.objects.filter(person=carl).count() == 1
    # Once used and the account made, the link leads to the sign-in, not to the case.
    client.logout()
    assert client.get(url)["Location"] == reverse(
        "case_invitations:invitation_answer", args=[invitation.pk]
    )


def test_someone_with_an_account_gets_the_usual_answer_page(club, staff_user):
    (sent,) = case_invitations_send(case=club.case, people=[club.expert], invited_by=staff_user)
    email = OutboundEmail.objects.get(key=f"case-invitation:{sent.pk}")
    assert reverse("case_invitations:invitation_answer", args=[sent.pk]) in email.body_text
    assert "/invitations/reply/" not in email.body_text
    assert "No account is needed" not in email.body_text


def test_the_match_page_marks_who_has_no_account_and_lets_staff_invite_them(
    client_of, club, carl, staff_user
):
    from compagnon.members.tests.factories import SkillFactory

    SkillFactory(person=carl, tag=club.causality, level=4)
    client = client_of(staff_user)
    url = reverse("case_invitations:case_match", args=[club.case.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = page.split(f'data-person="{carl.pk}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="no-account"' in row
    assert f'id="invite-{carl.pk}"' in row and "disabled" not in row
    response = client.post(url, {"people": [carl.pk]})
    assert response.status_code == 302
    assert CaseInvitation.objects.get().person == carl


def test_a_message_too_long_from_the_link_is_refused_and_the_answer_stays_open(client, invitation):
    url = _url(invitation)
    response = client.post(url, {"answer": "interested", "message": "x" * 2001})
    assert "limited to 2000 characters (it has 2001)" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING and invitation.answer_message == ""
