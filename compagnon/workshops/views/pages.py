"""Workshop pages: the calendar (list and month), "my workshops", a workshop's page, editing
it (sessions, materials, status), planning from a case, feedback and follow-ups.

Thin views: `selectors` decides who sees which workshop (404 otherwise), `services`
and `feedback` write. Every form works without JavaScript; the calendar filters swap
the results in place with HTMX.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import mimetypes
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.benchathons.selectors import benchathon_card_for
from compagnon.cases.models import CaseStatus
from compagnon.cases.selectors import case_for_viewer
from compagnon.core.forms import form_add_service_errors
from compagnon.core.markdown import render_markdown
from compagnon.core.permissions import staff_required, to_sign_in, wants_partial
from compagnon.core.storage import private_download
from compagnon.knowledge.selectors import report_for_workshop
from compagnon.members.models import Person
from compagnon.members.permissions import signed_in_viewer
from compagnon.members.selectors import Viewer, viewer_for
from compagnon.workshops import feedback as feedback_service
from compagnon.workshops import organising, services
from compagnon.workshops.conf import calendar_page_size
from compagnon.workshops.forms import (
    CalendarFilterForm,
    FeedbackForm,
    FollowUpForm,
    MaterialForm,
    PlanFromCaseForm,
    SessionForm,
    SessionRowFormSet,
    StatusForm,
    WorkshopForm,
)
from compagnon.workshops.models import (
    Feedback,
    Material,
    RegistrationStatus,
    Session,
    Workshop,
    WorkshopStatus,
)
from compagnon.workshops.organising import SessionRow
from compagnon.workshops.registration import registration_state
from compagnon.workshops.selectors import (
    attach_seats_taken,
    attendees_shown,
    calendar_workshops,
    can_edit_workshop,
    holds_seat,
    month_sessions,
    my_registrations,
    seats_left,
    workshop_asks_sign_in,
    workshop_for_editor,
    workshop_for_viewer,
    workshop_origin_case_for,
    workshops_visible_to,
)


def _errors(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


# --- the calendar -----------------------------------------------------------------------------


def calendar(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    form = CalendarFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = calendar_workshops(
        viewer,
        base=filters.get("base"),
        tag=filters.get("tag"),
        format=filters.get("format") or "",
        remote=bool(filters.get("remote")),
        has_seats=bool(filters.get("has_seats")),
    )
    page = Paginator(queryset, calendar_page_size()).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    attach_seats_taken(page.object_list)
    for workshop in page.object_list:
        workshop.seats_left = seats_left(workshop)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(filters.values()) if filters else False,
        "can_create": viewer.is_staff,
    }
    template = (
        "workshops/_calendar_results.html" if wants_partial(request) else "workshops/calendar.html"
    )
    return render(request, template, context)


def _month_start(year: int, month: int, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime(year, month, 1, tzinfo=zone)


def month(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    zone = ZoneInfo(str(timezone.get_current_timezone()))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month_number = int(request.GET.get("month", today.month))
    except (TypeError, ValueError):
        raise Http404 from None
    # Checked before building a date: a 20-digit year overflows C's int (OverflowError).
    if not (1900 < year < 3000 and 1 <= month_number <= 12):
        raise Http404
    start = _month_start(year, month_number, zone)
    next_month = (start + dt.timedelta(days=32)).replace(day=1)
    previous = (start - dt.timedelta(days=1)).replace(day=1)
    by_day: dict[dt.date, list[Session]] = {}
    # A session sits on its own day at its base (a New York evening is not a Paris morning);
    # a day on each side catches the sessions that the zones move across the month's edge.
    sessions = month_sessions(
        viewer, start=start - dt.timedelta(days=1), end=next_month + dt.timedelta(days=1)
    )
    for session in sessions:
        local_zone = ZoneInfo(session.workshop.time_zone or str(zone))
        day = timezone.localtime(session.starts_at, local_zone).date()
        session.elsewhere = local_zone.key != zone.key
        by_day.setdefault(day, []).append(session)
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month_number):
        weeks.append(
            [
                {
                    "date": day,
                    "in_month": day.month == month_number,
                    "today": day == today,
                    "sessions": by_day.get(day, []),
                }
                for day in week
            ]
        )
    context = {
        "month_start": start,
        "weeks": weeks,
        "weekdays": [weeks[0][i]["date"] for i in range(7)],
        "previous": previous,
        "next": next_month,
        "count": sum(
            len(items)
            for day, items in by_day.items()
            if (day.year, day.month) == (year, month_number)
        ),
    }
    return render(request, "workshops/month.html", context)


@signed_in_viewer
def mine(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    now = timezone.now()
    registrations = list(my_registrations(viewer))
    upcoming = [r for r in registrations if r.workshop.ends_at and r.workshop.ends_at >= now]
    past = [
        r
        for r in registrations
        if r.status == RegistrationStatus.CONFIRMED
        and r.workshop.ends_at
        and r.workshop.ends_at < now
    ]
    to_give = []
    may_give = feedback_service.feedback_eligible_ids(past, now)
    for registration in past:
        registration.can_give_feedback = registration.pk in may_give
        registration.has_feedback = hasattr(registration, "feedback")
        if registration.can_give_feedback and not registration.has_feedback:
            to_give.append(registration)
    hosted = []
    if viewer.person is not None:
        hosted = list(
            Workshop.objects.filter(hosts=viewer.person)
            .exclude(status=WorkshopStatus.CANCELLED)
            .select_related("base")
            .order_by("-starts_at", "pk")[:50]
        )
    context = {"upcoming": upcoming, "past": past, "to_give": to_give, "hosted": hosted}
    return render(request, "workshops/mine.html", context)


# --- a workshop's page ------------------------------------------------------------------------


def workshop_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = viewer_for(request.user)
    workshop = (
        workshops_visible_to(viewer)
        .select_related("base", "parent")
        .prefetch_related("tags", Prefetch("hosts", queryset=Person.objects.order_by("pk")))
        .filter(pk=pk)
        .first()
    )
    if workshop is None:
        if workshop_asks_sign_in(viewer, pk):
            return to_sign_in(request)
        raise Http404
    state = registration_state(workshop=workshop, viewer=viewer)
    can_edit = state.can_manage  # can_edit_workshop(), already asked by registration_state
    registered = state.is_confirmed
    materials = [
        material
        for material in workshop.materials.all()
        if not material.registered_only or registered or can_edit
    ]
    can_give_feedback = (
        feedback_service.feedback_registration_for(workshop=workshop, person=viewer.person)
        is not None
    )
    parent = workshop.parent
    if parent is not None and not workshops_visible_to(viewer).filter(pk=parent.pk).exists():
        parent = None
    context = {
        "workshop": workshop,
        "registration": state,
        "can_edit": can_edit,
        "is_staff": viewer.is_staff,
        "show_video": bool(workshop.video_url) and (registered or can_edit),
        "summary_html": render_markdown(workshop.summary, heading_offset=2),
        "agenda_html": render_markdown(workshop.agenda, heading_offset=2),
        "prerequisites_html": render_markdown(workshop.prerequisites, heading_offset=2),
        "sessions": list(workshop.sessions.all()),
        "materials": materials,
        "hosts": list(workshop.hosts.all()),
        "tags": list(workshop.tags.all()),
        "origin_case": workshop_origin_case_for(viewer, workshop),
        "parent": parent,
        "follow_ups": list(workshops_visible_to(viewer).filter(parent=workshop)),
        "can_give_feedback": can_give_feedback,
        "status_form": StatusForm(),
        "workshop_report": report_for_workshop(workshop=workshop, viewer=viewer),
        "benchathon_card": benchathon_card_for(workshop=workshop, can_edit=can_edit),
        **_whos_going(workshop, viewer, state),
    }
    return render(request, "workshops/workshop_detail.html", context)


def _whos_going(workshop: Workshop, viewer: Viewer, state) -> dict:
    """The participants who chose to appear: listed to members (and hosts), never to visitors."""
    if not (viewer.is_member or state.can_manage):
        return {"show_whos_going": False}
    shown, others = attendees_shown(workshop)
    own = None
    if state.is_confirmed and viewer.person is not None:
        own = next((r for r in shown if r.person_id == viewer.person.pk), None)
    return {
        "show_whos_going": True,
        "attendees_shown": shown,
        "attendees_others": others,
        "own_shown": own is not None,
    }


# --- creating and editing ---------------------------------------------------------------------


@staff_required
def workshop_create(request: HttpRequest) -> HttpResponse:
    """A new draft with its sessions in one form: nothing is saved unless all of it is right."""
    form = WorkshopForm(request.POST or None)
    sessions = SessionRowFormSet(request.POST or None, prefix="sessions")
    if request.method == "POST" and form.is_valid() and sessions.is_valid():
        rows = [
            SessionRow(
                day=row["day"], starts=row["starts"], ends=row["ends"], title=row.get("title", "")
            )
            for row in sessions.cleaned_data
            if row and row.get("day")
        ]
        try:
            workshop = organising.workshop_create_with_sessions(
                by=request.user, sessions=rows, **form.service_fields()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The workshop is saved as a draft with its sessions: publish it when ready."),
            )
            return redirect(workshop.get_absolute_url())
    context = {"form": form, "workshop": None, "sessions_formset": sessions}
    status = 400 if request.method == "POST" else 200
    return render(request, "workshops/workshop_form.html", context, status=status)


@staff_required
def plan_from_case(request: HttpRequest, case_pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    case = case_for_viewer(viewer, case_pk)
    form = PlanFromCaseForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_plan_from_case(
                case=case, by=request.user, **form.service_fields()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("The workshop is planned as a draft: add its sessions, then publish.")
            )
            return redirect("workshops:session_list", pk=workshop.pk)
    context = {
        "form": form,
        "case": case,
        "is_matched": case.status == CaseStatus.MATCHED,
        "is_confidential": not services.case_is_copied_by_default(case),
        "invitees": services.case_invitees(case),
    }
    status = 400 if form.errors else 200
    return render(request, "workshops/plan_from_case.html", context, status=status)


@signed_in_viewer
def workshop_edit(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    workshop = workshop_for_editor(viewer, pk)
    form = WorkshopForm(request.POST or None, instance=workshop)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if not viewer.is_staff:
            # Hosts cannot remove themselves by accident.
            fields["hosts"] = list({*fields["hosts"], viewer.person})
        try:
            fresh = Workshop.objects.get(pk=workshop.pk)
            changes = services.workshop_update(workshop=fresh, by=request.user, **fields)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            if changes:
                messages.success(request, _("Saved; the people registered were told."))
            else:
                messages.success(request, _("Saved."))
            return redirect(fresh.get_absolute_url())
    status = 400 if form.errors else 200
    return render(
        request, "workshops/workshop_form.html", {"form": form, "workshop": workshop}, status=status
    )


@require_POST
@signed_in_viewer
def workshop_status(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    workshop = workshop_for_editor(viewer, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect(workshop.get_absolute_url())
    action = form.cleaned_data["action"]
    if action == "cancel" and not viewer.is_staff and workshop.status != WorkshopStatus.DRAFT:
        # Cancelling a published workshop tells everyone registered: staff decide.
        raise PermissionDenied
    kwargs = {"workshop": workshop, "by": request.user}
    if action == "cancel":
        kwargs["reason"] = form.cleaned_data.get("reason", "")
    try:
        services.STATUS_ACTIONS[action](**kwargs)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The workshop is now “%(status)s”.") % {"status": workshop.get_status_display()},
        )
    return redirect(workshop.get_absolute_url())


# --- sessions ---------------------------------------------------------------------------------


def _sessions_page(request, workshop, form, status=200, editing=None):
    context = {
        "workshop": workshop,
        "sessions": list(workshop.sessions.all()),
        "form": form,
        "editing": editing,
    }
    return render(request, "workshops/sessions.html", context, status=status)


def _session_times(workshop: Workshop, form: SessionForm) -> tuple[dt.datetime, dt.datetime]:
    """The form's naive times are read in the workshop's time zone."""
    zone = ZoneInfo(workshop.time_zone)
    values = []
    for name in ("starts_at", "ends_at"):
        value = form.cleaned_data[name]
        if timezone.is_aware(value):
            value = timezone.make_naive(value, timezone.get_current_timezone())
        values.append(value.replace(tzinfo=zone))
    return values[0], values[1]


@signed_in_viewer
def session_list(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    workshop = workshop_for_editor(viewer, pk)
    return _sessions_page(request, workshop, SessionForm())


@require_POST
@signed_in_viewer
def session_add(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    workshop = workshop_for_editor(viewer, pk)
    form = SessionForm(request.POST)
    if form.is_valid():
        starts_at, ends_at = _session_times(workshop, form)
        try:
            services.session_add(
                workshop=workshop,
                starts_at=starts_at,
                ends_at=ends_at,
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Session added."))
            return redirect("workshops:session_list", pk=workshop.pk)
    return _sessions_page(request, workshop, form, status=400)


@signed_in_viewer
def session_edit(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("workshop"), pk=pk)
    workshop = workshop_for_editor(viewer, session.workshop_id)
    zone = ZoneInfo(workshop.time_zone)
    initial = {
        "title": session.title,
        "starts_at": timezone.localtime(session.starts_at, zone).replace(tzinfo=None),
        "ends_at": timezone.localtime(session.ends_at, zone).replace(tzinfo=None),
    }
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = _session_times(workshop, form)
        try:
            services.session_update(
                session=session,
                starts_at=starts_at,
                ends_at=ends_at,
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Session saved."))
            return redirect("workshops:session_list", pk=workshop.pk)
    status = 400 if form.errors else 200
    return _sessions_page(request, workshop, form, status=status, editing=session)


@require_POST
@signed_in_viewer
def session_delete(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("workshop"), pk=pk)
    workshop = workshop_for_editor(viewer, session.workshop_id)
    try:
        services.session_remove(session=session)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("Session removed."))
    return redirect("workshops:session_list", pk=workshop.pk)


# --- materials --------------------------------------------------------------------------------


@signed_in_viewer
def material_add(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    workshop = workshop_for_editor(viewer, pk)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.material_add(
                workshop=workshop,
                by=request.user,
                title=data["title"],
                kind=data["kind"],
                url=data["url"] or "",
                file=data["file"],
                registered_only=data["registered_only"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Material added."))
            return redirect(workshop.get_absolute_url())
    status = 400 if form.errors else 200
    context = {"workshop": workshop, "form": form, "materials": list(workshop.materials.all())}
    return render(request, "workshops/material_form.html", context, status=status)


def material_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Uploads are always downloads: attachment, nosniff, a neutral type for HTML."""
    viewer = viewer_for(request.user)
    material = get_object_or_404(Material, pk=pk)
    workshop = workshop_for_viewer(viewer, material.workshop_id)
    if material.registered_only and not can_edit_workshop(viewer, workshop):
        if not request.user.is_authenticated:
            return to_sign_in(request)
        if not holds_seat(viewer, workshop):
            raise PermissionDenied
    if not material.file:
        return redirect(material.url)
    name = material.file.name.rsplit("/", 1)[-1]
    content_type, _encoding = mimetypes.guess_type(name)
    if not content_type or content_type.startswith("text/html") or "xml" in content_type:
        content_type = "application/octet-stream"
    response = private_download(material.file, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@require_POST
@signed_in_viewer
def material_delete(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    material = get_object_or_404(Material, pk=pk)
    workshop = workshop_for_editor(viewer, material.workshop_id)
    services.material_delete(material=material)
    messages.success(request, _("Material removed."))
    return redirect(workshop.get_absolute_url())


# --- feedback ---------------------------------------------------------------------------------


@signed_in_viewer
def feedback(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    workshop = workshop_for_viewer(viewer, pk)
    reason = feedback_service.feedback_refusal(workshop=workshop, person=viewer.person)
    if reason:
        return render(
            request,
            "workshops/feedback.html",
            {"workshop": workshop, "reason": reason, "form": None},
            status=403,
        )
    registration = feedback_service.feedback_registration_for(
        workshop=workshop, person=viewer.person
    )
    existing = Feedback.objects.filter(registration=registration).first()
    initial = {}
    if existing is not None:
        initial = {
            "learned": existing.learned,
            "learned_quotable": existing.learned_quotable,
            "rating": str(existing.rating),
            "follow_up_idea": existing.follow_up_idea,
            "keep_people": list(existing.keep_working_with_people.all()),
            "keep_organisations": list(existing.keep_working_with_organisations.all()),
        }
        for level in existing.levels.all():
            initial[f"level_before_{level.tag_id}"] = str(level.before)
            initial[f"level_after_{level.tag_id}"] = str(level.after)
    form = FeedbackForm(
        request.POST or None,
        initial=initial,
        tags=workshop.tags.order_by("slug"),
        people=feedback_service.people_met(workshop, viewer.person),
        organisations=feedback_service.organisations_met(workshop, viewer.person),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback_service.feedback_submit(
                workshop=workshop,
                person=viewer.person,
                rating=data["rating"],
                learned=data["learned"],
                learned_quotable=data["learned_quotable"],
                follow_up_idea=data["follow_up_idea"],
                levels=form.levels(),
                keep_people=list(data["keep_people"]),
                keep_organisations=list(data["keep_organisations"]),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you! Your feedback is saved."))
            return redirect(workshop.get_absolute_url())
    status = 400 if form.errors else 200
    context = {"workshop": workshop, "form": form, "reason": "", "existing": existing}
    return render(request, "workshops/feedback.html", context, status=status)


@signed_in_viewer
def feedback_summary(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    workshop = workshop_for_editor(viewer, pk)
    summary = feedback_service.feedback_summary(workshop=workshop)
    context = {"workshop": workshop, "summary": summary, "is_staff": viewer.is_staff}
    return render(request, "workshops/feedback_summary.html", context)


@staff_required
def plan_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    parent = workshop_for_viewer(viewer, pk)
    ideas = list(
        Feedback.objects.filter(registration__workshop=parent)
        .exclude(follow_up_idea="")
        .order_by("pk")
    )
    form = FollowUpForm(
        request.POST or None,
        ideas=ideas,
        initial={"title": _("Follow-up: %(title)s") % {"title": parent.title}},
    )
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_plan_follow_up(
                parent=parent,
                from_feedback_ideas=[int(pk) for pk in form.cleaned_data["ideas"]],
                by=request.user,
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The follow-up is planned as a draft: add its sessions."))
            return redirect(reverse("workshops:session_list", kwargs={"pk": workshop.pk}))
    status = 400 if form.errors else 200
    context = {"parent": parent, "form": form, "has_ideas": bool(ideas)}
    return render(request, "workshops/follow_up_form.html", context, status=status)
