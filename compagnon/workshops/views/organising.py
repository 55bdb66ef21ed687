"""Organisers' pages around a workshop: find people to host or invite, duplicate a past
workshop, "who's going", and writing to the participants.

Thin views over `organising` (writes) and `selectors` (who may see or edit what).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from compagnon.core.forms import form_add_service_errors
from compagnon.core.permissions import staff_required
from compagnon.members.models import Person
from compagnon.members.permissions import signed_in_viewer
from compagnon.members.selectors import Viewer, people_visible_to, viewer_for
from compagnon.workshops import organising
from compagnon.workshops.forms import AttendeeMessageForm, DuplicateForm
from compagnon.workshops.models import AttendeeMessage, Registration, Workshop
from compagnon.workshops.selectors import (
    recipients_count,
    workshop_for_editor,
    workshop_for_viewer,
)

PICKER_FIELDS = ("hosts", "invitees")
PICKER_LIMIT = 12


@require_GET
@signed_in_viewer
def person_search(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """The people matching what an organiser types in the hosts or invitees box (HTMX)."""
    is_host = viewer.person is not None and Workshop.objects.filter(hosts=viewer.person).exists()
    if not (viewer.is_staff or is_host):
        raise PermissionDenied
    field = request.GET.get("field", "")
    if field not in PICKER_FIELDS:
        raise Http404
    query = " ".join(request.GET.get(f"{field}_q", "").split())[:100]
    people: list[Person] = []
    more = False
    if len(query) >= 2:
        matches = people_visible_to(viewer).filter(left_organisation_on__isnull=True)
        for word in query.split():
            matches = matches.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(organisation__name__icontains=word)
            )
        found = list(
            matches.select_related("organisation").order_by("last_name", "first_name", "pk")[
                : PICKER_LIMIT + 1
            ]
        )
        more = len(found) > PICKER_LIMIT
        people = found[:PICKER_LIMIT]
    context = {"query": query, "people": people, "more": more, "field": field}
    return render(request, "workshops/_person_search_results.html", context)


@staff_required
def workshop_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    workshop = workshop_for_viewer(viewer, pk)
    form = DuplicateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            copy = organising.workshop_duplicate(
                workshop=workshop, by=request.user, first_day=form.cleaned_data["first_day"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("A copy is saved as a draft: check it, then publish it."))
            return redirect("workshops:workshop_edit", pk=copy.pk)
    context = {"workshop": workshop, "form": form, "sessions": list(workshop.sessions.all())}
    return render(request, "workshops/duplicate.html", context, status=400 if form.errors else 200)


@require_POST
@signed_in_viewer
def whos_going(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    """A participant shows or hides their name in the workshop's list of participants."""
    workshop = workshop_for_viewer(viewer, pk)
    registration = (
        Registration.objects.filter(workshop=workshop, person=viewer.person).first()
        if viewer.person is not None
        else None
    )
    if registration is None:
        messages.error(request, _("You are not registered for this workshop."))
        return redirect(workshop.get_absolute_url())
    shown = request.POST.get("shown") == "1"
    try:
        organising.registration_show_in_attendees(registration=registration, shown=shown)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if shown:
            messages.success(request, _("Your name now appears in “who's going”."))
        else:
            messages.success(request, _("Your name no longer appears in “who's going”."))
    return redirect(workshop.get_absolute_url() + "#whos-going-heading")


@signed_in_viewer
def message_attendees(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    """Staff and hosts write to the participants; every message sent is listed below."""
    workshop = workshop_for_editor(viewer, pk)
    form = AttendeeMessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            message = organising.workshop_message_attendees(
                workshop=workshop,
                by=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                include_waiting=form.cleaned_data["include_waiting"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your message is on its way to %(count)d people.")
                % {"count": message.recipients},
            )
            return redirect("workshops:message_attendees", pk=workshop.pk)
    context = {
        "workshop": workshop,
        "form": form,
        "sent": list(
            AttendeeMessage.objects.filter(workshop=workshop)
            .select_related("sent_by__person")
            .order_by("-sent_at", "-pk")[:50]
        ),
        "recipients": recipients_count(workshop),
        "now": timezone.now(),
    }
    return render(
        request, "workshops/message_attendees.html", context, status=400 if form.errors else 200
    )
