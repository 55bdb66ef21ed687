"""Registration pages: register, cancel, confirm an offer, the roster, calendars, no-shows.

Thin views: `registration` writes, `selectors` decides who sees which workshop
(404 otherwise), `calendars` writes .ics. Every form works without JavaScript;
with HTMX the registration panel and the attendance rows swap in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from compagnon.core.csvsafe import csv_streaming_response
from compagnon.core.permissions import staff_required, to_sign_in, wants_partial
from compagnon.members.models import Person
from compagnon.members.permissions import signed_in_viewer
from compagnon.members.selectors import Viewer, viewer_for
from compagnon.workshops.calendars import (
    calendar_feed_for,
    calendar_feed_rotate,
    person_feed_ics,
    workshop_ics,
)
from compagnon.workshops.models import (
    Attendance,
    CalendarFeed,
    Registration,
    RegistrationStatus,
    Workshop,
)
from compagnon.workshops.registration import (
    RegistrationError,
    registration_cancel,
    registration_create,
    registration_mark_attendance,
    registration_offer_confirm,
    registration_state,
)
from compagnon.workshops.selectors import (
    can_edit_workshop,
    workshop_for_editor,
    workshop_for_registration,
    workshop_for_viewer,
    workshops_visible_to,
)

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _panel(
    request: HttpRequest, workshop: Workshop, viewer: Viewer, *, error: str = "", notice: str = ""
) -> HttpResponse:
    context = {
        "workshop": workshop,
        "registration": registration_state(workshop=workshop, viewer=viewer),
        "panel_error": error,
        "panel_notice": notice,
    }
    return render(request, "workshops/_registration_panel.html", context)


def _done(
    request: HttpRequest, workshop: Workshop, viewer: Viewer, *, error: str = "", notice: str = ""
) -> HttpResponseBase:
    """After a registration action: the panel for HTMX, else back to the workshop page."""
    if wants_partial(request):
        return _panel(request, workshop, viewer, error=error, notice=notice)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect(workshop)


def _status_notice(registration: Registration) -> str:
    if registration.status == RegistrationStatus.CONFIRMED:
        return _("Your seat is confirmed. We sent you an email with a calendar file.")
    if registration.status == RegistrationStatus.OFFERED:
        return _("A seat is waiting for your confirmation.")
    return _(
        "The workshop is full: you are on the waiting list. We will email you if a seat frees up."
    )


# --- register, cancel, confirm -----------------------------------------------------------------


@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = viewer_for(request.user)
    if not request.user.is_authenticated:
        visible = workshops_visible_to(viewer).filter(pk=pk).first()
        return to_sign_in(request, next_url=visible.get_absolute_url() if visible else None)
    # The workshop, visibility and what the refusals need, in one query (the button a
    # popular workshop's whole audience presses in the same minute).
    workshop, facts = workshop_for_registration(viewer, pk)
    try:
        registration = registration_create(
            workshop=workshop,
            viewer=viewer,
            seat=request.POST.get("seat", ""),
            accept_terms=request.POST.get("accept_terms") in ("on", "1", "true", "yes"),
            facts=facts,
        )
    except RegistrationError as error:
        return _done(request, workshop, viewer, error=error.message)
    return _done(request, workshop, viewer, notice=_status_notice(registration))


@require_POST
@signed_in_viewer
def cancel(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    workshop = workshop_for_viewer(viewer, pk)
    registration = (
        Registration.objects.filter(workshop=workshop, person=viewer.person).first()
        if viewer.person is not None
        else None
    )
    if registration is None:
        return _done(
            request, workshop, viewer, error=_("You are not registered for this workshop.")
        )
    was = registration.status
    try:
        registration_cancel(registration=registration, viewer=viewer)
    except RegistrationError as error:
        return _done(request, workshop, viewer, error=error.message)
    if was == RegistrationStatus.WAITING:
        notice = _("You left the waiting list.")
    else:
        notice = _("Your registration is cancelled.")
    return _done(request, workshop, viewer, notice=notice)


def _own_registration(viewer: Viewer, pk: int) -> Registration:
    """The viewer's own registration, or 404 (for everyone else, staff included)."""
    if viewer.person is None:
        raise Http404
    return get_object_or_404(
        Registration.objects.select_related("workshop", "workshop__base"),
        pk=pk,
        person=viewer.person,
    )


@require_http_methods(["GET", "POST"])
@signed_in_viewer
def offer_confirm(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    registration = _own_registration(viewer, pk)
    workshop = registration.workshop
    error = ""
    if request.method == "POST":
        try:
            registration_offer_confirm(registration=registration, viewer=viewer)
        except RegistrationError as refusal:
            error = refusal.message
            registration.refresh_from_db()
        else:
            messages.success(request, _("Your seat is confirmed. See you there!"))
            return redirect(workshop)
    now = timezone.now()
    expired = registration.status == RegistrationStatus.EXPIRED or (
        registration.status == RegistrationStatus.OFFERED
        and registration.offer_expires_at is not None
        and registration.offer_expires_at <= now
    )
    context = {
        "workshop": workshop,
        "reg": registration,
        "expired": expired,
        "error": error,
        "detail_url": workshop.get_absolute_url(),
    }
    return render(request, "workshops/registration/offer_confirm.html", context)


# --- the roster: hosts and staff ---------------------------------------------------------------


def _roster_rows(workshop: Workshop):
    return (
        Registration.objects.filter(workshop=workshop)
        .select_related("person", "organisation")
        .order_by("queued_at", "pk")
    )


@signed_in_viewer
def roster(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    workshop = workshop_for_editor(viewer, pk)
    groups: dict[str, list[Registration]] = {status: [] for status in RegistrationStatus.values}
    for registration in _roster_rows(workshop):
        groups[registration.status].append(registration)
    started = workshop.starts_at is not None and workshop.starts_at <= timezone.now()
    confirmed = groups[RegistrationStatus.CONFIRMED]
    context = {
        "workshop": workshop,
        "confirmed": confirmed,
        "offered": groups[RegistrationStatus.OFFERED],
        "waiting": groups[RegistrationStatus.WAITING],
        "gone": groups[RegistrationStatus.CANCELLED] + groups[RegistrationStatus.EXPIRED],
        "started": started,
        "attendance_choices": Attendance.choices,
        "present": sum(1 for r in confirmed if r.attendance == Attendance.PRESENT),
        "no_shows": sum(1 for r in confirmed if r.attendance == Attendance.NO_SHOW),
        "detail_url": workshop.get_absolute_url(),
    }
    return render(request, "workshops/registration/roster.html", context)


@signed_in_viewer
def roster_export(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    workshop = workshop_for_editor(viewer, pk)

    def rows():
        yield [
            _("First name"),
            _("Last name"),
            _("Email"),
            _("Organisation"),
            _("Seat"),
            _("Status"),
            _("Queued at"),
            _("Attendance"),
        ]
        for registration in _roster_rows(workshop).iterator(chunk_size=500):
            person = registration.person
            yield [
                person.first_name,
                person.last_name,
                person.email,
                registration.organisation.name if registration.organisation else "",
                registration.get_seat_display(),
                registration.get_status_display(),
                timezone.localtime(registration.queued_at).isoformat(timespec="seconds"),
                registration.get_attendance_display(),
            ]

    return csv_streaming_response(rows(), filename=f"workshop-{workshop.pk}-registrations.csv")


@require_POST
@signed_in_viewer
def attendance_mark(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    registration = get_object_or_404(
        Registration.objects.select_related("person", "organisation"), pk=pk
    )
    workshop = workshop_for_editor(viewer, registration.workshop_id)
    registration.workshop = workshop
    error = ""
    try:
        registration = registration_mark_attendance(
            registration=registration, viewer=viewer, attendance=request.POST.get("attendance", "")
        )
    except RegistrationError as refusal:
        error = refusal.message
    if wants_partial(request):
        registration.workshop = workshop
        context = {
            "workshop": workshop,
            "reg": registration,
            "started": True,
            "attendance_choices": Attendance.choices,
            "row_error": error,
        }
        return render(request, "workshops/registration/_roster_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("%(name)s: %(attendance)s.")
            % {
                "name": registration.person.full_name,
                "attendance": registration.get_attendance_display(),
            },
        )
    return redirect("workshops:roster", pk=workshop.pk)


@staff_required
def no_shows(request: HttpRequest) -> HttpResponseBase:
    """People with no-shows across workshops, most first, with how often they did come."""
    rows = list(
        Registration.objects.filter(status=RegistrationStatus.CONFIRMED)
        .exclude(attendance=Attendance.UNKNOWN)
        .values("person")
        .annotate(
            no_shows=Count("pk", filter=Q(attendance=Attendance.NO_SHOW)),
            present=Count("pk", filter=Q(attendance=Attendance.PRESENT)),
            last_no_show=Max("workshop__starts_at", filter=Q(attendance=Attendance.NO_SHOW)),
        )
        .filter(no_shows__gt=0)
        .order_by("-no_shows", "-last_no_show", "person")[:500]
    )
    people = Person.objects.select_related("organisation").in_bulk([row["person"] for row in rows])
    for row in rows:
        row["person"] = people[row["person"]]
    return render(request, "workshops/registration/no_shows.html", {"rows": rows})


# --- calendars ---------------------------------------------------------------------------------


def _ics_response(body: bytes, *, filename: str, download: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def workshop_ics_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = viewer_for(request.user)
    workshop = workshop_for_viewer(viewer, pk)
    registration = (
        Registration.objects.filter(workshop=workshop, person=viewer.person).first()
        if viewer.person is not None
        else None
    )
    holds_seat = registration is not None and registration.status == RegistrationStatus.CONFIRMED
    body = workshop_ics(
        workshop,
        with_private=holds_seat or can_edit_workshop(viewer, workshop),
        registration=registration,
    )
    return _ics_response(body, filename=f"workshop-{workshop.pk}.ics", download=True)


@signed_in_viewer
def my_calendar(request: HttpRequest, viewer: Viewer) -> HttpResponseBase:
    feed_url = ""
    if viewer.person is not None:
        feed = calendar_feed_for(viewer.person)
        feed_url = request.build_absolute_uri(
            reverse("workshops:calendar_feed", kwargs={"token": feed.token})
        )
    webcal_url = "webcal://" + feed_url.split("://", 1)[1] if feed_url else ""
    context = {"feed_url": feed_url, "webcal_url": webcal_url, "has_person": bool(viewer.person)}
    return render(request, "workshops/registration/my_calendar.html", context)


@require_POST
@signed_in_viewer
def feed_rotate(request: HttpRequest, viewer: Viewer) -> HttpResponseBase:
    if viewer.person is None:
        raise Http404
    calendar_feed_rotate(person=viewer.person)
    messages.success(
        request, _("Your calendar has a new secret address; the old one no longer works.")
    )
    return redirect("workshops:my_calendar")


def calendar_feed(request: HttpRequest, token: str) -> HttpResponseBase:
    """The secret feed: no sign-in (calendar apps cannot), 404 on an unknown token."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("person"), token=token)
    return _ics_response(person_feed_ics(feed.person), filename="workshops.ics", download=False)
