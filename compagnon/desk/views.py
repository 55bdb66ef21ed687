"""The staff desk (queues, activity, membership requests, contact messages) and the public doors.

Thin views: the queues are `desk.selectors`, every write is a service. The
public forms (join, contact) are rate-limited per address and carry a
honeypot, as the newsletter's subscribe form does.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods, require_POST

from compagnon.core.permissions import staff_required
from compagnon.core.ratelimit import rate_limited_response
from compagnon.desk import selectors, services
from compagnon.desk.forms import AcceptForm, ContactForm, DeclineForm, MembershipRequestForm
from compagnon.desk.models import ContactMessage, MembershipRequest, RequestStatus
from compagnon.desk.ratelimit import public_post_decision, request_ip_hash


def _form_add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- staff: the desk --------------------------------------------------------------------------


@staff_required
def desk_home(request: HttpRequest) -> HttpResponse:
    queues = selectors.desk_queues()
    short = next(queue for queue in queues if queue.slug == "short")
    context = {
        # What waits comes first (a phone shows one card at a time); empty queues keep their order.
        "queues": sorted(queues, key=lambda queue: queue.count == 0),
        "waiting": sum(queue.count for queue in queues),
        "feed": selectors.activity_feed(),
        "ranked": selectors.ranked_people_for(short.items, limit=selectors.RANKED_CASES_DESK),
    }
    return render(request, "desk/home.html", context)


@staff_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    spec = selectors.QUEUES_BY_SLUG.get(slug)
    if spec is None:
        raise Http404
    loaded = selectors.queue_load(spec, now=timezone.now(), limit=selectors.QUEUE_ITEMS)
    context = {
        "queue": loaded,
        "queues": selectors.QUEUES,
        "full": True,
        "ranked": selectors.ranked_people_for(loaded.items) if slug == "short" else {},
    }
    return render(request, "desk/queue.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    membership_request = get_object_or_404(
        MembershipRequest.objects.select_related("organisation", "person", "handled_by"), pk=pk
    )
    accept_form = AcceptForm(
        initial={
            "organisation_name": membership_request.organisation_name,
            "email_domains": services.organisation_domain_guess(membership_request.contact_email),
        }
    )
    decline_form = DeclineForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "accept":
            accept_form = AcceptForm(request.POST)
            if accept_form.is_valid():
                data = accept_form.cleaned_data
                try:
                    handled, invitation = services.membership_request_accept(
                        request=membership_request,
                        actor=request.user,
                        organisation_name=data["organisation_name"],
                        organisation_kind=data["organisation_kind"] or "company",
                        email_domains=data["email_domains"],
                    )
                except ValidationError as error:
                    _form_add_errors(accept_form, error)
                else:
                    if invitation is not None:
                        messages.success(
                            request,
                            gettext(
                                "Accepted: an invitation to create the account went to %(email)s."
                            )
                            % {"email": invitation.email},
                        )
                    else:
                        messages.success(
                            request,
                            gettext("Accepted: they already have an account and can sign in."),
                        )
                    return redirect("desk:request_detail", pk=handled.pk)
        elif action == "decline":
            decline_form = DeclineForm(request.POST)
            if decline_form.is_valid():
                try:
                    services.membership_request_decline(
                        request=membership_request,
                        actor=request.user,
                        note=decline_form.cleaned_data["note"],
                    )
                except ValidationError as error:
                    _form_add_errors(decline_form, error)
                else:
                    messages.success(request, gettext("Declined; a short answer went by email."))
                    return redirect("desk:queue", slug="requests")
        else:
            messages.error(request, gettext("Unknown action."))
        status = 400
    context = {
        "membership_request": membership_request,
        "accept_form": accept_form,
        "decline_form": decline_form,
        "pending": membership_request.status == RequestStatus.PENDING,
    }
    return render(request, "desk/request_detail.html", context, status=status)


@staff_required
@require_POST
def contact_close(request: HttpRequest, pk: int) -> HttpResponseBase:
    message = get_object_or_404(ContactMessage, pk=pk)
    services.contact_message_close(message=message, actor=request.user)
    messages.success(request, gettext("Marked as answered."))
    return redirect("desk:queue", slug="contact")


# --- the public doors ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "desk/join.html", {"form": MembershipRequestForm()})
    decision = public_post_decision(request, form="join")
    if not decision.allowed:
        return rate_limited_response(request, "desk/rate_limited.html", decision)
    form = MembershipRequestForm(request.POST)
    if form.is_bot():
        return redirect("club:join_done")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_request_submit(
                kind=data["kind"],
                organisation_name=data["organisation_name"],
                organisation_size=data["organisation_size"],
                website=data["website"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                job_title=data["job_title"],
                needs=data["needs"],
                language=(get_language() or "fr")[:2],
                ip_hash=request_ip_hash(request),
            )
        except ValidationError as error:
            _form_add_errors(form, error)
        else:
            return redirect("club:join_done")
    return render(request, "desk/join.html", {"form": form}, status=400)


def join_done(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/join_done.html")


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "desk/contact.html", {"form": ContactForm()})
    decision = public_post_decision(request, form="contact")
    if not decision.allowed:
        return rate_limited_response(request, "desk/rate_limited.html", decision)
    form = ContactForm(request.POST)
    if form.is_bot():
        return redirect("club:contact_done")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_message_submit(
                name=data["name"],
                email=data["email"],
                topic=data["topic"],
                message=data["message"],
                language=(get_language() or "fr")[:2],
                ip_hash=request_ip_hash(request),
            )
        except ValidationError as error:
            _form_add_errors(form, error)
        else:
            return redirect("club:contact_done")
    return render(request, "desk/contact.html", {"form": form}, status=400)


def contact_done(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/contact_done.html")
