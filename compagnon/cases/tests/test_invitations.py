"""Case invitations: sending, answering, raising a hand, reminders, expiry, and their pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compagnon.cases.invitations import (
    case_hand_raise,
    case_invitation_answer,
    case_invitations_remind_due,
    case_invitations_send,
)
from compagnon.cases.models import Answer, CaseInvitation, CaseStatus, CaseTransition
from compagnon.cases.tasks_invitations import case_invitations_remind
from compagnon.core.models import Notice, OutboundEmail
from compagnon.matching.tests.club import build_club, invite, open_case, person
from compagnon.members.models import Visibility
from compagnon.members.selectors import viewer_for
from compagnon.members.tests.factories import SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(db):
    return build_club()


def _send(club, *people, by=None):
    return case_invitations_send(case=club.case, people=list(people), invited_by=by)


def _messages(error: ValidationError) -> str:
    return " | ".join(error.messages)


def _nothing_written(before_emails: int = 0):
    assert CaseInvitation.objects.count() == 0
    assert OutboundEmail.objects.count() == before_emails
    assert Notice.objects.count() == 0


# --- sending ------------------------------------------------------------------------------------


def test_sending_writes_the_invitation_an_email_and_a_notice(club, staff_user):
    (invitation,) = case_invitations_send(
        case=club.case,
        people=[club.expert],
        invited_by=staff_user,
        reasons_by_person={club.expert.pk: [["knows", "causality", "expert"]]},
        scores_by_person={club.expert.pk: 0.8},
    )
    assert invitation.answer == Answer.PENDING
    assert invitation.score == 0.8
    assert invitation.invited_by == staff_user
    assert invitation.expires_at - invitation.created_at == timedelta(days=10)
    email = OutboundEmail.objects.get(key=f"case-invitation:{invitation.pk}")
    assert email.to == [club.expert.email]
    assert club.case.title in email.subject
    assert "knows Causality (expert)" in email.body_text
    assert reverse("case_invitations:invitation_answer", args=[invitation.pk]) in email.body_text
    notice = Notice.objects.get(user=club.expert.user)
    assert club.case.title in notice.text
    assert notice.url == reverse("case_invitations:invitation_answer", args=[invitation.pk])


def test_the_email_speaks_the_invitees_language(club, staff_user):
    club.expert.languages = ["fr"]
    club.expert.save()
    case_invitations_send(
        case=club.case,
        people=[club.expert],
        invited_by=staff_user,
        reasons_by_person={club.expert.pk: [["teaches", "causality", "expert"]]},
    )
    email = OutboundEmail.objects.get()
    assert email.subject.startswith("Rejoindriez-vous le cas")
    assert "enseigne Causalité (expert)" in email.body_text


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("opted_out", "asked not to be invited before"),
        ("leaver", "left their organisation on"),
        ("competitor", "belongs to Zeta Retail, which this case excludes"),
        ("owner", "brought this case"),
        ("lapsed", "is not a current member of the club"),
    ],
)
def test_refusals_name_the_person_and_the_reason(club, staff_user, who, message):
    refused = getattr(club, who)
    with pytest.raises(ValidationError) as caught:
        _send(club, refused, by=staff_user)
    text = _messages(caught.value)
    assert refused.full_name in text
    assert message in text
    _nothing_written()


def test_a_batch_is_all_or_nothing_and_lists_every_problem(club, staff_user):
    with pytest.raises(ValidationError) as caught:
        _send(club, club.expert, club.opted_out, club.competitor, by=staff_user)
    problems = caught.value.messages
    assert len(problems) == 2
    assert any(club.opted_out.full_name in p for p in problems)
    assert any(club.competitor.full_name in p for p in problems)
    _nothing_written()


def test_inviting_twice_says_already_invited_and_keeps_one_row(club, staff_user):
    _send(club, club.expert, by=staff_user)
    with pytest.raises(ValidationError) as caught:
        _send(club, club.expert, by=staff_user)
    assert "is already invited to this case" in _messages(caught.value)
    assert CaseInvitation.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_a_case_that_is_not_open_takes_no_invitations(club, staff_user):
    club.case.status = CaseStatus.SUBMITTED
    club.case.save()
    with pytest.raises(ValidationError, match="once the case is open"):
        _send(club, club.expert, by=staff_user)
    _nothing_written()


def test_someone_without_an_account_is_invited_by_email_with_a_signed_link(club, staff_user):
    contact = person(club.gamma, "Carl", with_account=False)
    (invitation,) = _send(club, contact, by=staff_user)
    email = OutboundEmail.objects.get(key=f"case-invitation:{invitation.pk}")
    assert email.to == [contact.email]
    assert "/invitations/reply/" in email.body_text
    assert Notice.objects.count() == 0  # no account, no notice


def test_an_empty_batch_is_refused(club, staff_user):
    with pytest.raises(ValidationError, match="at least one person"):
        _send(club, by=staff_user)


# --- answering ----------------------------------------------------------------------------------


def test_an_interested_answer_is_recorded_and_told_to_the_owner(club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    case_invitation_answer(
        invitation=invitation,
        answer=Answer.INTERESTED,
        message="We have uplift code to share.",
        actor=club.expert.user,
    )
    invitation.refresh_from_db()
    assert invitation.answer == Answer.INTERESTED
    assert invitation.answered_at is not None
    assert invitation.answer_message == "We have uplift code to share."
    email = OutboundEmail.objects.get(key=f"case-answer:{invitation.pk}:interested")
    assert email.to == [club.owner.email]
    assert "uplift code" in email.body_text
    assert Notice.objects.filter(user=club.owner.user, text__contains="Esther").exists()


def test_a_decline_does_not_bother_the_owner(club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    case_invitation_answer(
        invitation=invitation, answer=Answer.DECLINED, message="", actor=club.expert.user
    )
    assert not OutboundEmail.objects.filter(to=[club.owner.email]).exists()


def test_an_expired_invitation_cannot_be_answered(club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    with (
        time_machine.travel(timezone.now() + timedelta(days=11)),
        pytest.raises(ValidationError) as caught,
    ):
        case_invitation_answer(
            invitation=invitation, answer=Answer.INTERESTED, actor=club.expert.user
        )
    assert "This invitation expired on" in _messages(caught.value)
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING and invitation.answered_at is None


def test_only_the_invitee_answers(club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    for intruder in (club.owner.user, staff_user):
        with pytest.raises(PermissionDenied):
            case_invitation_answer(invitation=invitation, answer=Answer.INTERESTED, actor=intruder)
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING


def test_an_unknown_answer_is_refused(club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    with pytest.raises(ValidationError, match="Choose one of the answers"):
        case_invitation_answer(invitation=invitation, answer="maybe", actor=club.expert.user)


def test_enough_yeses_move_the_case_to_matched(club, staff_user):
    first, second = _send(club, club.expert, club.learner, by=staff_user)
    case_hand_raise(case=club.case, person=club.colleague)  # a volunteer counts too
    club.case.refresh_from_db()
    assert club.case.status == CaseStatus.OPEN
    case_invitation_answer(invitation=first, answer=Answer.EXPERT, actor=club.expert.user)
    club.case.refresh_from_db()
    assert club.case.status == CaseStatus.MATCHED
    transition = CaseTransition.objects.get(case=club.case, to_status=CaseStatus.MATCHED)
    assert transition.actor is None
    assert "2 people interested" in transition.note
    # Once matched, later answers are still welcome and nothing moves again.
    case_invitation_answer(invitation=second, answer=Answer.INTERESTED, actor=club.learner.user)
    assert CaseTransition.objects.filter(to_status=CaseStatus.MATCHED).count() == 1


def test_a_closed_case_takes_no_answers(club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    club.case.status = CaseStatus.CLOSED
    club.case.save()
    with pytest.raises(ValidationError, match="no longer looking for people"):
        case_invitation_answer(
            invitation=invitation, answer=Answer.INTERESTED, actor=club.expert.user
        )


# --- raising a hand -------------------------------------------------------------------------------


def test_raising_a_hand_twice_keeps_one_row(club):
    first = case_hand_raise(case=club.case, person=club.learner, message="I want to learn this")
    second = case_hand_raise(case=club.case, person=club.learner)
    assert first.pk == second.pk
    assert first.volunteered and first.answer == Answer.INTERESTED
    assert CaseInvitation.objects.count() == 1
    assert OutboundEmail.objects.filter(to=[club.owner.email]).count() == 1


def test_the_owner_and_excluded_organisations_cannot_raise_a_hand(club):
    with pytest.raises(ValidationError, match="your own case"):
        case_hand_raise(case=club.case, person=club.owner)
    with pytest.raises(ValidationError, match="not to involve your organisation"):
        case_hand_raise(case=club.case, person=club.competitor)
    assert CaseInvitation.objects.count() == 0


def test_an_invitee_raising_a_hand_answers_interested(club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    raised = case_hand_raise(case=club.case, person=club.expert)
    assert raised.pk == invitation.pk
    assert raised.answer == Answer.INTERESTED and not raised.volunteered


# --- reminders and expiry ----------------------------------------------------------------------------


def test_one_reminder_after_five_days_never_two(club, staff_user):
    first, answered = _send(club, club.expert, club.learner, by=staff_user)
    case_invitation_answer(invitation=answered, answer=Answer.DECLINED, actor=club.learner.user)
    assert case_invitations_remind_due() == 0  # too early
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert case_invitations_remind_due() == 1
        assert case_invitations_remind_due() == 0
        assert case_invitations_remind.enqueue().return_value == 0
    first.refresh_from_db()
    assert first.reminded_at is not None
    reminder = OutboundEmail.objects.get(key=f"case-invitation-reminder:{first.pk}")
    assert reminder.to == [club.expert.email]
    assert "only reminder" in reminder.body_text
    assert not OutboundEmail.objects.filter(key=f"case-invitation-reminder:{answered.pk}").exists()


def test_no_reminder_once_expired_or_when_the_case_moved_on(club, staff_user):
    _send(club, club.expert, by=staff_user)
    with time_machine.travel(timezone.now() + timedelta(days=11)):
        assert case_invitations_remind_due() == 0
    club.case.status = CaseStatus.CLOSED
    club.case.save()
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert case_invitations_remind_due() == 0


def test_an_invitation_without_expiry_gets_its_reminder(club, staff_user):
    # Same rule as cases.selectors.invitations_open: no expiry means open.
    (invitation,) = _send(club, club.expert, by=staff_user)
    CaseInvitation.objects.filter(pk=invitation.pk).update(expires_at=None)
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert case_invitations_remind_due() == 1
        assert case_invitations_remind_due() == 0
    reminder = OutboundEmail.objects.get(key=f"case-invitation-reminder:{invitation.pk}")
    assert "Please answer before" not in reminder.body_text
    invitation.refresh_from_db()
    assert invitation.reminded_at is not None


def test_the_reminder_command(club, staff_user, capsys):
    _send(club, club.expert, by=staff_user)
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        call_command("case_invitations_remind")
    assert "1 reminder(s) sent." in capsys.readouterr().out


# --- the staff match page -------------------------------------------------------------------------


def _match_url(case) -> str:
    return reverse("case_invitations:case_match", args=[case.pk])


def test_the_match_page_proposes_the_set_and_never_shows_excluded_people(
    client_of, club, staff_user
):
    response = client_of(staff_user).get(_match_url(club.case))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-person="{club.expert.pk}" data-proposed="true"' in page
    assert f'id="invite-{club.expert.pk}" checked' in page
    for absent in (club.competitor, club.opted_out, club.leaver, club.lapsed, club.owner):
        assert f'data-person="{absent.pk}"' not in page, absent.first_name
    assert 'data-testid="invite-submit"' in page


def test_inviting_from_the_match_page_then_double_submitting(client_of, club, staff_user):
    client = client_of(staff_user)
    data = {"people": [club.expert.pk]}
    response = client.post(_match_url(club.case), data)
    assert response.status_code == 302
    invitation = CaseInvitation.objects.get()
    assert invitation.reasons and invitation.score
    again = client.post(_match_url(club.case), data)
    assert again.status_code == 200
    assert "is already invited to this case" in again.content.decode()
    assert CaseInvitation.objects.count() == 1


def test_the_match_page_lists_every_refusal(client_of, club, staff_user):
    response = client_of(staff_user).post(
        _match_url(club.case), {"people": [club.expert.pk, club.opted_out.pk, club.leaver.pk]}
    )
    page = response.content.decode()
    assert 'data-testid="invite-errors"' in page
    assert "asked not to be invited before" in page
    assert "left their organisation on" in page
    _nothing_written()


def test_the_match_page_query_count_does_not_grow_with_people(client_of, club, staff_user):
    client = client_of(staff_user)

    def count() -> tuple[int, int]:
        client.get(_match_url(club.case))  # build the index outside the measure
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_match_url(club.case))
        return len(queries), len(response.context["proposal"].ranked)

    one, ranked_one = count()
    for index in range(2):
        extra = person(club.gamma if index else club.beta, f"Extra{index}")
        SkillFactory(person=extra, tag=club.causality, level=3)
    three, ranked_three = count()
    assert ranked_three >= ranked_one + 2
    assert one == three


# --- the answer page ------------------------------------------------------------------------------


def _answer_url(invitation) -> str:
    return reverse("case_invitations:invitation_answer", args=[invitation.pk])


def test_the_invitee_answers_on_the_page(client_of, club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    client = client_of(club.expert)
    page = client.get(_answer_url(invitation)).content.decode()
    assert 'data-testid="answer-form"' in page
    assert 'data-testid="answer-interested"' in page
    response = client.post(_answer_url(invitation), {"answer": "expert", "message": "Happy to"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.answer == Answer.EXPERT


def test_someone_elses_invitation_is_a_404(client_of, club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    for other in (club.owner, club.learner):
        client = client_of(other)
        assert client.get(_answer_url(invitation)).status_code == 404
        assert client.post(_answer_url(invitation), {"answer": "declined"}).status_code == 404
    assert client_of(staff_user).get(_answer_url(invitation)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING


def test_the_answer_page_of_an_expired_invitation_says_so(client_of, club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    client = client_of(club.expert)
    with time_machine.travel(timezone.now() + timedelta(days=11)):
        page = client.get(_answer_url(invitation)).content.decode()
        assert "This invitation expired on" in page
        assert 'data-testid="answer-form"' not in page
        response = client.post(_answer_url(invitation), {"answer": "interested"})
    assert "This invitation expired on" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING


def test_an_answer_without_a_choice_is_asked_again(client_of, club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    response = client_of(club.expert).post(_answer_url(invitation), {"message": "hm"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


# --- raising a hand on the page ---------------------------------------------------------------------


def _raise_url(case) -> str:
    return reverse("case_invitations:case_hand_raise", args=[case.pk])


def test_raising_a_hand_without_javascript(client_of, club):
    client = client_of(club.learner)
    response = client.post(_raise_url(club.case), {"next": "/"}, follow=True)
    assert "Thanks — the case owner will see it." in response.content.decode()
    assert CaseInvitation.objects.get().volunteered
    response = client.post(_raise_url(club.case), {"next": "/"})
    assert CaseInvitation.objects.count() == 1


def test_raising_a_hand_with_htmx_swaps_the_button(client_of, club):
    response = client_of(club.learner).post(_raise_url(club.case), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'data-testid="raise-hand-done"' in page
    assert "<html" not in page


def test_raising_a_hand_on_an_invisible_case_is_a_404(client_of, club):
    assert client_of(club.competitor).post(_raise_url(club.case)).status_code == 404
    assert CaseInvitation.objects.count() == 0


def test_a_refused_hand_raise_says_why(client_of, club):
    response = client_of(club.owner).post(_raise_url(club.case), HTTP_HX_REQUEST="true")
    assert "This is your own case." in response.content.decode()


def test_an_unsafe_next_is_ignored(client_of, club):
    response = client_of(club.learner).post(
        _raise_url(club.case), {"next": "https://evil.example/"}
    )
    assert response["Location"] == club.case.get_absolute_url()


# --- the responses panel ----------------------------------------------------------------------------


def _panel(case, who) -> str:
    return render_to_string("cases/_responses.html", {"case": case, "viewer": viewer_for(who)})


def test_the_owner_sees_answers_but_not_hidden_names(club, staff_user):
    hidden = person(club.gamma, "Hugo", directory_visibility=Visibility.HIDDEN)
    invite(club.case, club.expert, answer=Answer.INTERESTED, answer_message="Count me in")
    invite(club.case, hidden, answer=Answer.EXPERT)
    owner_panel = _panel(club.case, club.owner.user)
    assert 'data-testid="responses"' in owner_panel
    assert "Esther" in owner_panel and "Count me in" in owner_panel
    assert "Hugo" not in owner_panel
    assert "A club member (private profile)" in owner_panel
    assert "Hugo" in _panel(club.case, staff_user)


def test_the_invitee_sees_their_invitation_and_others_a_button(club):
    invitation = invite(club.case, club.expert)
    panel = _panel(club.case, club.expert.user)
    assert _answer_url(invitation) in panel
    assert "Esther" not in panel
    member_panel = _panel(club.case, club.learner.user)
    assert 'data-testid="raise-hand"' in member_panel
    assert 'data-testid="raise-hand"' not in _panel(club.case, club.competitor.user)


def test_the_case_page_includes_the_panel(client_of, club):
    response = client_of(club.learner).get(club.case.get_absolute_url())
    assert response.status_code == 200
    assert 'data-testid="responses"' in response.content.decode()


def test_a_case_with_another_topic_still_works(club, staff_user):
    other = open_case(club.owner, title="Charter for responsible data", tags=[club.nlp])
    (invitation,) = case_invitations_send(
        case=other, people=[club.nlp_person], invited_by=staff_user
    )
    assert invitation.case == other


# --- the answer page: what the invitee reads, the cards, the home page, the notice -----------------


def test_the_answer_page_renders_the_case_markdown_sanitised(client_of, club, staff_user):
    club.case.description = "**Question**: why?\n\n- one\n- two\n\n<script>alert(1)</script>"
    club.case.save(update_fields=["description"])
    (invitation,) = _send(club, club.expert, by=staff_user)
    page = client_of(club.expert).get(_answer_url(invitation)).content.decode()
    assert "<strong>Question</strong>" in page
    assert "**Question**" not in page
    assert "<li>one</li>" in page
    assert "<script>alert(1)" not in page


def test_each_answer_is_a_card_whose_label_holds_its_radio(client_of, club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    page = client_of(club.expert).get(_answer_url(invitation)).content.decode()
    for value in ("interested", "expert", "declined"):
        radio = page.index(f'data-testid="answer-{value}"')
        label_open = page.rfind("<label", 0, radio)
        label_close = page.find("</label>", radio)
        assert page.rfind("</label>", 0, radio) < label_open < radio < label_close
    assert "I know this subject well and can help the others as an expert." in page


def test_the_home_page_lists_pending_invitations_with_their_answers(client_of, club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    client = client_of(club.expert)
    page = client.get("/").content.decode()
    assert 'data-testid="home-invitation"' in page
    assert 'data-testid="home-answer-interested"' in page
    response = client.post(_answer_url(invitation), {"answer": "interested", "next": "/"})
    assert response["Location"] == "/"
    invitation.refresh_from_db()
    assert invitation.answer == Answer.INTERESTED
    assert 'data-testid="home-invitation"' not in client.get("/").content.decode()


def test_an_expired_invitation_leaves_the_home_page(client_of, club, staff_user):
    _send(club, club.expert, by=staff_user)
    with time_machine.travel(timezone.now() + timedelta(days=11)):
        page = client_of(club.expert).get("/").content.decode()
    assert 'data-testid="home-invitation"' not in page


def test_answering_marks_the_invitation_notice_read(club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    other = Notice.objects.create(user=club.expert.user, text="Something else")
    notice = Notice.objects.get(key=f"case-invitation:{invitation.pk}")
    assert notice.read_at is None
    case_invitation_answer(invitation=invitation, answer=Answer.DECLINED, actor=club.expert.user)
    notice.refresh_from_db()
    other.refresh_from_db()
    assert notice.read_at is not None
    assert other.read_at is None


def test_a_refused_answer_leaves_the_notice_unread(club, staff_user):
    (invitation,) = _send(club, club.expert, by=staff_user)
    with pytest.raises(ValidationError):
        case_invitation_answer(invitation=invitation, answer="maybe", actor=club.expert.user)
    assert Notice.objects.get(key=f"case-invitation:{invitation.pk}").read_at is None


def test_a_raised_hand_with_a_message_too_long_is_refused_and_writes_nothing(club):
    with pytest.raises(ValidationError) as error:
        case_hand_raise(case=club.case, person=club.learner, message="y" * 2001)
    assert "limited to 2000 characters" in " ".join(error.value.messages)
    assert not club.case.invitations.filter(person=club.learner).exists()
