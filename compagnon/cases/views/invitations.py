"""Pages around case invitations: staff matching, answering, raising a hand, notices.

Thin views: `matching.selectors` ranks, `cases.invitations` writes, the
cases app's selectors decide who sees which case. Every form works without
JavaScript; with HTMX the hand-raise button swaps its card in place.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from compagnon.cases.invitations import (
    ANSWER_CHOICES,
    MESSAGE_MAX_LENGTH,
    OPEN_FOR_INVITATIONS,
    case_hand_raise,
    case_invitation_answer,
    case_invitation_answer_by_link,
    case_invitation_claim_account,
    case_invitations_send,
    invitation_for_reply_token,
    invitation_is_expired,
)
from compagnon.cases.models import Answer, Case, CaseInvitation
from compagnon.cases.selectors import case_for_viewer, cases_visible_to
from compagnon.core.markdown import render_markdown
from compagnon.core.notices import notices_for, notices_mark_read
from compagnon.core.permissions import staff_required, wants_partial
from compagnon.matching.reasons import reasons_text
from compagnon.matching.selectors import case_match_proposal
from compagnon.members.permissions import member_required, signed_in_viewer
from compagnon.members.selectors import Viewer, viewer_for


def _errors(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


# --- staff: who to invite ---------------------------------------------------------------------


# The largest id a database integer column holds: a larger one is a typo or a forged form.
_LARGEST_ID = 2**63 - 1


def _person_id(value: str) -> int:
    number = int(value)
    if abs(number) > _LARGEST_ID:
        raise ValueError(value)
    return number


def _hidden_case_is_404(view):
    """A signed-in non-staff member asking for the matches of a case they cannot see gets 404,
    as for the case itself: a 403 there would tell them the case exists."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and not (user.is_active and user.is_staff):
            case_for_viewer(viewer_for(user), pk)
        return view(request, pk)

    return wrapper


@_hidden_case_is_404
@staff_required
@require_http_methods(["GET", "POST"])
def case_match(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case, pk=pk)
    proposal = case_match_proposal(case)
    checked: set[int] | frozenset[int] = proposal.proposed_ids
    errors: list[str] = []
    if request.method == "POST":
        try:
            checked = {_person_id(value) for value in request.POST.getlist("people")}
        except ValueError:
            checked = set()
            errors = [gettext("The list of people was not understood; choose again.")]
        if not errors:
            by_id = {r.person.pk: r for r in proposal.ranked}
            try:
                invitations = case_invitations_send(
                    case=case,
                    people=checked,
                    invited_by=request.user,
                    reasons_by_person={p: by_id[p].stored_reasons for p in checked if p in by_id},
                    scores_by_person={p: by_id[p].score for p in checked if p in by_id},
                )
            except ValidationError as error:
                errors = _errors(error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d invitation sent.",
                        "%(count)d invitations sent.",
                        len(invitations),
                    )
                    % {"count": len(invitations)},
                )
                return redirect(case.get_absolute_url())
    context = {
        "case": proposal.case,
        "proposal": proposal,
        "checked": checked,
        "errors": errors,
        "can_invite": proposal.case.status in OPEN_FOR_INVITATIONS,
    }
    return render(request, "cases/match.html", context)


# --- members: raise a hand ------------------------------------------------------------------------


@member_required
@require_POST
def case_hand_raise_view(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    case = case_for_viewer(viewer, pk)
    error = ""
    if viewer.person is None:
        error = gettext("Only members with a profile can join a case.")
    else:
        try:
            case_hand_raise(
                case=case, person=viewer.person, message=request.POST.get("message", "")
            )
        except ValidationError as refusal:
            error = " ".join(_errors(refusal))
    if wants_partial(request):
        response = render(
            request,
            "cases/_cases_for_you.html#raised",
            {"case": case, "error": error},
            status=200,
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, gettext("Thanks — the case owner will see it."))
    return redirect(_safe_next(request, case.get_absolute_url()))


# --- invitees: answer --------------------------------------------------------------------------


# One line under each answer card, saying what the answer commits the invitee to.
ANSWER_HINTS = {
    Answer.INTERESTED: _("I would like to take part, learn and share what I know."),
    Answer.EXPERT: _("I know this subject well and can help the others as an expert."),
    Answer.DECLINED: _("Not for me right now; invite me to the next ones."),
}


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(value, Answer(value).label) for value in ANSWER_CHOICES],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("A message for the person who brought the case (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _own_invitation(request: HttpRequest, pk: int) -> CaseInvitation:
    # The case must be visible to the invitee too: an invitation never widens its audience.
    invitation = (
        CaseInvitation.objects.select_related("case__base", "person")
        .filter(
            pk=pk,
            person__user=request.user,
            case__in=cases_visible_to(viewer_for(request.user)),
        )
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


@signed_in_viewer
@require_http_methods(["GET", "POST"])
def invitation_answer(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    invitation = _own_invitation(request, pk)
    initial: dict[str, Any] = {}
    if invitation.answer != Answer.PENDING:
        initial = {"answer": invitation.answer, "message": invitation.answer_message}
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case_invitation_answer(
                invitation=invitation,
                answer=form.cleaned_data["answer"],
                message=form.cleaned_data["message"],
                actor=request.user,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, field_errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, gettext("Thank you, your answer is recorded."))
            return redirect(
                _safe_next(
                    request, reverse("case_invitations:invitation_answer", args=[invitation.pk])
                )
            )
    answer_cards = [
        {"radio": radio, "hint": ANSWER_HINTS.get(radio.data["value"], "")}
        for radio in form["answer"]
    ]
    context = {
        "invitation": invitation,
        "case": invitation.case,
        "description_html": render_markdown(invitation.case.description, heading_offset=2),
        "form": form,
        "answer_cards": answer_cards,
        "reasons": reasons_text(invitation.reasons),
        "expired": invitation_is_expired(invitation),
        "case_open": invitation.case.status in OPEN_FOR_INVITATIONS,
    }
    return render(request, "cases/invitation_answer.html", context)


# --- notices ---------------------------------------------------------------------------------------


@signed_in_viewer
@require_http_methods(["GET", "POST"])
def notice_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    if request.method == "POST":
        try:
            up_to = int(request.POST.get("up_to", ""))
        except ValueError:
            up_to = None
        notices_mark_read(user=request.user, up_to_id=up_to)
        return redirect("case_invitations:notice_list")
    notices = notices_for(request.user)
    context = {
        "notices": notices,
        "unread": [n for n in notices if n.read_at is None],
        "up_to": max((n.pk for n in notices), default=0),
        "viewer": viewer_for(request.user),
    }
    return render(request, "cases/notices.html", context)


# --- invitees without an account: the emailed link --------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_reply(request: HttpRequest, token: str) -> HttpResponseBase:
    """Answer from the emailed link in one click, then claim the account if there is none.

    GET only shows the buttons (mail scanners follow links); each button is a
    POST that answers. The link answers once; afterwards it shows the answer
    and the offer to create the account.
    """
    invitation = invitation_for_reply_token(token)
    if invitation is None:
        return render(
            request,
            "cases/invitation_reply.html",
            {"problem": gettext("This link is not valid: use the one in the most recent email.")},
            status=404,
        )
    answer_page = reverse("case_invitations:invitation_answer", args=[invitation.pk])
    if (
        request.method == "GET"
        and invitation.person.user_id
        and invitation.answer != Answer.PENDING
    ):
        # Used, and the account exists: the case is behind the sign-in from now on.
        return redirect(answer_page)
    problem = ""
    if request.method == "POST":
        if request.POST.get("action") == "claim":
            account_invitation = case_invitation_claim_account(invitation=invitation)
            if account_invitation is None:
                return redirect(reverse("case_invitations:invitation_answer", args=[invitation.pk]))
            return redirect(reverse("accounts:invitation_accept", args=[account_invitation.token]))
        try:
            invitation = case_invitation_answer_by_link(
                invitation=invitation,
                answer=request.POST.get("answer", ""),
                message=request.POST.get("message", ""),
            )
        except ValidationError as error:
            problem = " ".join(_errors(error))
        else:
            messages.success(request, gettext("Thank you, your answer is recorded."))
            return redirect(reverse("case_invitations:invitation_reply", args=[token]))
    context = {
        "invitation": invitation,
        "case": invitation.case,
        "token": token,
        "problem": problem,
        "answers": [(value, Answer(value).label) for value in ANSWER_CHOICES],
        "reasons": reasons_text(invitation.reasons),
        "expired": invitation_is_expired(invitation),
        "case_open": invitation.case.status in OPEN_FOR_INVITATIONS,
        "message_max": MESSAGE_MAX_LENGTH,
        "description_html": render_markdown(invitation.case.description, heading_offset=1),
        "has_account": invitation.person.user_id is not None,
    }
    response = render(
        request, "cases/invitation_reply.html", context, status=400 if problem else 200
    )
    response["Cache-Control"] = "private, no-store"
    # The token is in the path: never sent to another site (same-origin keeps the CSRF Origin check).
    response["Referrer-Policy"] = "same-origin"
    return response
