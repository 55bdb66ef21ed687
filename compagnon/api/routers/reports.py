"""Workshop reports: `knowledge.selectors.reports_visible_to` / `report_for_viewer`."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from compagnon.api.auth import api_viewer, scoped
from compagnon.api.pagination import CursorPagination, cursor_kwargs
from compagnon.api.schemas import ERRORS_READ
from compagnon.knowledge.models import Report
from compagnon.knowledge.selectors import report_for_viewer, reports_visible_to

router = Router(tags=["reports"], auth=scoped("reports"))


class ReportOut(Schema):
    id: int
    title: str
    workshop_id: int
    status: str
    visibility: str
    published_at: datetime | None
    url: str

    @staticmethod
    def resolve_url(report: Report) -> str:
        return report.get_absolute_url()


class ReportDetailOut(ReportOut):
    question: str
    what_worked: str
    what_did_not: str
    data_sources: str
    difficulties: str
    next_leads: str
    code_links: str


@router.get(
    "/", response={200: list[ReportOut], **ERRORS_READ}, url_name="reports", summary="Reports"
)
@paginate(CursorPagination, **cursor_kwargs("-pk"))
def reports(request: HttpRequest, workshop: int | None = None):
    """The reports the token's owner may read. Filter: `workshop` (id)."""
    found = reports_visible_to(api_viewer(request))
    if workshop:
        found = found.filter(workshop_id=workshop)
    return found


@router.get(
    "/{int:report_id}",
    response={200: ReportDetailOut, **ERRORS_READ},
    url_name="report",
    summary="A report",
)
def report(request: HttpRequest, report_id: int):
    return report_for_viewer(api_viewer(request), report_id)
