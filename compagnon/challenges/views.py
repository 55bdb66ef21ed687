"""Challenge pages: the list, a challenge (overview, rules, data, leaderboards), submitting,
the participant's submissions, the team page, and the organisers' pages.

Views stay thin: `selectors` decides who sees what, `services` writes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from compagnon.challenges import conf
from compagnon.challenges.forms import (
    ChallengeForm,
    DataFileForm,
    DiscussionPostForm,
    SolutionForm,
    TeamInviteForm,
    TeamNameForm,
    UploadForm,
)
from compagnon.challenges.models import (
    PENDING_STATUSES,
    Challenge,
    DataFile,
    SolutionVersion,
    Submission,
    TeamInvitation,
    TeamInvitationStatus,
    metric_label,
)
from compagnon.challenges.selectors import (
    challenge_cards,
    challenge_for_viewer,
    challenges_visible_to,
    default_final_ids,
    discussion_posts,
    invitations_for,
    leaderboard_private,
    leaderboard_public,
    submissions_of_team,
)
from compagnon.challenges.services import (
    baseline_create,
    challenge_can_manage,
    challenge_can_take_part,
    challenge_create,
    challenge_is_visible,
    challenge_rescore_all,
    challenge_reveal_private,
    challenge_rules_accept,
    challenge_update,
    data_file_add,
    data_file_remove,
    discussion_post_add,
    expected_header,
    merge_allowed,
    quota_for,
    rules_accepted,
    sample_submission_rows,
    solution_current,
    solution_upload,
    submission_create,
    submission_final_set,
    team_create,
    team_invitation_accept,
    team_invitation_decline,
    team_invite,
    team_leave,
    team_of,
    team_rename,
)
from compagnon.core.csvsafe import csv_streaming_response
from compagnon.core.forms import form_add_service_errors
from compagnon.core.markdown import render_markdown
from compagnon.core.permissions import staff_required, to_sign_in, wants_partial
from compagnon.core.storage import private_download
from compagnon.members.selectors import Viewer, viewer_for

View = Callable[..., HttpResponseBase]
# A multipart request carries a little more than the file: the boundary, the other fields.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


def _members_only(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    return render(request, "members/members_only.html", {"viewer": viewer}, status=403)


def challenge_view(*, take_part: bool = False, manage: bool = False) -> Callable[[View], View]:
    """Find the challenge by slug and apply its rule: who sees it, who takes part, who runs it."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any):
            viewer = viewer_for(request.user)
            needs_account = take_part or manage
            if needs_account and not request.user.is_authenticated:
                return to_sign_in(request)
            challenge = challenge_for_viewer(slug, viewer)
            if not challenge_is_visible(challenge, viewer):
                if not request.user.is_authenticated:
                    return to_sign_in(request)
                return _members_only(request, viewer)
            if manage and not challenge_can_manage(challenge, viewer):
                raise PermissionDenied
            if take_part and not challenge_can_take_part(challenge, viewer):
                raise PermissionDenied
            return view(request, viewer, challenge, *args, **kwargs)

        return wrapper

    return decorator


def _context(request: HttpRequest, viewer: Viewer, challenge: Challenge, **extra: Any) -> dict:
    user = request.user
    team = team_of(challenge, user) if user.is_authenticated else None
    return {
        "challenge": challenge,
        "viewer": viewer,
        "phase": challenge.phase(),
        "can_manage": challenge_can_manage(challenge, viewer),
        "can_take_part": challenge_can_take_part(challenge, viewer),
        "accepted": rules_accepted(challenge, user),
        "team": team,
        **extra,
    }


# --- list and challenge page ------------------------------------------------------


def challenge_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    now = timezone.now()
    challenges = list(challenge_cards(challenges_visible_to(viewer)))
    groups = {
        "running": [c for c in challenges if c.starts_at <= now < c.ends_at],
        "upcoming": [c for c in challenges if now < c.starts_at],
        "ended": [c for c in challenges if c.ends_at <= now],
    }
    return render(
        request,
        "challenges/challenge_list.html",
        {"groups": groups, "viewer": viewer, "any": bool(challenges)},
    )


@challenge_view()
def challenge_detail(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    context = _context(request, viewer, challenge)
    context.update(
        description_html=render_markdown(challenge.description),
        rules_html=render_markdown(challenge.rules),
        data_files=list(challenge.data_files.all()) if context["accepted"] else [],
        data_file_count=challenge.data_files.count(),
        leaderboard=(
            leaderboard_private(challenge)
            if challenge.private_revealed_at is not None
            else leaderboard_public(challenge)
        )[:10],
        has_solution=solution_current(challenge) is not None,
        **ranking_context(challenge),
    )
    if context["team"] is not None:
        context["quota"] = quota_for(challenge, context["team"])
    return render(request, "challenges/challenge_detail.html", context)


@challenge_view(take_part=True)
@require_POST
def rules_accept(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    challenge_rules_accept(challenge=challenge, user=request.user)
    messages.success(request, gettext("Rules accepted: the data is yours to download."))
    return redirect(reverse("challenges:challenge_detail", args=[challenge.slug]) + "#data")


@challenge_view(take_part=True)
def data_file_download(
    request: HttpRequest, viewer: Viewer, challenge: Challenge, pk: int
) -> HttpResponseBase:
    data_file = get_object_or_404(DataFile, pk=pk, challenge=challenge)
    if not rules_accepted(challenge, request.user):
        messages.warning(request, gettext("Accept the rules to download the data."))
        return redirect(reverse("challenges:challenge_detail", args=[challenge.slug]) + "#rules")
    response = private_download(data_file.file, filename=data_file.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- leaderboards ---------------------------------------------------------------------


def _board(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> tuple[str, list]:
    """Which board the viewer asked for and may see: private once revealed (staff: a preview).

    Once revealed, the private board is the one shown by default.
    """
    default = "private" if challenge.private_revealed_at is not None else "public"
    board = request.GET.get("board", default)
    if board == "private" and (
        challenge.private_revealed_at is not None or challenge_can_manage(challenge, viewer)
    ):
        return "private", leaderboard_private(challenge)
    return "public", leaderboard_public(challenge)


@challenge_view()
def leaderboard(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    board, entries = _board(request, viewer, challenge)
    context = _context(request, viewer, challenge, board=board, entries=entries)
    context["own_team_id"] = context["team"].pk if context["team"] else None
    context.update(ranking_context(challenge))
    context["rows"] = [
        (
            entry,
            list(zip(context["columns"], entry.metric_cells(challenge.metric_names), strict=True)),
        )
        for entry in entries
    ]
    context["show_code"] = challenge.phase() == "ended"
    return render(request, "challenges/leaderboard.html", context)


@challenge_view()
def leaderboard_export(
    request: HttpRequest, viewer: Viewer, challenge: Challenge
) -> HttpResponseBase:
    board, entries = _board(request, viewer, challenge)
    names = challenge.extra_metric_list
    header = [
        gettext("rank"),
        gettext("team"),
        gettext("score"),
        gettext("submitted at (UTC)"),
        gettext("entries"),
        gettext("baseline"),
        *names,
    ]
    if names:
        header.append(gettext("Pareto front"))
    rows = [header] + [
        [
            entry.rank if entry.rank is not None else "",
            entry.description if entry.is_baseline else entry.team_name,
            repr(entry.score),
            entry.submitted_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            entry.entries,
            "yes" if entry.is_baseline else "",
            *("" if value is None else repr(value) for value in entry.metric_cells(names)),
            *(["yes" if entry.on_front else ""] if names else []),
        ]
        for entry in entries
    ]
    return csv_streaming_response(rows, filename=f"{challenge.slug}-{board}-leaderboard.csv")


@challenge_view(take_part=True)
def sample_submission(
    request: HttpRequest, viewer: Viewer, challenge: Challenge
) -> HttpResponseBase:
    """The solution's ids with a placeholder prediction: a file the scorer accepts as it is."""
    if not rules_accepted(challenge, request.user):
        messages.warning(request, gettext("Accept the rules to download the data."))
        return redirect(reverse("challenges:challenge_detail", args=[challenge.slug]) + "#rules")
    rows = sample_submission_rows(challenge)
    if rows is None:
        raise Http404
    return csv_streaming_response(rows, filename=f"{challenge.slug}-sample-submission.csv")


def ranking_context(challenge: Challenge) -> dict[str, Any]:
    ranking = challenge.ranking
    return {
        "columns": metric_columns(challenge),
        "ranking": ranking,
        "weight_rows": [(metric_label(name), weight) for name, weight in ranking.weights.items()],
        "constraint_label": metric_label(ranking.constraint_metric),
    }


def metric_columns(challenge: Challenge) -> list[dict[str, Any]]:
    """The leaderboard's metric columns: name, label, direction."""
    directions = challenge.metric_directions()
    return [
        {
            "name": name,
            "label": metric_label(name),
            "higher": directions.get(name, True),
            "primary": name == challenge.metric,
        }
        for name in challenge.metric_names
    ]


@challenge_view()
def discussion(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    """The challenge's thread: everyone who sees the challenge reads it; participants write."""
    context = _context(request, viewer, challenge)
    can_post = context["can_take_part"] or context["can_manage"]
    form = DiscussionPostForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return to_sign_in(request)
        if not can_post:
            raise PermissionDenied
        if form.is_valid():
            try:
                post = discussion_post_add(
                    challenge=challenge, author=request.user, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, gettext("Message posted."))
                url = reverse("challenges:discussion", args=[challenge.slug])
                return redirect(f"{url}#post-{post.pk}")
        status = 400
    posts = [
        (post, render_markdown(post.body, heading_offset=2)) for post in discussion_posts(challenge)
    ]
    context.update(posts=posts, form=form, can_post=can_post)
    return render(request, "challenges/discussion.html", context, status=status)


# --- submitting --------------------------------------------------------------------------


class _LimitedUploadHandler(FileUploadHandler):
    """Stop reading an upload as soon as it passes the limit, whatever Content-Length said."""

    def __init__(self, request: HttpRequest, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _too_large_message() -> str:
    return gettext("The file is larger than %(limit)s: it was not read.") % {
        "limit": filesizeformat(conf.submission_max_bytes())
    }


@csrf_exempt
def submit(request: HttpRequest, slug: str) -> HttpResponseBase:
    """Refuse an oversized upload from its Content-Length, before reading (or CSRF-parsing) it."""
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > conf.submission_max_bytes() + UPLOAD_OVERHEAD_BYTES:
            request.upload_too_large = True  # type: ignore[attr-defined]
            return _submit_refused(request, slug)
        request.upload_handlers.insert(
            0, _LimitedUploadHandler(request, conf.submission_max_bytes())
        )
    return _submit(request, slug)


@challenge_view(take_part=True)
def _submit_refused(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    return _submit_page(
        request, viewer, challenge, UploadForm(), status=413, refusal=_too_large_message()
    )


@csrf_protect
@challenge_view(take_part=True)
def _submit(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    if request.method != "POST":
        return _submit_page(request, viewer, challenge, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if getattr(request, "upload_too_large", False):
        return _submit_page(
            request, viewer, challenge, UploadForm(), status=413, refusal=_too_large_message()
        )
    if form.is_valid():
        try:
            submission_create(
                challenge=challenge,
                user=request.user,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                code_url=form.cleaned_data["code_url"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, gettext("Submission received: it is in the scoring queue."))
            return redirect("challenges:my_submissions", slug=challenge.slug)
    return _submit_page(request, viewer, challenge, form, status=400)


def _submit_page(
    request: HttpRequest,
    viewer: Viewer,
    challenge: Challenge,
    form: UploadForm,
    status: int = 200,
    refusal: str = "",
) -> HttpResponse:
    context = _context(request, viewer, challenge, form=form, refusal=refusal)
    context["quota"] = quota_for(challenge, context["team"])
    context["max_size"] = filesizeformat(conf.submission_max_bytes())
    context["expected_header"] = ",".join(expected_header(challenge))
    context["has_solution"] = solution_current(challenge) is not None
    return render(request, "challenges/submit.html", context, status=status)


@challenge_view(take_part=True)
def my_submissions(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    context = _context(request, viewer, challenge)
    team = context["team"]
    submissions = list(submissions_of_team(team))
    others = [(name, metric_label(name)) for name in challenge.extra_metric_list]
    for submission in submissions:
        # Aggregates over the split only: no per-row or per-group figure reaches the page.
        submission.other_public = [
            (label, submission.public_metrics[name])
            for name, label in others
            if name in submission.public_metrics
        ]
        submission.other_private = [
            (label, submission.private_metrics[name])
            for name, label in others
            if name in submission.private_metrics
        ]
    context.update(
        submissions=submissions,
        pending=any(s.status in PENDING_STATUSES for s in submissions),
        default_finals=default_final_ids(challenge, team)
        if not any(s.selected_for_final for s in submissions)
        else set(),
        chosen=sum(1 for s in submissions if s.selected_for_final),
        quota=quota_for(challenge, team),
        can_choose=timezone.now() < challenge.selection_deadline,
    )
    template = "challenges/my_submissions.html"
    if wants_partial(request):
        template += "#submissions"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@challenge_view(take_part=True)
@require_POST
def submission_final(
    request: HttpRequest, viewer: Viewer, challenge: Challenge, pk: int
) -> HttpResponse:
    submission = get_object_or_404(Submission, pk=pk, challenge=challenge, is_baseline=False)
    try:
        submission_final_set(
            submission=submission,
            user=request.user,
            selected=request.POST.get("selected") == "1",
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("challenges:my_submissions", slug=challenge.slug)


# --- teams --------------------------------------------------------------------------------


@challenge_view(take_part=True)
def team_page(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    context = _context(request, viewer, challenge)
    team = context["team"]
    context.update(
        name_form=TeamNameForm(initial={"name": team.name} if team else None),
        invite_form=TeamInviteForm(),
        members=list(team.memberships.select_related("user__person")) if team else [],
        invitations=[
            (invitation, merge_allowed(challenge, invitation.team, team) if team else None)
            for invitation in invitations_for(challenge, request.user)
        ],
        sent=list(
            team.invitations.filter(status=TeamInvitationStatus.PENDING).select_related("invitee")
        )
        if team
        else [],
    )
    return render(request, "challenges/team.html", context)


def _back_to_team(challenge: Challenge) -> HttpResponse:
    return redirect("challenges:team", slug=challenge.slug)


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> None:
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


@challenge_view(take_part=True)
@require_POST
def team_create_view(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    form = TeamNameForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Give the team a name."))
        return _back_to_team(challenge)
    name = form.cleaned_data["name"]
    team = team_of(challenge, request.user)
    if team is None:
        _run(
            request,
            lambda: team_create(challenge=challenge, user=request.user, name=name),
            gettext("Team created."),
        )
    else:
        _run(
            request,
            lambda: team_rename(team=team, user=request.user, name=name),
            gettext("Team renamed."),
        )
    return _back_to_team(challenge)


@challenge_view(take_part=True)
@require_POST
def team_invite_view(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    form = TeamInviteForm(request.POST)
    team = team_of(challenge, request.user)
    if team is None:
        messages.error(request, gettext("Create your team first."))
    elif not form.is_valid():
        messages.error(request, gettext("Enter a valid email address."))
    else:
        _run(
            request,
            lambda: team_invite(
                team=team, invitee_email=form.cleaned_data["email"], actor=request.user
            ),
            gettext("Invitation sent."),
        )
    return _back_to_team(challenge)


@challenge_view(take_part=True)
@require_POST
def team_invitation_answer(
    request: HttpRequest, viewer: Viewer, challenge: Challenge, pk: int
) -> HttpResponse:
    invitation = get_object_or_404(
        TeamInvitation, pk=pk, team__challenge=challenge, invitee=request.user
    )
    if request.POST.get("answer") == "accept":
        _run(
            request,
            lambda: team_invitation_accept(invitation=invitation, user=request.user),
            gettext("You joined the team."),
        )
    else:
        _run(
            request,
            lambda: team_invitation_decline(invitation=invitation, user=request.user),
            gettext("Invitation declined."),
        )
    return _back_to_team(challenge)


@challenge_view(take_part=True)
@require_POST
def team_leave_view(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    _run(
        request,
        lambda: team_leave(challenge=challenge, user=request.user),
        gettext("You left the team."),
    )
    return _back_to_team(challenge)


# --- organisers ---------------------------------------------------------------------------


@staff_required
def challenge_create_view(request: HttpRequest) -> HttpResponse:
    form = ChallengeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = challenge_create(actor=request.user, **form.challenge_fields())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, gettext("Challenge created."))
            return redirect("challenges:manage", slug=challenge.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "challenges/challenge_form.html", {"form": form, "creating": True}, status=status
    )


@challenge_view(manage=True)
def challenge_edit(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    form = ChallengeForm(request.POST or None, instance=Challenge.objects.get(pk=challenge.pk))
    if request.method == "POST" and form.is_valid():
        try:
            challenge = challenge_update(
                challenge=challenge, actor=request.user, **form.challenge_fields()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, gettext("Challenge saved."))
            return redirect("challenges:manage", slug=challenge.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "challenges/challenge_form.html",
        {"form": form, "challenge": challenge, "creating": False},
        status=status,
    )


def _manage_page(
    request: HttpRequest, viewer: Viewer, challenge: Challenge, status: int = 200, **forms: Any
) -> HttpResponse:
    context = _context(request, viewer, challenge)
    context.update(
        data_form=forms.get("data_form") or DataFileForm(),
        solution_form=forms.get("solution_form") or SolutionForm(),
        baseline_form=forms.get("baseline_form") or UploadForm(),
        data_files=list(challenge.data_files.all()),
        versions=list(SolutionVersion.objects.filter(challenge=challenge)),
        baselines=list(challenge.submissions.filter(is_baseline=True)),
        counts={
            "submissions": challenge.submissions.filter(is_baseline=False).count(),
            "pending": challenge.submissions.filter(status__in=PENDING_STATUSES).count(),
        },
        can_reveal=challenge.private_revealed_at is None and timezone.now() >= challenge.ends_at,
    )
    return render(request, "challenges/manage.html", context, status=status)


@challenge_view(manage=True)
def manage(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    return _manage_page(request, viewer, challenge)


def _upload_view(form_class, form_name: str, run: Callable[..., Any], success: str) -> View:
    @challenge_view(manage=True)
    @require_POST
    def view(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                run(challenge=challenge, actor=request.user, data=form.cleaned_data)
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, str(success))
                return redirect("challenges:manage", slug=challenge.slug)
        return _manage_page(request, viewer, challenge, status=400, **{form_name: form})

    return view


data_file_upload = _upload_view(
    DataFileForm,
    "data_form",
    lambda challenge, actor, data: data_file_add(
        challenge=challenge, upload=data["file"], actor=actor, description=data["description"]
    ),
    gettext_lazy("Data file added."),
)
solution_upload_view = _upload_view(
    SolutionForm,
    "solution_form",
    lambda challenge, actor, data: solution_upload(
        challenge=challenge, upload=data["file"], actor=actor, note=data["note"]
    ),
    gettext_lazy("Solution checked and saved: every submission is being scored against it."),
)
baseline_upload = _upload_view(
    UploadForm,
    "baseline_form",
    lambda challenge, actor, data: baseline_create(
        challenge=challenge, upload=data["file"], actor=actor, description=data["description"]
    ),
    gettext_lazy("Baseline submitted: it is in the scoring queue."),
)


@challenge_view(manage=True)
@require_POST
def data_file_remove_view(
    request: HttpRequest, viewer: Viewer, challenge: Challenge, pk: int
) -> HttpResponse:
    data_file = get_object_or_404(DataFile, challenge=challenge, pk=pk)
    data_file_remove(data_file=data_file, actor=request.user)
    messages.success(request, gettext("%(name)s removed.") % {"name": data_file.name})
    return redirect("challenges:manage", slug=challenge.slug)


@challenge_view(manage=True)
@require_POST
def reveal_private(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    _run(
        request,
        lambda: challenge_reveal_private(challenge=challenge, actor=request.user),
        gettext("The private leaderboard is now public."),
    )
    return redirect("challenges:manage", slug=challenge.slug)


@challenge_view(manage=True)
@require_POST
def rescore_all(request: HttpRequest, viewer: Viewer, challenge: Challenge) -> HttpResponse:
    count = challenge_rescore_all(challenge=challenge, actor=request.user, force=True)
    messages.success(
        request, gettext("%(count)s submissions sent to be scored again.") % {"count": count}
    )
    return redirect("challenges:manage", slug=challenge.slug)
