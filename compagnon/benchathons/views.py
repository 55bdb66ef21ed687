"""Benchathon pages. Thin: `selectors` decides who sees what, `services` writes."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from compagnon.accounts.models import User
from compagnon.benchathons import services
from compagnon.benchathons.charts import heatmap_block
from compagnon.benchathons.forms import (
    AssignForm,
    BenchathonForm,
    CriterionForm,
    EvaluationForm,
    GridCopyForm,
    ItemForm,
    PublishForm,
)
from compagnon.benchathons.models import Benchathon, BenchathonStatus, Criterion, Item
from compagnon.benchathons.report import format_cell
from compagnon.benchathons.selectors import (
    benchathon_for_viewer,
    benchathon_for_workshop,
    benchathon_results,
    benchathons_listed,
    can_follow_benchathon,
    can_manage_benchathon,
    criteria_of,
    evaluation_for_viewer,
    grid_is_locked,
    grids_to_copy,
    items_of,
    my_evaluations,
    participants_of,
    progress_board,
    published_chart_for_viewer,
    report_of,
)
from compagnon.core.forms import form_add_service_errors
from compagnon.core.markdown import render_markdown
from compagnon.core.permissions import to_sign_in, wants_partial
from compagnon.members.permissions import member_required
from compagnon.members.selectors import Viewer, viewer_for
from compagnon.workshops.selectors import can_edit_workshop, workshop_for_viewer


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def benchathon_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    context = {"benchathons": list(benchathons_listed(viewer)), "viewer": viewer}
    return render(request, "benchathons/list.html", context)


@member_required
def benchathon_create(request: HttpRequest, viewer: Viewer, workshop_pk: int) -> HttpResponseBase:
    workshop = workshop_for_viewer(viewer, workshop_pk)
    if not can_edit_workshop(viewer, workshop):
        raise PermissionDenied
    existing = benchathon_for_workshop(workshop=workshop)
    if existing is not None:
        return redirect(existing)
    grids = grids_to_copy()
    form = BenchathonForm(request.POST or None, grids=grids)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                benchathon = services.benchathon_create(
                    workshop=workshop,
                    actor=_actor(request),
                    goal=form.cleaned_data["goal"],
                    evaluators_per_item=form.cleaned_data["evaluators_per_item"],
                    grid_source=form.cleaned_data["grid_source"],
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(
                    request, gettext("The benchathon is set up: now the grid and the items.")
                )
                return redirect("benchathons:setup", pk=benchathon.pk)
        status = 400
    context = {"form": form, "workshop": workshop}
    return render(request, "benchathons/create.html", context, status=status)


def benchathon_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = viewer_for(request.user)
    try:
        benchathon = benchathon_for_viewer(viewer, pk)
    except Http404:
        if not request.user.is_authenticated:
            return to_sign_in(request)
        raise
    can_manage = can_manage_benchathon(viewer, benchathon)
    mine = my_evaluations(viewer, benchathon)
    context = {
        "benchathon": benchathon,
        "workshop": benchathon.workshop,
        "goal_html": render_markdown(benchathon.goal, heading_offset=2),
        "criteria": criteria_of(benchathon),
        "items": items_of(benchathon),
        "my_evaluations": mine,
        "can_manage": can_manage,
        "can_follow": can_manage or bool(mine),
        "report": report_of(benchathon)
        if benchathon.status == BenchathonStatus.PUBLISHED
        else None,
    }
    return render(request, "benchathons/detail.html", context)


def _manageable(viewer: Viewer, pk: int) -> Benchathon:
    benchathon = benchathon_for_viewer(viewer, pk)
    if not can_manage_benchathon(viewer, benchathon):
        raise PermissionDenied
    return benchathon


@member_required
def benchathon_setup(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    """The organisers' page: the grid, the items, the assignment. Each form posts an `action`."""
    benchathon = _manageable(viewer, pk)
    grids = grids_to_copy(exclude=benchathon.grid)
    criterion_form = CriterionForm(prefix="criterion")
    copy_form = GridCopyForm(prefix="copy", grids=grids)
    item_form = ItemForm(prefix="item")
    assign_form = AssignForm(initial={"evaluators_per_item": benchathon.evaluators_per_item})
    status = 200
    if request.method == "POST":
        actor = _actor(request)
        action = request.POST.get("action", "")
        try:
            if action == "add_criterion":
                criterion_form = CriterionForm(request.POST, prefix="criterion")
                if criterion_form.is_valid():
                    services.criterion_add(
                        benchathon=benchathon, actor=actor, **criterion_form.cleaned_data
                    )
                    messages.success(request, gettext("Criterion added."))
                    return redirect("benchathons:setup", pk=pk)
            elif action == "copy_grid":
                copy_form = GridCopyForm(request.POST, prefix="copy", grids=grids)
                if copy_form.is_valid():
                    services.grid_copy(
                        benchathon=benchathon, source=copy_form.cleaned_data["source"], actor=actor
                    )
                    messages.success(request, gettext("The grid is copied; adjust it as needed."))
                    return redirect("benchathons:setup", pk=pk)
            elif action == "delete_criterion":
                criterion = get_object_or_404(
                    Criterion, pk=request.POST.get("criterion"), grid_id=benchathon.grid_id
                )
                services.criterion_delete(criterion=criterion, actor=actor)
                messages.success(request, gettext("Criterion removed."))
                return redirect("benchathons:setup", pk=pk)
            elif action == "add_item":
                item_form = ItemForm(request.POST, prefix="item")
                if item_form.is_valid():
                    services.item_add(benchathon=benchathon, actor=actor, **item_form.cleaned_data)
                    messages.success(request, gettext("Item added."))
                    return redirect("benchathons:setup", pk=pk)
            elif action == "delete_item":
                item = get_object_or_404(Item, pk=request.POST.get("item"), benchathon=benchathon)
                services.item_delete(item=item, actor=actor)
                messages.success(request, gettext("Item removed."))
                return redirect("benchathons:setup", pk=pk)
            elif action == "assign":
                assign_form = AssignForm(request.POST)
                if assign_form.is_valid():
                    outcome = services.evaluations_assign(
                        benchathon=benchathon,
                        actor=actor,
                        per_item=assign_form.cleaned_data["evaluators_per_item"],
                    )
                    messages.success(
                        request,
                        ngettext(
                            "%(count)d evaluation assigned.",
                            "%(count)d evaluations assigned.",
                            outcome.created,
                        )
                        % {"count": outcome.created},
                    )
                    if outcome.single_organisation_items:
                        messages.warning(
                            request,
                            gettext(
                                "Not enough organisations to mix: these items are evaluated by "
                                "people of one organisation only: %(items)s."
                            )
                            % {
                                "items": ", ".join(
                                    str(i) for i in outcome.single_organisation_items
                                )
                            },
                        )
                    return redirect("benchathons:setup", pk=pk)
            elif action == "reopen":
                services.benchathon_reopen(benchathon=benchathon, actor=actor)
                messages.success(request, gettext("The benchathon is open to corrections again."))
                return redirect("benchathons:setup", pk=pk)
            else:
                raise Http404
        except ValidationError as error:
            target = {
                "add_criterion": criterion_form,
                "add_item": item_form,
                "assign": assign_form,
                "copy_grid": copy_form,
            }.get(action)
            if target is not None:
                form_add_service_errors(target, error)
            else:
                messages.error(request, _error_text(error))
                return redirect("benchathons:setup", pk=pk)
        status = 400
    criteria = criteria_of(benchathon)
    context = {
        "benchathon": benchathon,
        "workshop": benchathon.workshop,
        "criteria": criteria,
        "items": items_of(benchathon),
        "participants": participants_of(benchathon.workshop),
        "grid_locked": grid_is_locked(benchathon),
        "criterion_form": criterion_form,
        "copy_form": copy_form if grids.exists() else None,
        "item_form": item_form,
        "assign_form": assign_form,
        "publish_form": PublishForm(),
        "published": benchathon.status == BenchathonStatus.PUBLISHED,
    }
    return render(request, "benchathons/setup.html", context, status=status)


@member_required
def evaluation_fill(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    evaluation = evaluation_for_viewer(viewer, pk)
    benchathon = evaluation.item.benchathon
    criteria = criteria_of(benchathon)
    own = viewer.person is not None and evaluation.evaluator_id == viewer.person.pk
    closed = benchathon.status == BenchathonStatus.PUBLISHED
    status = 200
    if request.method == "POST":
        if not own:
            raise PermissionDenied
        form = EvaluationForm(request.POST, criteria=criteria)
        if form.is_valid():
            submit = request.POST.get("action") == "submit"
            try:
                services.evaluation_save(
                    evaluation=evaluation,
                    actor=_actor(request),
                    answers=form.answers(),
                    evidence=form.cleaned_data["evidence"],
                    notes=form.cleaned_data["notes"],
                    submit=submit,
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext("Your evaluation is submitted. Thank you!")
                    if submit
                    else gettext("Your draft is saved."),
                )
                return redirect(benchathon)
        status = 400
    else:
        form = EvaluationForm(criteria=criteria, evaluation=evaluation)
    context = {
        "evaluation": evaluation,
        "benchathon": benchathon,
        "item": evaluation.item,
        "form": form,
        "answers": _answers_shown(evaluation, criteria),
        "can_fill": own and not closed,
        "closed": closed,
    }
    return render(request, "benchathons/evaluation.html", context, status=status)


def _answers_shown(evaluation, criteria: list[Criterion]) -> list[tuple[Criterion, str]]:
    """The answers as a reader sees them (organisers read, they do not fill)."""
    scores = {score.criterion_id: score for score in evaluation.scores.all()}
    shown = []
    for criterion in criteria:
        score = scores.get(criterion.pk)
        if score is None:
            text = "—"
        elif criterion.scale == "yes_no":
            text = gettext("Yes") if score.number else gettext("No")
        elif score.number is not None:
            text = f"{score.number:g}" + (f" {criterion.unit}" if criterion.unit else "")
        else:
            text = score.text
        shown.append((criterion, text))
    return shown


def _followed(viewer: Viewer, pk: int) -> Benchathon:
    benchathon = benchathon_for_viewer(viewer, pk)
    if not can_follow_benchathon(viewer, benchathon):
        raise PermissionDenied
    return benchathon


@member_required
@vary_on_headers("HX-Request")
def benchathon_board(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    """The live progress board; the page polls its own partial every few seconds."""
    benchathon = _followed(viewer, pk)
    context = {
        "benchathon": benchathon,
        "workshop": benchathon.workshop,
        "board": progress_board(benchathon),
        "per_item": benchathon.evaluators_per_item,
    }
    template = "benchathons/board.html"
    if wants_partial(request):
        template += "#board"
    return render(request, template, context)


@member_required
def benchathon_results_view(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    benchathon = _followed(viewer, pk)
    criteria = criteria_of(benchathon)
    items = items_of(benchathon)
    results = benchathon_results(benchathon, criteria=criteria, items=items)
    shown = [criterion for criterion in criteria if criterion.scale != "text"]
    ranked = sorted(items, key=lambda item: -(results.overall.get(item.pk) or -1))
    rows = [
        {
            "item": item,
            "overall": results.overall.get(item.pk),
            "cells": [
                {
                    "criterion": criterion,
                    "cell": results.cell(item.pk, criterion.pk),
                    "text": format_cell(
                        criterion.scale, results.cell(item.pk, criterion.pk), criterion.unit
                    ),
                }
                for criterion in shown
            ],
        }
        for item in ranked
    ]
    texts = [
        (criterion, [(item, results.cell(item.pk, criterion.pk).texts) for item in items])
        for criterion in criteria
        if criterion.scale == "text"
    ]
    context = {
        "benchathon": benchathon,
        "workshop": benchathon.workshop,
        "criteria": shown,
        "rows": rows,
        "texts": texts,
        "chart": heatmap_block(results, items),
        "disagreements": len(results.disagreements),
        "can_manage": can_manage_benchathon(viewer, benchathon),
        "publish_form": PublishForm(),
        "report": report_of(benchathon),
    }
    return render(request, "benchathons/results.html", context)


@require_POST
@member_required
def benchathon_publish(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    benchathon = _manageable(viewer, pk)
    form = PublishForm(request.POST)
    visibility = form.cleaned_data["visibility"] if form.is_valid() else None
    try:
        report = services.benchathon_publish(
            benchathon=benchathon, actor=_actor(request), visibility=visibility
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("benchathons:results", pk=pk)
    messages.success(request, gettext("The report is published in the club's knowledge."))
    return redirect(report)


def benchathon_chart_svg(request: HttpRequest, pk: int) -> HttpResponse:
    """The heatmap published with the report, as an image the report's Markdown shows."""
    benchathon = published_chart_for_viewer(viewer_for(request.user), pk)
    response = HttpResponse(benchathon.report_chart_svg, content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
