"""Member organisations, as their pages show them: `members.selectors.organisations_visible_to`."""

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from compagnon.api.auth import member_viewer, scoped
from compagnon.api.pagination import CursorPagination, cursor_kwargs
from compagnon.api.schemas import ERRORS_READ
from compagnon.members.models import Organisation
from compagnon.members.selectors import organisation_for_viewer, organisations_visible_to

router = Router(tags=["organisations"], auth=scoped("organisations"))


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    status: str
    website: str
    description: str
    home_base: str | None

    @staticmethod
    def resolve_home_base(organisation: Organisation) -> str | None:
        return organisation.home_base.name if organisation.home_base else None


@router.get(
    "/",
    response={200: list[OrganisationOut], **ERRORS_READ},
    url_name="organisations",
    summary="Organisations",
)
@paginate(CursorPagination, **cursor_kwargs("pk"))
def organisations(request: HttpRequest, status: str | None = None):
    """The club's member organisations. Filter: `status` (active, lapsed…)."""
    found = organisations_visible_to(member_viewer(request)).select_related("home_base")
    if status:
        found = found.filter(status=status)
    return found


@router.get(
    "/{slug:slug}",
    response={200: OrganisationOut, **ERRORS_READ},
    url_name="organisation",
    summary="An organisation",
)
def organisation(request: HttpRequest, slug: str):
    return organisation_for_viewer(member_viewer(request), slug)
