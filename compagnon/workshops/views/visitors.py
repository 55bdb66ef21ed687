"""Visitors register for public workshops by email confirmation (`workshops.visitors`).

Thin views. The form is rate-limited per address and carries a honeypot, as the
desk's public forms and the newsletter's subscribe form do; it answers the same
"check your email" page for every address. The emailed link's GET only shows a
button (mail scanners follow links); the POST decides the seat.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods

from compagnon.core.ratelimit import rate_limited_response
from compagnon.desk.ratelimit import public_post_decision, request_ip_hash
from compagnon.members.selectors import Viewer
from compagnon.workshops import registration as reg
from compagnon.workshops import visitors
from compagnon.workshops.forms import VisitorRegisterForm
from compagnon.workshops.models import ACTIVE, RegistrationStatus, SeatKind, Workshop
from compagnon.workshops.selectors import workshops_visible_to


def _public_workshop(pk: int) -> Workshop:
    """A workshop a visitor sees (public and listed); 404 for any other."""
    workshop = workshops_visible_to(Viewer()).select_related("base").filter(pk=pk).first()
    if workshop is None or not visitors.visitors_welcome(workshop):
        raise Http404
    return workshop


def _form_context(workshop: Workshop, form: VisitorRegisterForm, error: str = "") -> dict:
    kinds = reg.seat_kinds(workshop)
    labels = dict(SeatKind.choices)
    return {
        "workshop": workshop,
        "form": form,
        "error": error,
        "reason": visitors.visitor_refusal(
            workshop=workshop, organisation=None, now=timezone.now()
        ),
        "seat_choices": [(kind, labels[kind]) for kind in kinds] if len(kinds) > 1 else [],
        "terms": workshop.terms.strip(),
    }


@require_http_methods(["GET", "POST"])
def visitor_register(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _public_workshop(pk)
    if request.method == "GET":
        return render(
            request, "workshops/visitors/form.html", _form_context(workshop, VisitorRegisterForm())
        )
    decision = public_post_decision(request, form="workshop_visitor")
    if not decision.allowed:
        return rate_limited_response(request, "desk/rate_limited.html", decision)
    form = VisitorRegisterForm(request.POST)
    if form.is_bot():
        return redirect("workshops:visitor_sent", pk=workshop.pk)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            visitors.visitor_request_submit(
                workshop=workshop,
                name=data["name"],
                email=data["email"],
                organisation_name=data["organisation_name"],
                seat=data["seat"],
                accept_terms=data["accept_terms"],
                language=(get_language() or "fr")[:2],
                ip_hash=request_ip_hash(request),
            )
        except reg.RegistrationError as refusal:
            error = refusal.message
        except ValidationError as invalid:
            for field, errors in getattr(invalid, "error_dict", {None: invalid.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("workshops:visitor_sent", pk=workshop.pk)
    return render(
        request, "workshops/visitors/form.html", _form_context(workshop, form, error), status=400
    )


def visitor_sent(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _public_workshop(pk)
    context = {"workshop": workshop, "hours": visitors.link_hours()}
    return render(request, "workshops/visitors/sent.html", context)


def _link_error(request: HttpRequest, error: visitors.VisitorLinkError) -> HttpResponse:
    return render(
        request, "workshops/visitors/link_error.html", {"error": error.message}, status=400
    )


@require_http_methods(["GET", "POST"])
def visitor_confirm(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        visitor_request = visitors.visitor_request_from_token(token)
    except visitors.VisitorLinkError as error:
        return _link_error(request, error)
    workshop = visitor_request.workshop
    context = {"workshop": workshop, "visitor_request": visitor_request, "error": ""}
    if request.method == "POST":
        try:
            confirmed = visitors.visitor_request_confirm(visitor_request=visitor_request)
        except reg.RegistrationError as refusal:
            context["error"] = refusal.message
            return render(request, "workshops/visitors/confirm.html", context, status=400)
        return redirect(
            "workshops:visitor_registration",
            token=visitors.visitor_manage_token(confirmed.registration),
        )
    if visitor_request.registration is not None:
        # Single use: the link already did its work; show where it led.
        return redirect(
            "workshops:visitor_registration",
            token=visitors.visitor_manage_token(visitor_request.registration),
        )
    return render(request, "workshops/visitors/confirm.html", context)


@require_http_methods(["GET", "POST"])
def visitor_registration(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        registration = visitors.registration_from_manage_token(token)
    except visitors.VisitorLinkError as error:
        return _link_error(request, error)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "cancel":
                visitors.visitor_registration_cancel(registration=registration)
                messages.success(request, gettext("Your registration is cancelled."))
            elif action == "take":
                visitors.visitor_offer_confirm(registration=registration)
                messages.success(request, gettext("Your seat is confirmed."))
            else:
                raise reg.RegistrationError(gettext("Choose what to do."))
        except reg.RegistrationError as refusal:
            error = refusal.message
            registration.refresh_from_db()
        else:
            return redirect("workshops:visitor_registration", token=token)
    workshop = registration.workshop
    started = workshop.starts_at is not None and workshop.starts_at <= timezone.now()
    context = {
        "workshop": workshop,
        "reg": registration,
        "error": error,
        "can_cancel": registration.status in ACTIVE and not started,
        "is_offered": registration.status == RegistrationStatus.OFFERED,
    }
    return render(
        request, "workshops/visitors/registration.html", context, status=400 if error else 200
    )
