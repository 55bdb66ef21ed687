from __future__ import annotations

from allauth.account.utils import perform_login
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compagnon.accounts import privacy, services
from compagnon.accounts.forms import (
    BulkInvitationForm,
    ColleaguesInviteForm,
    ErasureForm,
    InvitationAcceptForm,
)
from compagnon.accounts.models import Invitation
from compagnon.accounts.selectors import HISTORY_ANY, STALE_INVITATION_DAYS, people_to_invite
from compagnon.core.permissions import staff_required
from compagnon.members.models import Person
from compagnon.members.permissions import signed_in_viewer
from compagnon.members.selectors import Viewer, organisation_private_for_viewer

INVITATIONS_PER_PAGE = 50


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@staff_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=person_pk)
    back = _safe_next(request, person.get_absolute_url())
    if request.method == "POST":
        try:
            invitation = services.invitation_create(person=person, invited_by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": invitation.email},
            )
        return redirect(back)
    pending = person.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).first()
    return render(
        request,
        "accounts/invitation_create.html",
        {"person": person, "pending": pending, "next": back},
    )


@staff_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    invitations = Invitation.objects.select_related(
        "person", "person__organisation", "invited_by"
    ).order_by("-created_at", "-pk")
    page = Paginator(invitations, INVITATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/invitation_list.html", {"page": page})


@staff_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("person"), pk=pk)
    try:
        fresh = services.invitation_resend(invitation=invitation, invited_by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("A new invitation was sent to %(email)s.") % {"email": fresh.email}
        )
    return redirect(_safe_next(request, reverse("accounts:invitation_list")))


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("person"), token=token)
    problem = services.invitation_unusable_message(invitation)
    if problem:
        return _invitation_unusable(request, problem)
    form = InvitationAcceptForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            # Someone used the link between GET and POST, or an account appeared.
            return _invitation_unusable(request, _error_text(error))
        response = perform_login(request, user, redirect_url=reverse("members:profile_edit"))
        messages.success(
            request, _("Your account is ready. Complete your profile so the club can find you.")
        )
        return response
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "person": invitation.person, "form": form},
    )


def _invitation_unusable(request: HttpRequest, problem: str) -> HttpResponse:
    # 410 Gone: the link existed but will never work again.
    return render(request, "accounts/invitation_unusable.html", {"problem": problem}, status=410)


# --- personal data: export and erasure --------------------------------------------------------


@login_required
@require_GET
def data_export(request: HttpRequest) -> HttpResponse:
    """The zip of everything the club holds on the signed-in person."""
    export = privacy.person_data_export(actor=request.user, user=request.user)
    response = HttpResponse(export.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    # Personal data: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def data_erase(request: HttpRequest) -> HttpResponse:
    """Ask to be forgotten: a page that says what happens, then the password and a tick."""
    user = request.user
    form = ErasureForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        privacy.person_erase(actor=user, user=user)
        logout(request)
        messages.success(
            request,
            _("Your account is closed and the club no longer knows who you were. Goodbye."),
        )
        return redirect("site:home")
    person = Person.objects.filter(user=user).first()
    return render(request, "accounts/data_erase.html", {"form": form, "person": person})


# --- many at once -------------------------------------------------------------------------------

BULK_PREVIEW_NAMES = 20


@staff_required
@require_http_methods(["GET", "POST"])
def invitation_bulk(request: HttpRequest) -> HttpResponse:
    """Filters → a count and the first names → confirm: the invitations leave from the task worker."""
    data = request.POST if request.method == "POST" else request.GET
    form = BulkInvitationForm(data or None)
    people = None
    if form.is_valid():
        people = people_to_invite(
            organisation=form.cleaned_data["organisation"],
            base=form.cleaned_data["base"],
            tag=form.cleaned_data["tag"],
            history=form.cleaned_data["history"] or HISTORY_ANY,
        )
        if request.method == "POST":
            try:
                with transaction.atomic():
                    count = services.invitations_bulk_request(
                        person_ids=list(people.values_list("pk", flat=True)),
                        invited_by=request.user,
                    )
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d invitation is on its way.",
                        "%(count)d invitations are on their way.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("accounts:invitation_list")
    count = people.count() if people is not None else None
    context = {
        "form": form,
        "count": count,
        "sample": list(people.select_related("organisation")[:BULK_PREVIEW_NAMES])
        if people is not None
        else [],
        "stale_days": STALE_INVITATION_DAYS,
    }
    return render(request, "accounts/invitation_bulk.html", context)


@signed_in_viewer
@require_http_methods(["GET", "POST"])
def colleagues_invite(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    """An organisation's manager (or staff) invites colleagues at the organisation's domains."""
    organisation = organisation_private_for_viewer(viewer, slug)
    form = ColleaguesInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitations = services.colleagues_invite(
                organisation=organisation,
                addresses=form.cleaned_data["addresses"],
                invited_by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("addresses", message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d colleague invited.",
                    "%(count)d colleagues invited.",
                    len(invitations),
                )
                % {"count": len(invitations)},
            )
            return redirect("accounts:colleagues_invite", slug=organisation.slug)
    pending = (
        Invitation.objects.filter(
            person__organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("person")
        .order_by("-created_at", "-pk")[:50]
    )
    response = render(
        request,
        "accounts/colleagues_invite.html",
        {"organisation": organisation, "form": form, "pending": pending},
    )
    response["Cache-Control"] = "private, no-store"
    return response
