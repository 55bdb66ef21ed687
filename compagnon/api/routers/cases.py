"""Cases, per viewer: `cases.selectors.cases_visible_to` decides which, `case_shown_to`
what each viewer sees of who brought one (an anonymised case names neither its
organisation nor its bringer outside that organisation). Filing goes through
`cases.services.case_create`, answering an invitation through
`cases.invitations.case_invitation_answer`."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from compagnon.api.auth import api_viewer, member_viewer, scoped
from compagnon.api.pagination import CursorPagination, cursor_kwargs
from compagnon.api.schemas import ERRORS_READ, ERRORS_WRITE, OrganisationRef, PersonRef, TagOut
from compagnon.cases.invitations import case_invitation_answer
from compagnon.cases.models import Case, CaseInvitation, CaseSource, CaseStatus
from compagnon.cases.selectors import (
    case_for_viewer,
    case_shown_to,
    cases_visible_to,
    cases_with_card,
)
from compagnon.cases.services import CaseAlreadyFiled, case_create, case_transition
from compagnon.members.models import Tag

router = Router(tags=["cases"], auth=scoped("cases"))
invitations_router = Router(tags=["cases"], auth=scoped("cases"))


def _shown(case: Case, context: Any):
    return case_shown_to(case, api_viewer(context["request"]))


class CaseOut(Schema):
    id: int
    title: str
    status: str
    confidentiality: str
    format: str
    language: str
    opened_at: datetime | None
    organisation: OrganisationRef | None
    brought_by: PersonRef | None
    tags: list[TagOut]
    url: str

    @staticmethod
    def resolve_organisation(case: Case, context: Any) -> Any:
        return _shown(case, context).organisation

    @staticmethod
    def resolve_brought_by(case: Case, context: Any) -> Any:
        person = _shown(case, context).person
        return None if person is None else {"id": person.pk, "name": person.full_name}

    @staticmethod
    def resolve_tags(case: Case) -> list:
        return list(case.tags.all())

    @staticmethod
    def resolve_url(case: Case) -> str:
        return case.get_absolute_url()


class CaseDetailOut(CaseOut):
    description: str
    data_description: str
    data_sharing: str
    remote_ok: bool
    horizon: date | None
    wants_research: bool
    interested_needed: int


class CaseIn(Schema):
    title: str
    description: str
    data_description: str = ""
    data_volume: str = ""
    data_sharing: str = "agreement"
    confidentiality: str = "members"
    format: str = "workshop_half_day"
    language: str = "fr"
    remote_ok: bool = True
    horizon: date | None = None
    wants_research: bool = False
    interested_needed: int = 3
    tags: list[str] = []
    submit: bool = False


class AnswerIn(Schema):
    answer: str
    message: str = ""


class InvitationOut(Schema):
    id: int
    case_id: int
    answer: str
    answer_message: str
    answered_at: datetime | None


@router.get("/", response={200: list[CaseOut], **ERRORS_READ}, url_name="cases", summary="Cases")
@paginate(CursorPagination, **cursor_kwargs("-pk"))
def cases(request: HttpRequest, status: str | None = None, tag: str | None = None):
    """The cases the token's owner may see (their own drafts included). Filters: `status`, `tag`."""
    found = cases_visible_to(member_viewer(request))
    if status:
        found = found.filter(status=status)
    if tag:
        found = found.filter(pk__in=Case.tags.through.objects.filter(tag__slug=tag).values("case"))
    return cases_with_card(found)


@router.get(
    "/{int:case_id}",
    response={200: CaseDetailOut, **ERRORS_READ},
    url_name="case",
    summary="A case",
)
def case(request: HttpRequest, case_id: int):
    return case_for_viewer(member_viewer(request), case_id)


@router.post(
    "/",
    response={201: CaseDetailOut, 200: CaseDetailOut, **ERRORS_WRITE},
    auth=scoped("cases", "write"),
    url_name="case_file",
    summary="File a case",
)
def case_file(request: HttpRequest, payload: CaseIn):
    """File a draft (or, with `submit`, submit it for staff review) for the token's owner.

    Send an `Idempotency-Key` header to make a retry safe: the same key returns the case
    the first call filed (200) and files nothing. Invalid fields come back as a 400 with
    `errors` per field, and nothing is written.
    """
    viewer = member_viewer(request)
    if viewer.person is None:
        raise HttpError(403, "Your account is not linked to a person of the club.")
    data = payload.dict()
    submit = data.pop("submit")
    slugs = data.pop("tags")
    tags = list(Tag.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {tag.slug for tag in tags})
    if unknown:
        raise ValidationError({"tags": [f"Unknown tags: {', '.join(unknown)}."]})
    try:
        # Filed and submitted together, or not at all (as the page does).
        with transaction.atomic():
            filed = case_create(
                brought_by=viewer.person,
                filed_by=request.auth.user,  # type: ignore[attr-defined]
                source=CaseSource.WEB,
                client_token=request.headers.get("Idempotency-Key", "")[:64],
                tags=tags,
                **data,
            )
            if submit:
                case_transition(
                    case=filed,
                    to_status=CaseStatus.SUBMITTED,
                    actor=request.auth.user,  # type: ignore[attr-defined]
                )
    except CaseAlreadyFiled as already:
        return Status(200, case_for_viewer(viewer, already.case.pk))
    return Status(201, case_for_viewer(viewer, filed.pk))


@invitations_router.post(
    "/{int:invitation_id}/answer",
    response={200: InvitationOut, **ERRORS_WRITE},
    auth=scoped("cases", "write"),
    url_name="invitation_answer",
    summary="Answer a case invitation",
)
def invitation_answer(request: HttpRequest, invitation_id: int, payload: AnswerIn):
    """The invitee answers: `interested`, `expert` or `declined`, with an optional message.

    404 for anyone but the invitee, and for an invitation whose case they may not see.
    """
    viewer = api_viewer(request)
    invitation = (
        CaseInvitation.objects.select_related("case", "person")
        .filter(
            pk=invitation_id,
            person__user=request.auth.user,  # type: ignore[attr-defined]
            case__in=cases_visible_to(viewer),
        )
        .first()
    )
    if invitation is None:
        raise Http404
    return case_invitation_answer(
        invitation=invitation,
        answer=payload.answer,
        message=payload.message,
        actor=request.auth.user,  # type: ignore[attr-defined]
    )
