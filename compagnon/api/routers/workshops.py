"""Workshops (`workshops.selectors.workshops_visible_to`), one's own registrations
(`my_registrations`) and registering (`workshops.registration.registration_create`,
under the same workshop-row lock as the page's button)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from compagnon.api.auth import api_viewer, scoped
from compagnon.api.pagination import CursorPagination, cursor_kwargs
from compagnon.api.schemas import ERRORS_READ, ERRORS_WRITE, ErrorOut, TagOut
from compagnon.workshops.models import Registration, Workshop
from compagnon.workshops.registration import RegistrationError, registration_create
from compagnon.workshops.selectors import (
    my_registrations,
    workshop_for_registration,
    workshop_for_viewer,
    workshops_visible_to,
)

router = Router(tags=["workshops"], auth=scoped("workshops"))
registrations_router = Router(tags=["workshops"], auth=scoped("workshops"))


class WorkshopOut(Schema):
    id: int
    title: str
    summary: str
    format: str
    mode: str
    audience: str
    language: str
    status: str
    starts_at: datetime | None
    ends_at: datetime | None
    base: str | None
    url: str

    @staticmethod
    def resolve_base(workshop: Workshop) -> str | None:
        return workshop.base.name if workshop.base else None

    @staticmethod
    def resolve_url(workshop: Workshop) -> str:
        return workshop.get_absolute_url()


class WorkshopDetailOut(WorkshopOut):
    agenda: str
    prerequisites: str
    tags: list[TagOut]

    @staticmethod
    def resolve_tags(workshop: Workshop) -> list:
        return list(workshop.tags.order_by("slug"))


class RegistrationOut(Schema):
    id: int
    workshop_id: int
    workshop_title: str
    seat: str
    status: str
    offer_expires_at: datetime | None
    confirmed_at: datetime | None

    @staticmethod
    def resolve_workshop_title(registration: Registration) -> str:
        return registration.workshop.title


class RegisterIn(Schema):
    seat: str = ""
    accept_terms: bool = False


@router.get(
    "/",
    response={200: list[WorkshopOut], **ERRORS_READ},
    url_name="workshops",
    summary="Workshops",
)
@paginate(CursorPagination, **cursor_kwargs("pk"))
def workshops(
    request: HttpRequest,
    status: str | None = None,
    starts_after: datetime | None = None,
    starts_before: datetime | None = None,
):
    """The workshops the token's owner may see. Filters: `status`, `starts_after`, `starts_before`."""
    found = workshops_visible_to(api_viewer(request)).select_related("base")
    if status:
        found = found.filter(status=status)
    if starts_after:
        found = found.filter(starts_at__gte=starts_after)
    if starts_before:
        found = found.filter(starts_at__lt=starts_before)
    return found


@router.get(
    "/{int:workshop_id}",
    response={200: WorkshopDetailOut, **ERRORS_READ},
    url_name="workshop",
    summary="A workshop",
)
def workshop(request: HttpRequest, workshop_id: int):
    return workshop_for_viewer(api_viewer(request), workshop_id)


@router.post(
    "/{int:workshop_id}/registrations",
    response={201: RegistrationOut, 409: ErrorOut, **ERRORS_WRITE},
    auth=scoped("workshops", "write"),
    url_name="workshop_register",
    summary="Register",
)
def register(request: HttpRequest, workshop_id: int, payload: RegisterIn):
    """Register the token's owner: a seat when one is free, else the waiting list.

    The same service as the page's button, under the same lock; registering twice
    returns the first registration. A refusal (full, closed, excluded…) is a 409 whose
    `detail` says why.
    """
    viewer = api_viewer(request)
    if viewer.person is None:
        raise HttpError(403, "Your account is not linked to a person of the club.")
    workshop, facts = workshop_for_registration(viewer, workshop_id)
    try:
        registration = registration_create(
            workshop=workshop,
            viewer=viewer,
            seat=payload.seat,
            accept_terms=payload.accept_terms,
            facts=facts,
        )
    except RegistrationError as error:
        return Status(409, {"detail": error.message})
    registration.workshop = workshop
    return Status(201, registration)


@registrations_router.get(
    "/",
    response={200: list[RegistrationOut], **ERRORS_READ},
    url_name="registrations",
    summary="My registrations",
)
@paginate(CursorPagination, **cursor_kwargs("pk"))
def registrations(request: HttpRequest):
    """The token owner's own registrations that still count (or did)."""
    return my_registrations(api_viewer(request))
