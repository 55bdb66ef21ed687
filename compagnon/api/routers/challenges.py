"""Challenges (`challenges.selectors.challenges_visible_to`), their leaderboards
(`leaderboard_public`, `leaderboard_private` once revealed) and submitting
(`challenges.services.submission_create`: the team's lock and quotas)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from compagnon.api.auth import api_viewer, scoped
from compagnon.api.pagination import CursorPagination, cursor_kwargs
from compagnon.api.schemas import ERRORS_READ, ERRORS_WRITE
from compagnon.challenges.models import Challenge
from compagnon.challenges.selectors import (
    challenge_for_viewer,
    challenges_visible_to,
    leaderboard_private,
    leaderboard_public,
)
from compagnon.challenges.services import (
    challenge_can_manage,
    challenge_is_visible,
    submission_create,
)

router = Router(tags=["challenges"], auth=scoped("challenges"))


class ChallengeOut(Schema):
    slug: str
    title: str
    summary: str
    visibility: str
    status: str
    starts_at: datetime
    ends_at: datetime
    submissions_per_day: int
    submissions_total: int | None
    private_revealed: bool
    url: str

    @staticmethod
    def resolve_private_revealed(challenge: Challenge) -> bool:
        return challenge.private_revealed_at is not None

    @staticmethod
    def resolve_url(challenge: Challenge) -> str:
        return challenge.get_absolute_url()


class EntryOut(Schema):
    rank: int | None
    team_name: str
    score: float
    submitted_at: datetime
    entries: int
    is_baseline: bool


class LeaderboardOut(Schema):
    board: str
    entries: list[EntryOut]


class SubmissionOut(Schema):
    id: int
    status: str
    created_at: datetime
    original_name: str


def _challenge(request: HttpRequest, slug: str) -> Challenge:
    """The challenge page's rule: 404 when the viewer may not know it exists, 403 when
    it is for members only."""
    viewer = api_viewer(request)
    challenge = challenge_for_viewer(slug, viewer)
    if not challenge_is_visible(challenge, viewer):
        raise PermissionDenied("Only members of the club see this challenge.")
    return challenge


@router.get(
    "/",
    response={200: list[ChallengeOut], **ERRORS_READ},
    url_name="challenges",
    summary="Challenges",
)
@paginate(CursorPagination, **cursor_kwargs("-pk"))
def challenges(request: HttpRequest, status: str | None = None):
    """The challenges the token's owner may see. Filter: `status`."""
    found = challenges_visible_to(api_viewer(request))
    if status:
        found = found.filter(status=status)
    return found


@router.get(
    "/{slug:slug}",
    response={200: ChallengeOut, **ERRORS_READ},
    url_name="challenge",
    summary="A challenge",
)
def challenge(request: HttpRequest, slug: str):
    return _challenge(request, slug)


@router.get(
    "/{slug:slug}/leaderboard",
    response={200: LeaderboardOut, **ERRORS_READ},
    url_name="leaderboard",
    summary="A challenge's leaderboard",
)
def leaderboard(request: HttpRequest, slug: str, board: str = "public"):
    """The public leaderboard; `board=private` once the private scores are revealed
    (organisers see a preview before), as on the page."""
    challenge = _challenge(request, slug)
    if board == "private" and (
        challenge.private_revealed_at is not None
        or challenge_can_manage(challenge, api_viewer(request))
    ):
        return {"board": "private", "entries": leaderboard_private(challenge)}
    return {"board": "public", "entries": leaderboard_public(challenge)}


@router.post(
    "/{slug:slug}/submissions",
    response={201: SubmissionOut, **ERRORS_WRITE},
    auth=scoped("challenges", "write"),
    url_name="challenge_submit",
    summary="Submit predictions",
)
def submit(
    request: HttpRequest,
    slug: str,
    file: File[UploadedFile],
    description: Form[str] = "",
):
    """Upload a CSV of predictions for the token owner's team (multipart `file`).

    The page's service: its checks (dates, rules accepted, header, size) and the team's
    daily and total quotas under the team's lock. A refusal is a 400 whose `detail`
    says why; nothing is stored.
    """
    challenge = _challenge(request, slug)
    try:
        submission = submission_create(
            challenge=challenge,
            user=request.auth.user,  # type: ignore[attr-defined]
            upload=file,
            description=description,
        )
    except PermissionDenied:
        raise PermissionDenied("You may not take part in this challenge.") from None
    return Status(201, submission)
