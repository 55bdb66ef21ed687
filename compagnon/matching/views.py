"""Staff page: how well matching ranks on the club's answers, and a rollback."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from compagnon.core.permissions import staff_required
from compagnon.matching.engine.learn import MIN_CASES
from compagnon.matching.models import RankingModel
from compagnon.matching.services import ranking_model_activate

MODELS_SHOWN = 20


@require_GET
@staff_required
def quality(request: HttpRequest) -> HttpResponse:
    models = list(RankingModel.objects.all()[:MODELS_SHOWN])
    active = next((m for m in models if m.is_active), None)
    if active is None:
        active = RankingModel.objects.filter(is_active=True).first()
    context = {"models": models, "active": active, "min_cases": MIN_CASES}
    return render(request, "matching/quality.html", context)


@require_POST
@staff_required
def model_activate(request: HttpRequest, pk: int) -> HttpResponse:
    model = get_object_or_404(RankingModel, pk=pk)
    if model.is_active:  # a second click on the same rollback
        messages.info(
            request,
            _("Matching already ranks with version %(version)d.") % {"version": model.version},
        )
        return redirect("matching:quality")
    try:
        ranking_model_activate(model=model)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Matching now ranks with version %(version)d.") % {"version": model.version},
        )
    return redirect("matching:quality")
