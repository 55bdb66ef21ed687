"""The token pages: one's own tokens (make, list, revoke) and, for staff, everyone's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from compagnon.api.forms import TokenForm
from compagnon.api.selectors import token_for_manager, tokens_all, tokens_of
from compagnon.api.services import token_create, token_revoke
from compagnon.core.forms import form_add_service_errors
from compagnon.core.permissions import staff_required


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new_token = token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    days=form.cleaned_data["days"],
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
                status = 400
            else:
                form = TokenForm()
        else:
            status = 400
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": list(tokens_of(request.user)),
            "now": timezone.now(),
        },
        status=status,
    )
    # The raw token is in this page only: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    token = token_for_manager(pk=pk, user=request.user)
    token_revoke(token=token, actor=request.user)
    messages.success(request, gettext("The token is revoked: it no longer opens the API."))
    if request.user.is_staff and request.POST.get("back") == "staff":
        return redirect("api:tokens_staff")
    return redirect("api:tokens")


@staff_required
def tokens_staff(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "api/tokens_staff.html",
        {"tokens": list(tokens_all()[:500]), "now": timezone.now()},
    )
