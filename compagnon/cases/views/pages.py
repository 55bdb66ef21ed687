"""Case pages: the list, filing a case, its page with the lifecycle buttons, editing; and the doors.

Views stay thin: `selectors` decides who sees which case, `services` writes,
`inbound` and `chat` turn what the email and chat doors receive into cases.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from compagnon.accounts.models import User
from compagnon.cases.chat import (
    chat_command_receive,
    chat_link_for,
    chat_link_remove,
    chat_link_start,
    chat_token_is_valid,
)
from compagnon.cases.forms import CaseCreateForm, CaseFilterForm, CaseForm, TransitionForm
from compagnon.cases.inbound import (
    inbound_draft_confirm,
    inbound_draft_for_token,
    inbound_email_receive,
)
from compagnon.cases.models import Case, CaseSource, CaseStatus, Confidentiality
from compagnon.cases.selectors import (
    case_for_viewer,
    case_shown_to,
    cases_brought_by,
    cases_open_for,
    cases_waiting_for_staff,
    cases_with_card,
)
from compagnon.cases.services import (
    OWNER,
    CaseAlreadyFiled,
    case_can_edit,
    case_create,
    case_transition,
    case_update,
    transition_roles,
    transitions_for,
)
from compagnon.core.forms import form_add_service_errors
from compagnon.core.markdown import render_markdown
from compagnon.core.permissions import wants_partial
from compagnon.knowledge.selectors import case_chain
from compagnon.members.filters import TagTree
from compagnon.members.models import Tag
from compagnon.members.permissions import member_required
from compagnon.members.selectors import Viewer

logger = logging.getLogger(__name__)

MY_CASES_SHOWN = 20
WAITING_SHOWN = 20


def _actor(request: HttpRequest) -> User:
    # Only called behind member_required, so the user is a real account.
    return cast(User, request.user)


# --- the list -------------------------------------------------------------------


@dataclass(frozen=True)
class CaseCard:
    """A case as one viewer may see it: organisation and person hidden when anonymised for them."""

    case: Case
    organisation: Any
    person: Any


def _cards(cases: Any, viewer: Viewer) -> list[CaseCard]:
    cards = []
    for case in cases:
        shown = case_shown_to(case, viewer)
        cards.append(CaseCard(case=case, organisation=shown.organisation, person=shown.person))
    return cards


def _filter(cases: QuerySet[Case], data: dict[str, Any], tag_tree: TagTree) -> QuerySet[Case]:
    if "tag" in data:
        # A broad tag includes its specialities, as in the directory.
        tagged = Case.tags.through.objects.filter(
            case_id=OuterRef("pk"), tag_id__in=tag_tree.subtree_ids(data["tag"])
        )
        cases = cases.filter(Exists(tagged))
    if "format" in data:
        cases = cases.filter(format=data["format"])
    if "base" in data:
        cases = cases.filter(base=data["base"])
    return cases


@member_required
def case_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    tag_tree = TagTree.load()
    form = CaseFilterForm(request.GET or None, tag_tree=tag_tree)
    cases = cases_with_card(_filter(cases_open_for(viewer), form.valid_data(), tag_tree))
    page = Paginator(cases, settings.DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "cards": _cards(page.object_list, viewer),
    }
    if wants_partial(request):
        response = render(request, "cases/case_list.html#results", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    context["my_cards"] = _cards(cases_with_card(cases_brought_by(viewer))[:MY_CASES_SHOWN], viewer)
    if viewer.is_staff:
        context["waiting_cards"] = _cards(
            cases_with_card(cases_waiting_for_staff())[:WAITING_SHOWN], viewer
        )
    response = render(request, "cases/case_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- filing and editing -----------------------------------------------------------


def _tag_labels() -> list[str]:
    return sorted({tag.label for tag in Tag.objects.all()}, key=str.lower)


def _form_page(request: HttpRequest, template_context: dict[str, Any]) -> HttpResponse:
    context = {"tag_labels": _tag_labels(), **template_context}
    return render(request, "cases/case_form.html", context)


@member_required
def case_create_view(request: HttpRequest, viewer: Viewer) -> HttpResponseBase:
    on_behalf = viewer.is_staff
    # Staff may file for anyone: their own organisation says nothing about the case's.
    own_organisation_id = None if on_behalf else viewer.organisation_id
    if request.method != "POST":
        initial = {}
        if viewer.person is not None and viewer.person.base_id:
            initial["base"] = viewer.person.base_id
        form = CaseCreateForm(
            initial=initial, on_behalf=on_behalf, own_organisation_id=own_organisation_id
        )
        return _form_page(request, {"form": form, "creating": True})
    form = CaseCreateForm(
        request.POST, on_behalf=on_behalf, own_organisation_id=own_organisation_id
    )
    if form.is_valid():
        brought_by = form.cleaned_data.get("on_behalf_of") or viewer.person
        if brought_by is None:
            form.add_error(
                "on_behalf_of" if on_behalf else None,
                gettext(
                    "Your account is not linked to a person: file the case on behalf of a member."
                ),
            )
        else:
            source = (
                CaseSource.STAFF
                if viewer.person is None or brought_by.pk != viewer.person.pk
                else CaseSource.WEB
            )
            try:
                # Filed and submitted together, or not at all.
                with transaction.atomic():
                    case = case_create(
                        brought_by=brought_by,
                        filed_by=_actor(request),
                        source=source,
                        client_token=form.cleaned_data.get("form_token") or "",
                        **form.case_fields(),
                    )
                    if request.POST.get("action") == "submit":
                        case_transition(
                            case=case, to_status=CaseStatus.SUBMITTED, actor=_actor(request)
                        )
            except CaseAlreadyFiled as already:
                messages.info(
                    request, gettext("This case was already filed: here it is, not filed twice.")
                )
                return redirect(already.case)
            except ValidationError as error:
                form_add_service_errors(form, error, renamed={"brought_by": "on_behalf_of"})
            else:
                if case.status == CaseStatus.SUBMITTED:
                    messages.success(
                        request,
                        gettext("Your case is submitted: the club's staff will review it."),
                    )
                else:
                    messages.success(
                        request,
                        gettext("Draft saved. Submit it to the club when it is ready."),
                    )
                return redirect(case)
    return _form_page(request, {"form": form, "creating": True})


def _edit_initial(case: Case) -> dict[str, Any]:
    return {
        "title": case.title,
        "description": case.description,
        "tags": CaseForm.tags_text(list(case.tags.all())),
        "data_description": case.data_description,
        "data_volume": case.data_volume,
        "data_sharing": case.data_sharing,
        "confidentiality": case.confidentiality,
        "shared_with": list(case.shared_with.all()),
        "excluded_organisations": list(case.excluded_organisations.all()),
        "format": case.format,
        "base": case.base_id,
        "remote_ok": case.remote_ok,
        "language": case.language,
        "horizon": case.horizon,
        "wants_research": case.wants_research,
        "interested_needed": case.interested_needed,
    }


@member_required
def case_edit(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    case = case_for_viewer(viewer, pk)
    if not case_can_edit(case=case, actor=_actor(request)):
        raise PermissionDenied
    if request.method != "POST":
        form = CaseForm(initial=_edit_initial(case), own_organisation_id=case.organisation_id)
        return _form_page(request, {"form": form, "case": case, "creating": False})
    form = CaseForm(request.POST, own_organisation_id=case.organisation_id)
    if form.is_valid():
        try:
            case_update(case=case, actor=_actor(request), **form.case_fields())
        except ValidationError as error:
            form_add_service_errors(form, error)
        except PermissionDenied:
            # Staff opened the case while the owner was typing.
            messages.error(
                request, gettext("The case has moved on and can no longer be changed here.")
            )
            return redirect(case)
        else:
            messages.success(request, gettext("The case is saved."))
            return redirect(case)
    return _form_page(request, {"form": form, "case": case, "creating": False})


# --- the case page and its lifecycle -------------------------------------------------


@dataclass(frozen=True)
class Action:
    to_status: str
    label: str
    needs_reason: bool = False
    secondary: bool = False


def _action_label(to_status: str, *, from_status: str, is_owner: bool) -> str:
    if to_status == CaseStatus.SUBMITTED:
        if from_status == CaseStatus.DECLINED:
            return gettext("Reopen for review")
        return gettext("Submit to the club")
    if to_status == CaseStatus.CLOSED:
        return gettext("Withdraw the case") if is_owner else gettext("Close the case")
    labels: dict[str, str] = {
        CaseStatus.OPEN: gettext("Open for interest"),
        CaseStatus.DECLINED: gettext("Decline"),
        CaseStatus.MATCHED: gettext("Mark as matched"),
        CaseStatus.PLANNED: gettext("Mark as planned"),
    }
    return labels.get(to_status, to_status)


def _actions(case: Case, request: HttpRequest) -> list[Action]:
    actor = _actor(request)
    is_owner = OWNER in transition_roles(case=case, actor=actor)
    return [
        Action(
            to_status=to_status,
            label=_action_label(to_status, from_status=case.status, is_owner=is_owner),
            needs_reason=to_status == CaseStatus.DECLINED,
            secondary=to_status in (CaseStatus.CLOSED, CaseStatus.DECLINED),
        )
        for to_status in transitions_for(case=case, actor=actor)
    ]


def _match_url(case: Case) -> str | None:
    if case.status not in (CaseStatus.OPEN, CaseStatus.MATCHED):
        return None
    return reverse("case_invitations:case_match", args=[case.pk])


def _detail_page(
    request: HttpRequest,
    viewer: Viewer,
    case: Case,
    *,
    transition_form: TransitionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    shown = case_shown_to(case, viewer)
    own_side = shown.own_side
    transitions = list(case.transitions.all())
    context = {
        "case": case,
        "organisation": shown.organisation,
        "person": shown.person,
        "own_side": own_side,
        "description_html": render_markdown(case.description, heading_offset=2),
        "tags": list(case.tags.all()),
        "shared_with": list(case.shared_with.all()) if own_side else [],
        "excluded": list(case.excluded_organisations.all()) if own_side else [],
        "transitions": transitions,
        # Who moved the case is shown to its own side only: on an anonymised
        # case the first names in the timeline would give the owner away.
        "show_actors": own_side,
        "actions": _actions(case, request),
        "transition_form": transition_form,
        "can_edit": case_can_edit(case=case, actor=_actor(request)),
        "match_url": _match_url(case) if viewer.is_staff else None,
        "is_named": case.confidentiality == Confidentiality.NAMED_ORGANISATIONS,
        "chain": case_chain(case=case, viewer=viewer),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@member_required
def case_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    case = case_for_viewer(viewer, pk)
    return _detail_page(request, viewer, case)


@member_required
def case_transition_view(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    case = case_for_viewer(viewer, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, viewer, case, transition_form=form, status=400)
    to_status = form.cleaned_data["to"]
    try:
        case_transition(
            case=case, to_status=to_status, actor=_actor(request), note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        form_add_service_errors(form, error)
        case.refresh_from_db()
        return _detail_page(request, viewer, case, transition_form=form, status=400)
    messages.success(
        request,
        gettext("The case is now “%(status)s”.") % {"status": CaseStatus(to_status).label},
    )
    return redirect(case)


# --- the doors -----------------------------------------------------------------------


def _read_limited(request: HttpRequest, limit: int) -> bytes | None:
    """The body, or None when it is over `limit` bytes (read no further than that)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    # Read from the stream, not request.body: the limit is ours, not DATA_UPLOAD_MAX_MEMORY_SIZE.
    body = request.read(limit + 1)
    return None if len(body) > limit else body


@csrf_exempt
def inbound_email(request: HttpRequest, secret: str) -> HttpResponseBase:
    expected = settings.CASES_INBOUND_EMAIL_SECRET
    # Same answer for a wrong secret and a closed door: the address is not confirmed.
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise Http404
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    raw = _read_limited(request, settings.CASES_INBOUND_EMAIL_MAX_BYTES)
    if raw is None:
        return JsonResponse({"status": "too_large", "case": None}, status=413)
    if not raw.strip():
        return JsonResponse({"status": "empty", "case": None}, status=400)
    result = inbound_email_receive(raw)
    return JsonResponse(result.as_json(), status=result.http_status)


@require_http_methods(["GET", "POST"])
def inbound_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link sent to the member's registered address: a GET shows, a POST files.

    No sign-in: holding the link proves the address. A GET never files (mail
    scanners follow links); an invalid or expired link says so, with a 404.
    """
    draft = inbound_draft_for_token(token)
    error = ""
    if draft is not None and request.method == "POST" and draft.case_id is None:
        try:
            case = inbound_draft_confirm(draft=draft)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request, gettext("Your case is filed as a draft: complete it, then submit it.")
            )
            return redirect(case.get_absolute_url())
    status = 404 if draft is None else (400 if error else 200)
    context = {"draft": draft, "error": error}
    response = render(request, "cases/inbound_confirm.html", context, status=status)
    # The token stays out of other sites' logs; "no-referrer" would also make the browser
    # send "Origin: null" with the form, which the CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


@member_required
@require_http_methods(["GET", "POST"])
def chat_link(request: HttpRequest, viewer: Viewer) -> HttpResponseBase:
    """Link one's chat account: a one-time code to type in the chat, or unlink it."""
    person = viewer.person
    if person is None:
        raise Http404
    code = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "unlink":
            if chat_link_remove(person=person):
                messages.success(request, gettext("Your chat account is no longer linked."))
            return redirect("cases:chat_link")
        if action != "start":
            return HttpResponse(status=400)
        code = chat_link_start(person=person)
    context = {
        "link": chat_link_for(person),
        "code": code,
        "minutes": settings.CHAT_LINK_CODE_MINUTES,
        "door_open": bool(settings.CHAT_COMMAND_TOKEN),
    }
    response = render(request, "cases/chat_link.html", context)
    if code:
        response["Cache-Control"] = "no-store"  # the code is shown once
    return response


@csrf_exempt
@require_POST
def inbound_chat(request: HttpRequest) -> JsonResponse:
    if not chat_token_is_valid(request.POST.get("token", "")):
        return JsonResponse(
            {"response_type": "ephemeral", "text": gettext("This command is not set up.")},
            status=403,
        )
    answer = chat_command_receive(
        user_id=request.POST.get("user_id", ""),
        user_name=request.POST.get("user_name", ""),
        text=request.POST.get("text", ""),
        command=request.POST.get("command", "/case"),
    )
    return JsonResponse(answer.as_json())
