"""Awards pages: public (editions, shortlist, winners, vote), applicants, jurors, staff.

Thin: reads come from `selectors`, writes from `services`; a juror's conflicts are
enforced by the selectors (404) and again by the scoring service.
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from compagnon.awards import selectors, services
from compagnon.awards.forms import (
    ApplicationForm,
    ApplyForm,
    AttachmentForm,
    ConflictForm,
    DecisionForm,
    EligibilityForm,
    InviteJurorForm,
    ScoreForm,
    TeamForm,
    VoteForm,
    people_by_emails,
)
from compagnon.awards.models import (
    Application,
    ApplicationStatus,
    Attachment,
    Decision,
    JurorStatus,
    Outcome,
)
from compagnon.awards.ratelimit import request_ip_hash, vote_decision
from compagnon.core.markdown import render_markdown
from compagnon.core.permissions import staff_required
from compagnon.core.ratelimit import rate_limited_response
from compagnon.core.storage import private_download
from compagnon.members.models import Person
from compagnon.members.permissions import signed_in_viewer
from compagnon.members.selectors import Viewer, viewer_for


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- public -------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "awards/index.html", {"editions": selectors.editions_public()})


def edition(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_for(request.user)
    edition = selectors.edition_by_slug(slug)
    shortlist = list(selectors.shortlist_public(edition))
    context = {
        "edition": edition,
        "intro": render_markdown(edition.intro, heading_offset=1),
        "categories": selectors.categories_with_criteria(edition),
        "call_refusal": services.call_refusal(edition),
        "shortlist": shortlist,
        "juror": selectors.juror_of(viewer, edition),
        "vote_open": edition.public_vote
        and edition.shortlist_published
        and not edition.winners_published,
    }
    return render(request, "awards/edition.html", context)


def winners(request: HttpRequest, slug: str) -> HttpResponse:
    edition = selectors.edition_by_slug(slug)
    if not edition.winners_published:
        raise Http404
    winners = [
        (application, render_markdown(application.story, heading_offset=2))
        for application in selectors.winners_public(edition)
    ]
    return render(request, "awards/winners.html", {"edition": edition, "winners": winners})


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    edition = selectors.edition_by_slug(slug)
    application = get_object_or_404(selectors.shortlist_public(edition), pk=pk)
    refusal = services.vote_refusal(edition, application)
    form = VoteForm(request.POST or None)
    context = {"edition": edition, "application": application, "form": form, "refusal": refusal}
    if request.method == "POST" and not refusal:
        decision = vote_decision(request)
        if not decision.allowed:
            return rate_limited_response(request, "awards/rate_limited.html", decision)
        if form.is_bot():
            # Same answer as a person gets, and nothing written.
            return redirect("awards:vote_done")
        if form.is_valid():
            try:
                services.vote_cast(
                    edition=edition,
                    application=application,
                    email=form.cleaned_data["email"],
                    ip_hash=request_ip_hash(request),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return redirect("awards:vote_done")
    status = 400 if form.errors else 200
    return render(request, "awards/vote.html", context, status=status)


def vote_done(request: HttpRequest) -> HttpResponse:
    return render(request, "awards/vote_done.html")


@require_http_methods(["GET", "POST"])
def vote_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button and counts nothing (mail scanners follow links); POST counts."""
    try:
        vote = services.vote_for_token(token)
        if request.method == "POST":
            vote = services.vote_confirm(token=token)
            return render(request, "awards/vote_confirmed.html", {"vote": vote})
    except services.VoteProblem as problem:
        return render(request, "awards/vote_problem.html", {"problem": problem.message}, status=404)
    return render(request, "awards/vote_confirm.html", {"vote": vote})


# --- applicants -----------------------------------------------------------------------------


@signed_in_viewer
def mine(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    return render(
        request, "awards/mine.html", {"applications": list(selectors.applications_of(viewer))}
    )


@signed_in_viewer
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    edition = selectors.edition_by_slug(slug)
    refusal = services.call_refusal(edition)
    form = ApplyForm(request.POST or None, edition=edition)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            application = services.application_create(
                edition=edition,
                category=form.cleaned_data["category"],
                person=viewer.person,
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Draft created: it saves as you type."))
            return redirect(application.get_absolute_url())
    status = 400 if form.errors else 200
    return render(
        request,
        "awards/apply.html",
        {"edition": edition, "form": form, "refusal": refusal},
        status=status,
    )


def _team_emails(application: Application) -> str:
    return "\n".join(p.email for p in application.team.all() if p.pk != application.applicant_id)


def _save_from_post(request: HttpRequest, application: Application):
    form = ApplicationForm(request.POST, instance=Application.objects.get(pk=application.pk))
    team_form = TeamForm(request.POST)
    if not (form.is_valid() and team_form.is_valid()):
        return form, team_form, None
    team, unknown = people_by_emails(team_form.cleaned_data["team_emails"])
    if unknown:
        team_form.add_error(
            "team_emails",
            _("Not known to the club: %(emails)s. Ask them to join first.")
            % {"emails": ", ".join(unknown)},
        )
        return form, team_form, None
    try:
        saved = services.application_save(
            application=application,
            values={k: str(v) for k, v in form.cleaned_data.items()},
            team=team,
        )
    except ValidationError as error:
        _add_errors(form, error)
        return form, team_form, None
    return form, team_form, saved


@signed_in_viewer
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    application = selectors.application_for_applicant(viewer, pk)
    editable = not services.draft_refusal(application)
    if request.method == "POST" and editable:
        form, team_form, saved = _save_from_post(request, application)
        if saved is not None:
            if request.POST.get("action") == "submit":
                try:
                    services.application_submit(application=saved)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request, _("Application submitted. A confirmation email is on its way.")
                    )
                    return redirect(saved.get_absolute_url())
            else:
                messages.success(request, _("Draft saved."))
                return redirect(saved.get_absolute_url())
    else:
        form = ApplicationForm(instance=application)
        team_form = TeamForm(initial={"team_emails": _team_emails(application)})
    context = {
        "application": application,
        "edition": application.edition,
        "form": form,
        "team_form": team_form,
        "editable": editable,
        "refusal": services.draft_refusal(application),
        "attachments": list(application.attachments.all()),
        "attachment_form": AttachmentForm(),
        "deadline": application.edition.deadline_at,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "awards/application_form.html", context, status=status)


@signed_in_viewer
@require_POST
def application_autosave(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    """HTMX: save the draft as typed; answer with a line saying so (or what went wrong)."""
    application = selectors.application_for_applicant(viewer, pk)
    refusal = services.draft_refusal(application)
    if refusal:
        return render(request, "awards/_autosave.html", {"problem": refusal})
    form, team_form, saved = _save_from_post(request, application)
    if saved is None:
        problems = [
            str(e) for errors in (*form.errors.values(), *team_form.errors.values()) for e in errors
        ]
        return render(request, "awards/_autosave.html", {"problem": " ".join(problems)})
    with timezone.override(application.edition.time_zone):
        at = timezone.localtime(saved.updated_at).strftime("%H:%M")
    return render(request, "awards/_autosave.html", {"saved_at": at})


@signed_in_viewer
@require_POST
def attachment_add(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    application = selectors.application_for_applicant(viewer, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                application=application, file=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, _("File added."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(application.get_absolute_url())


def _attachment_for(viewer: Viewer, pk: int) -> tuple[Attachment, bool]:
    """The attachment and whether the viewer reads it as a (blind) juror; 404 otherwise."""
    attachment = get_object_or_404(Attachment.objects.select_related("application"), pk=pk)
    application = attachment.application
    try:
        selectors.application_for_applicant(viewer, application.pk)
        return attachment, False
    except Http404:
        pass
    juror = selectors.juror_of(viewer, application.edition)
    if (
        juror is None
        or not selectors.applications_visible_to_juror(juror).filter(pk=application.pk).exists()
    ):
        raise Http404
    return attachment, application.edition.blind_review


@signed_in_viewer
def attachment_download(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    """Private files: always a download, nosniff, sandboxed; a blind juror gets no file name."""
    attachment, blind = _attachment_for(viewer, pk)
    extension = attachment.name.rsplit(".", 1)[-1].lower()
    name = f"attachment-{attachment.pk}.{extension}" if blind else attachment.name
    content_type = attachment.content_type or mimetypes.guess_type(name)[0]
    response = private_download(
        attachment.file, filename=name, content_type=content_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@signed_in_viewer
@require_POST
def attachment_delete(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("application"), pk=pk)
    application = selectors.application_for_applicant(viewer, attachment.application_id)
    try:
        services.attachment_delete(attachment=attachment)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("File removed."))
    return redirect(application.get_absolute_url())


# --- jurors ---------------------------------------------------------------------------------


@signed_in_viewer
def jury(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    edition = selectors.edition_by_slug(slug)
    juror = selectors.juror_of(viewer, edition)
    if juror is None:
        raise Http404
    context = {
        "edition": edition,
        "juror": juror,
        "reviews": selectors.reviews_for_juror(juror),
        "conflicts": list(juror.conflicts.select_related("organisation", "application")),
        "conflict_form": ConflictForm(),
    }
    return render(request, "awards/jury.html", context)


@signed_in_viewer
@require_POST
def jury_answer(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    edition = selectors.edition_by_slug(slug)
    juror = selectors.juror_of(viewer, edition)
    if juror is None:
        raise Http404
    accept = request.POST.get("answer") == "accept"
    services.juror_answer(juror=juror, accept=accept)
    messages.success(request, _("Thank you: you are on the jury.") if accept else _("Noted."))
    return redirect("awards:jury", slug=edition.slug)


@signed_in_viewer
@require_POST
def conflict_declare(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    edition = selectors.edition_by_slug(slug)
    juror = selectors.juror_of(viewer, edition)
    if juror is None:
        raise Http404
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(
                juror=juror,
                organisation=form.cleaned_data["organisation"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, _("Conflict recorded: you will not see its applications."))
    return redirect("awards:jury", slug=edition.slug)


@signed_in_viewer
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    review = selectors.review_for_juror(viewer, pk)
    application = review.application
    edition = review.juror.edition
    form = ScoreForm(request.POST or None, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_score(
                review=review, scores=form.scores(), comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Scores saved."))
            return redirect("awards:jury", slug=edition.slug)
    context = {
        "review": review,
        "application": application,
        "edition": edition,
        "blind": edition.blind_review,
        "form": form,
        "attachments": list(application.attachments.all()),
    }
    return render(request, "awards/review.html", context, status=400 if form.errors else 200)


# --- staff ----------------------------------------------------------------------------------


@staff_required
def staff_edition(request: HttpRequest, slug: str) -> HttpResponse:
    edition = selectors.edition_by_slug(slug)
    applications = list(
        edition.applications.exclude(status=ApplicationStatus.DRAFT)
        .select_related("category", "organisation", "applicant")
        .order_by("category__position", "pk")
    )
    jurors = list(edition.jurors.select_related("person", "person__organisation"))
    context = {
        "edition": edition,
        "applications": applications,
        "drafts": edition.applications.filter(status=ApplicationStatus.DRAFT).count(),
        "jurors": jurors,
        "accepted": sum(1 for j in jurors if j.status == JurorStatus.ACCEPTED),
        "progress": selectors.review_progress(edition),
        "invite_form": InviteJurorForm(),
        "eligibility_form": EligibilityForm(),
    }
    return render(request, "awards/staff_edition.html", context)


@staff_required
@require_POST
def eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application.objects.select_related("edition"), pk=pk)
    form = EligibilityForm(request.POST)
    if form.is_valid():
        try:
            services.application_check_eligibility(
                application=application,
                eligible=form.cleaned_data["eligible"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(
                request, _("Eligibility recorded for “%(title)s”.") % {"title": application.title}
            )
    return redirect("awards:staff", slug=application.edition.slug)


@staff_required
@require_POST
def juror_invite(request: HttpRequest, slug: str) -> HttpResponse:
    edition = selectors.edition_by_slug(slug)
    form = InviteJurorForm(request.POST)
    if form.is_valid():
        person = Person.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if person is None:
            messages.error(request, _("Nobody with this address is known to the club."))
        else:
            try:
                services.juror_invite(edition=edition, person=person, by=request.user)
            except ValidationError as error:
                for message in _errors(error):
                    messages.error(request, message)
            else:
                messages.success(request, _("Invitation sent."))
    else:
        messages.error(request, _("Enter a valid email address."))
    return redirect("awards:staff", slug=edition.slug)


@staff_required
@require_POST
def assign(request: HttpRequest, slug: str) -> HttpResponse:
    edition = selectors.edition_by_slug(slug)
    plan = services.reviews_assign(edition=edition)
    messages.success(
        request,
        _("%(n)s reviews assigned.") % {"n": len(plan.pairs)},
    )
    if plan.short:
        messages.warning(
            request,
            _(
                "%(n)s applications have fewer than %(k)s jurors free of conflicts: invite more "
                "jurors, then assign again."
            )
            % {"n": len(plan.short), "k": edition.reviews_per_application},
        )
    return redirect("awards:staff", slug=edition.slug)


@staff_required
def board(request: HttpRequest, slug: str) -> HttpResponse:
    edition = selectors.edition_by_slug(slug)
    votes = selectors.vote_counts(edition) if edition.public_vote else {}
    context = {
        "edition": edition,
        "board": [
            (
                category,
                [(item, application, votes.get(application.pk, 0)) for item, application in rows],
            )
            for category, rows in selectors.board_for(edition)
        ],
        # Resolved once: 300 rows each rendering lazy labels cost more than the ranking.
        "outcome_choices": [(value, str(label)) for value, label in Outcome.choices if value],
        "progress": selectors.review_progress(edition),
        "decisions": list(
            Decision.objects.filter(application__edition=edition).select_related(
                "application", "decided_by"
            )[:50]
        ),
    }
    return render(request, "awards/board.html", context)


@staff_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application.objects.select_related("edition"), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_record(
                application=application,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, _("Decision recorded."))
    return redirect("awards:board", slug=application.edition.slug)


@staff_required
@require_POST
def announce(request: HttpRequest, slug: str) -> HttpResponse:
    edition = selectors.edition_by_slug(slug)
    try:
        mailing = services.results_announcement_draft(edition=edition, by=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return redirect("awards:board", slug=edition.slug)
    messages.success(request, _("Newsletter draft written: check it, then send it."))
    return redirect("newsletter:mailing_edit", pk=mailing.pk)


@staff_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    edition = selectors.edition_by_slug(slug)
    what = request.POST.get("what")
    on = request.POST.get("on") == "1"
    if what == "shortlist":
        services.edition_publish(edition=edition, shortlist=on)
    elif what == "winners":
        services.edition_publish(edition=edition, winners=on)
    messages.success(request, _("Publication updated."))
    return redirect("awards:board", slug=edition.slug)
