"""Staff pages: endpoints, their delivery log, replay, switching off and on."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from compagnon.core.forms import form_add_service_errors
from compagnon.core.permissions import staff_required
from compagnon.webhooks import selectors, services
from compagnon.webhooks.forms import EndpointForm


@staff_required
@require_http_methods(["GET", "POST"])
def endpoints(request: HttpRequest) -> HttpResponseBase:
    form = EndpointForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                endpoint = services.endpoint_create(
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    description=form.cleaned_data["description"],
                    actor=request.user,
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext("Endpoint registered: give its signing secret to the receiver."),
                )
                return redirect("webhooks:endpoint", pk=endpoint.pk)
        status = 400
    return render(
        request,
        "webhooks/endpoints.html",
        {"form": form, "endpoints": list(selectors.endpoints_with_counts())},
        status=status,
    )


@staff_required
def endpoint(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.endpoint_get(pk)
    return render(
        request,
        "webhooks/endpoint.html",
        {"endpoint": found, "deliveries": selectors.deliveries_of(found)},
    )


@staff_required
@require_POST
def endpoint_active(request: HttpRequest, pk: int) -> HttpResponseBase:
    found = selectors.endpoint_get(pk)
    active = request.POST.get("active") == "1"
    services.endpoint_set_active(endpoint=found, active=active, actor=request.user)
    messages.success(
        request,
        gettext("The endpoint is on.") if active else gettext("The endpoint is off."),
    )
    return redirect("webhooks:endpoint", pk=found.pk)


@staff_required
@require_POST
def delivery_replay(request: HttpRequest, pk: int) -> HttpResponseBase:
    delivery = selectors.delivery_get(pk)
    try:
        services.delivery_replay(delivery=delivery, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("Replay queued: it appears at the top of the log."))
    return redirect("webhooks:endpoint", pk=delivery.endpoint_id)
