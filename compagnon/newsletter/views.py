"""Public pages (subscribe, confirm, unsubscribe) and the staff's mailing desk."""

from __future__ import annotations

from csp.decorators import csp_replace, csp_update
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from compagnon.core.permissions import staff_required
from compagnon.core.ratelimit import client_ip, ip_hash, rate_limited_response
from compagnon.newsletter import selectors, services
from compagnon.newsletter.emails import mailing_message
from compagnon.newsletter.forms import MailingCreateForm, MailingForm, SubscribeForm
from compagnon.newsletter.models import Mailing, MailingStatus, Subscriber
from compagnon.newsletter.ratelimit import subscribe_decision
from compagnon.newsletter.tokens import TokenExpired, TokenInvalid, unsubscribe_claim

# Rows per page of a mailing's send log (a mailing may go to thousands of subscribers).
MAILING_LOG_PAGE_SIZE = 200

# Public side


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = SubscribeForm(initial={"source": request.GET.get("from", "")[:300]})
        return render(request, "newsletter/subscribe.html", {"subscribe_form": form})
    decision = subscribe_decision(request)
    if not decision.allowed:
        return rate_limited_response(request, "newsletter/rate_limited.html", decision)
    form = SubscribeForm(request.POST)
    if form.is_bot():
        # Same answer as a person gets, and nothing written.
        return redirect("newsletter:subscribe_done")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.subscriber_subscribe(
                email=data["email"],
                language=data["language"],
                source=data["source"] or request.path,
                ip_hash=ip_hash(client_ip(request)),
                consent_version=data["consent_version"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("newsletter:subscribe_done")
    return render(request, "newsletter/subscribe.html", {"subscribe_form": form})


def subscribe_done(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/subscribe_done.html")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button and changes nothing (mail scanners follow links); POST confirms."""
    try:
        subscriber = services.subscriber_for_confirmation(token)
    except services.ConfirmationError as error:
        return render(
            request, "newsletter/link_problem.html", {"problem": error.message}, status=404
        )
    if request.method == "POST":
        try:
            services.subscriber_confirm(
                token=token,
                source=reverse("newsletter:confirm", args=["-"]).removesuffix("-/"),
                ip_hash=ip_hash(client_ip(request)),
            )
        except services.ConfirmationError as error:
            return render(
                request, "newsletter/link_problem.html", {"problem": error.message}, status=404
            )
        return render(request, "newsletter/confirmed.html")
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


# No CSRF check here, on purpose: RFC 8058 one-click unsubscribe is a POST made by
# the reader's mail provider, with no cookie and no CSRF token. The signed token in
# the URL is the only credential, and all it can do is unsubscribe its own address.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for a click (link scanners must not unsubscribe anyone); POST unsubscribes."""
    try:
        claim = unsubscribe_claim(token)
    except TokenExpired:
        problem = _(
            "This unsubscribe link has expired. Use the link in a more recent newsletter, "
            "or reply to any newsletter to ask us to unsubscribe you. Nothing was changed."
        )
        return render(request, "newsletter/link_problem.html", {"problem": problem}, status=410)
    except TokenInvalid:
        problem = _(
            "This unsubscribe link is damaged (perhaps cut by your email program). Copy the "
            "whole link from the newsletter, or reply to it to ask us. Nothing was changed."
        )
        return render(request, "newsletter/link_problem.html", {"problem": problem}, status=400)
    subscriber = Subscriber.objects.filter(pk=claim.subscriber_id).first()
    if subscriber is None:
        problem = _("This address is no longer on our list: there is nothing to do.")
        return render(request, "newsletter/link_problem.html", {"problem": problem}, status=404)
    if request.method == "POST":
        services.subscriber_unsubscribe(
            subscriber_id=subscriber.pk,
            source=f"mailing:{claim.mailing_id}" if claim.mailing_id else "unsubscribe page",
            ip_hash=ip_hash(client_ip(request)),
        )
        return render(request, "newsletter/unsubscribed.html")
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})


# Staff side


@staff_required
def mailing_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "newsletter/mailing_list.html",
        {
            "mailings": selectors.mailings_for_staff(),
            "counts": selectors.subscriber_counts(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def mailing_create(request: HttpRequest) -> HttpResponse:
    form = MailingCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mailing = services.mailing_create(
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            created_by=request.user,
        )
        return redirect(mailing)
    return render(request, "newsletter/mailing_form.html", {"form": form, "creating": True})


@staff_required
@require_http_methods(["GET", "POST"])
def mailing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = get_object_or_404(Mailing, pk=pk)
    if mailing.status != MailingStatus.DRAFT:
        messages.warning(request, _("This mailing has already been sent: it can no longer change."))
        return redirect(mailing)
    form = MailingForm(request.POST or None, instance=mailing)
    if request.method == "POST" and form.is_valid():
        try:
            services.mailing_update(
                mailing=mailing,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                digest=form.cleaned_data["digest"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Mailing saved."))
            return redirect(mailing)
    return render(request, "newsletter/mailing_form.html", {"form": form, "mailing": mailing})


@staff_required
@csp_update({"frame-src": ["'self'"]})  # the framed preview of the email, from this site
def mailing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = get_object_or_404(Mailing.objects.select_related("created_by"), pk=pk)
    preview = mailing_message(mailing, language=request.LANGUAGE_CODE, unsubscribe_link=None)
    draft = mailing.status == MailingStatus.DRAFT
    return render(
        request,
        "newsletter/mailing_detail.html",
        {
            "mailing": mailing,
            "preview_text": preview["text"],
            # A draft shows whom it would reach; a sent mailing, how far its sending got.
            "progress": None if draft else selectors.mailing_progress(mailing),
            "counts": selectors.subscriber_counts() if draft else None,
        },
    )


@staff_required
@xframe_options_sameorigin
@csp_replace(
    {
        # The email's own styles are inline (mail clients need them); it has no script.
        "default-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "img-src": ["'self'", "https:", "data:"],
        "script-src": ["'none'"],
        "frame-ancestors": ["'self'"],
    }
)
def mailing_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The mailing's HTML exactly as a mail client gets it (inline styles: hence the CSP change).

    Shown in a frame on the mailing's page, and on its own in a new tab.
    """
    mailing = get_object_or_404(Mailing, pk=pk)
    language = request.GET.get("lang") or request.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    message = mailing_message(mailing, language=language, unsubscribe_link=None)
    return HttpResponse(message["html"])


@staff_required
def mailing_progress(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = get_object_or_404(Mailing, pk=pk)
    return render(
        request,
        "newsletter/_progress.html",
        {"mailing": mailing, "progress": selectors.mailing_progress(mailing)},
    )


@staff_required
def mailing_log(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = get_object_or_404(Mailing, pk=pk)
    page = Paginator(selectors.mailing_log(mailing), MAILING_LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "newsletter/mailing_log.html",
        {
            "mailing": mailing,
            "page_obj": page,
            "deliveries": page.object_list,
            "progress": selectors.mailing_progress(mailing),
        },
    )


def _action(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    mailing = get_object_or_404(Mailing, pk=pk)
    try:
        action(mailing)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(mailing)


@staff_required
@require_POST
def mailing_digest(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda mailing: services.mailing_digest_refresh(mailing=mailing),
        _("Digest generated again from the latest posts and workshops."),
    )


@staff_required
@require_POST
def mailing_test(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda mailing: services.mailing_send_test(mailing=mailing, user=request.user),
        _("Test sent to %(email)s.") % {"email": request.user.email},
    )


@staff_required
@require_POST
def mailing_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda mailing: services.mailing_send(mailing=mailing),
        _("Sending started: the progress is shown below."),
    )
