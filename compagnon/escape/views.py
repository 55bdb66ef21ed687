"""Pages of the escape game: thin, reads through selectors, writes through services.

No page ever carries an unsolved puzzle's answer or unused hints: the answer is
checked on the server (`services.puzzle_answer`), and the templates get the
puzzle's prompt and artefact only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from compagnon.core.forms import form_add_service_errors
from compagnon.core.permissions import staff_required
from compagnon.escape import selectors, services
from compagnon.escape.artefacts import artefact_context
from compagnon.escape.forms import (
    SESSION_ACTIONS,
    AnswerForm,
    BroadcastForm,
    JoinForm,
    SessionForm,
)
from compagnon.escape.models import Puzzle, SessionStatus, Team
from compagnon.members.permissions import member_required, signed_in_viewer
from compagnon.members.selectors import Viewer

POLL_SECONDS = 5


@member_required
def index(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    return render(
        request,
        "escape/index.html",
        {
            "memberships": selectors.user_teams(request.user),
            "sessions": selectors.sessions_facilitated_by(request.user)
            if request.user.is_staff
            else [],
        },
    )


@staff_required
def session_new(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                facilitator=request.user,
                team_names=form.team_names(),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect("escape:console", pk=session.pk)
    return render(request, "escape/session_form.html", {"form": form})


def _console_context(request: HttpRequest, session) -> dict:
    now = timezone.now()
    teams = selectors.console_teams(session)
    total = len(selectors.puzzles_in_order(session.version_id))
    rows = [
        {
            "team": team,
            "seconds": selectors.team_seconds(team, session, now),
            "total": total,
        }
        for team in teams
    ]
    return {
        "session": session,
        "rows": rows,
        "clock": selectors.clock_seconds(session, now),
        "running": session.status == SessionStatus.RUNNING,
        "poll": POLL_SECONDS,
        "broadcasts": selectors.latest_broadcasts(session),
    }


@signed_in_viewer
def console(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    session = selectors.session_for_facilitator(request.user, pk)
    context = _console_context(request, session)
    context["join_url"] = request.build_absolute_uri(
        reverse("escape:join", kwargs={"code": session.code})
    )
    context["broadcast_form"] = BroadcastForm()
    return render(request, "escape/console.html", context)


@signed_in_viewer
def console_status(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    session = selectors.session_for_facilitator(request.user, pk)
    return render(request, "escape/_console_status.html", _console_context(request, session))


@require_POST
@signed_in_viewer
def session_action(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    session = selectors.session_for_facilitator(request.user, pk)
    action = request.POST.get("action")
    if action not in SESSION_ACTIONS:
        messages.error(request, gettext("Unknown action."))
        return redirect("escape:console", pk=pk)
    service = {
        "start": services.session_start,
        "pause": services.session_pause,
        "resume": services.session_resume,
        "finish": services.session_finish,
    }[action]
    try:
        service(session=session, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("escape:console", pk=pk)


@require_POST
@signed_in_viewer
def broadcast(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    session = selectors.session_for_facilitator(request.user, pk)
    form = BroadcastForm(request.POST)
    if form.is_valid():
        try:
            services.broadcast_send(
                session=session, text=form.cleaned_data["text"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, gettext("The clue was sent to every team."))
    else:
        messages.error(request, gettext("Write the clue to send (500 characters at most)."))
    return redirect("escape:console", pk=pk)


@require_POST
@signed_in_viewer
def unlock(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.select_related("session"), pk=pk)
    if not selectors.can_facilitate(request.user, team.session):
        raise Http404
    try:
        puzzle = services.puzzle_unlock(team=team, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("« %(puzzle)s » is open for %(team)s.")
            % {"puzzle": puzzle.title, "team": team.name},
        )
    return redirect("escape:console", pk=team.session_id)


@member_required
def join(request: HttpRequest, viewer: Viewer, code: str) -> HttpResponse:
    session = selectors.session_by_code(code)
    team = selectors.team_of(request.user, session)
    if team is not None:
        return redirect("escape:team", pk=team.pk)
    form = JoinForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.team_join(
                session=session,
                team=form.cleaned_data["team"],
                user=request.user,
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect("escape:team", pk=member.team_id)
    return render(request, "escape/join.html", {"session": session, "form": form})


def _team_context(request: HttpRequest, team: Team) -> dict:
    session = team.session
    now = timezone.now()
    state = selectors.team_state(team)
    return {
        "team": team,
        "session": session,
        "state": state,
        "seconds": selectors.team_seconds(team, session, now),
        "running": session.status == SessionStatus.RUNNING and not state.finished,
        "broadcasts": selectors.latest_broadcasts(session),
        "poll": POLL_SECONDS,
        "status_key": f"{state.current.pk if state.current else 'done'}-{session.status}",
    }


@member_required
def team_page(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    team = selectors.team_for_viewer(request.user, pk)
    context = _team_context(request, team)
    state = context["state"]
    current = state.current
    if current is not None and team.session.status != SessionStatus.READY:
        used = state.hints_by_puzzle.get(current.pk, [])
        context.update(
            room=current.room,
            artefact=artefact_context(current.artefact_kind, current.artefact),
            hints=[current.hint_text(use.index) for use in used],
            hints_left=len(current.hints) - len(used),
            form=AnswerForm(),
        )
    context["members"] = team.members.select_related("user").order_by("joined_at")
    context["is_player"] = any(m.user_id == request.user.pk for m in context["members"])
    return render(request, "escape/team.html", context)


@member_required
def team_status(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    team = selectors.team_for_viewer(request.user, pk)
    context = _team_context(request, team)
    if request.htmx and request.GET.get("at") != context["status_key"]:
        # A teammate solved the puzzle, or the facilitator started or paused the game.
        return HttpResponseClientRefresh()
    return render(request, "escape/_team_status.html", context)


def _current_puzzle(team: Team, request: HttpRequest) -> Puzzle:
    return get_object_or_404(
        Puzzle, pk=request.POST.get("puzzle") or 0, room__version_id=team.session.version_id
    )


@require_POST
@member_required
def answer(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    team = selectors.team_for_player(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Type an answer (300 characters at most)."))
        return redirect("escape:team", pk=team.pk)
    outcome = services.puzzle_answer(
        team=team,
        puzzle=_current_puzzle(team, request),
        user=request.user,
        given=form.cleaned_data["answer"],
    )
    level = messages.success if outcome.status == "correct" else messages.error
    level(request, outcome.message)
    return redirect("escape:team", pk=team.pk)


@require_POST
@member_required
def hint(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    team = selectors.team_for_player(request.user, pk)
    try:
        use = services.hint_take(
            team=team, puzzle=_current_puzzle(team, request), user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(
            request,
            gettext("Hint revealed: %(minutes)s min added to your time.")
            % {"minutes": round(use.penalty_seconds / 60, 1)},
        )
    return redirect("escape:team", pk=team.pk)


@member_required
def debrief(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    team = selectors.team_for_viewer(request.user, pk)
    session = team.session
    state = selectors.team_state(team)
    is_open = state.finished or session.status == SessionStatus.FINISHED
    items = []
    if is_open:
        solves = {s.puzzle_id: s for s in team.solves.all()}
        attempts: dict[int, int] = {}
        for puzzle_id in team.attempts.values_list("puzzle_id", flat=True):
            attempts[puzzle_id] = attempts.get(puzzle_id, 0) + 1
        for puzzle in state.puzzles:
            items.append(
                {
                    "puzzle": puzzle,
                    "solve": solves.get(puzzle.pk),
                    "attempts": attempts.get(puzzle.pk, 0),
                    "hints": len(state.hints_by_puzzle.get(puzzle.pk, [])),
                }
            )
    return render(
        request,
        "escape/debrief.html",
        {
            "team": team,
            "session": session,
            "items": items,
            "is_open": is_open,
            "seconds": selectors.team_seconds(team, session, timezone.now()),
        },
    )
