"""Every change to a challenge goes through these functions.

The four complaints about challenge platforms this module answers:

- a failed or invalid submission never counts toward a limit
  (`counts_toward_quota` is switched off when the scorer refuses the file, and
  cheap checks refuse a file before any row is written);
- limits are per team per UTC day, and `quota_for` says when the counter resets;
- scoring runs as a task that a crashed worker cannot leave stuck
  (`scoring_started_at` + `submissions_requeue_stuck`, attempts counted);
- ties go to the earlier submission (see `selectors.leaderboard_public`).

Two uploads at the limit at the same moment: the team row is locked before
the count, so the second waits for the first to commit and sees its row.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import shutil
import tempfile
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, Max, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compagnon.accounts.models import User
from compagnon.challenges import conf
from compagnon.challenges.fairness import FAIRNESS_METRICS, parse_weights
from compagnon.challenges.metrics import KIND_LABEL, KIND_PROBABILITY, METRICS
from compagnon.challenges.models import (
    PENDING_STATUSES,
    Challenge,
    ChallengeStatus,
    ChallengeVisibility,
    DataFile,
    DiscussionPost,
    RankingKind,
    RulesAcceptance,
    Score,
    SolutionVersion,
    Submission,
    SubmissionStatus,
    Team,
    TeamInvitation,
    TeamInvitationStatus,
    TeamMembership,
)
from compagnon.core.notices import notice_send
from compagnon.core.storage import PrivateStoreUnavailable, local_copy
from compagnon.members.selectors import Viewer, viewer_for

logger = logging.getLogger(__name__)

# `scoring` (pyarrow) is imported where it is used: only the processes that score load it.
HEADER_READ_BYTES = 64 * 1024
# Addresses the app's own pages use (/challenges/new/).
RESERVED_SLUGS = frozenset({"new"})
CHALLENGE_FIELDS = (
    "title",
    "slug",
    "summary",
    "description",
    "rules",
    "organiser",
    "workshop",
    "visibility",
    "status",
    "starts_at",
    "ends_at",
    "final_selection_deadline",
    "teams_allowed",
    "max_team_size",
    "submissions_per_day",
    "submissions_total",
    "final_selections",
    "metric",
    "higher_is_better",
    "id_column",
    "target_columns",
    "extra_metrics",
    "sensitive_column",
    "ranking_kind",
    "ranking_weights",
    "constraint_metric",
    "constraint_bound",
)
# What the scorer reads: a change re-scores every submission.
SCORING_FIELDS = ("metric", "extra_metrics", "sensitive_column")


# --- who may do what -------------------------------------------------------------


def challenge_is_visible(challenge: Challenge, viewer: Viewer) -> bool:
    if viewer.is_staff or challenge_can_manage(challenge, viewer):
        return True
    if challenge.status == ChallengeStatus.DRAFT:
        return False
    return challenge.visibility == ChallengeVisibility.PUBLIC or viewer.is_member


def challenge_can_manage(challenge: Challenge, viewer: Viewer) -> bool:
    """Staff, and the managers of the organisation that brings the data."""
    if viewer.is_staff:
        return True
    return challenge.organiser is not None and viewer.manages(challenge.organiser)


def challenge_can_take_part(challenge: Challenge, viewer: Viewer) -> bool:
    """Signed in, and a member unless the challenge is public."""
    if not viewer.is_authenticated or challenge.status != ChallengeStatus.PUBLISHED:
        return False
    return challenge.visibility == ChallengeVisibility.PUBLIC or viewer.is_member


def rules_accepted(challenge: Challenge, user: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return RulesAcceptance.objects.filter(challenge=challenge, user=user).exists()


# --- challenges --------------------------------------------------------------------


def _challenge_errors(challenge: Challenge) -> None:
    errors: dict[str, list[Any]] = {}
    try:
        challenge.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if challenge.starts_at and challenge.ends_at and challenge.ends_at <= challenge.starts_at:
        errors.setdefault("ends_at", []).append(_("The end must come after the start."))
    deadline = challenge.final_selection_deadline
    if deadline and challenge.ends_at and deadline > challenge.ends_at:
        errors.setdefault("final_selection_deadline", []).append(
            _("Finals are chosen before the end of the challenge.")
        )
    if challenge.metric not in METRICS:
        errors.setdefault("metric", []).append(_("Unknown metric."))
    if not challenge.target_column_list:
        errors.setdefault("target_columns", []).append(_("Name at least one target column."))
    if challenge.max_team_size < 1:
        errors.setdefault("max_team_size", []).append(_("A team has at least one person."))
    if challenge.submissions_per_day < 1:
        errors.setdefault("submissions_per_day", []).append(_("Allow at least one a day."))
    if challenge.slug in RESERVED_SLUGS:
        errors.setdefault("slug", []).append(_("This address is reserved: choose another."))
    _metrics_errors(challenge, errors)
    _ranking_errors(challenge, errors)
    if errors:
        raise ValidationError(errors)


def _metrics_errors(challenge: Challenge, errors: dict[str, list[Any]]) -> None:
    """The other metrics: known, reading the primary metric's predictions; fairness's needs."""
    primary = METRICS.get(challenge.metric)
    fairness = []
    for name in challenge.extra_metric_list:
        if name in FAIRNESS_METRICS:
            fairness.append(name)
            continue
        entry = METRICS.get(name)
        if entry is None:
            errors.setdefault("extra_metrics", []).append(
                _(
                    "Unknown metric “%(name)s”: use the names of docs/metrics.md, for example "
                    "f1_macro, demographic_parity_difference or disparate_impact_ratio."
                )
                % {"name": name[:40]}
            )
        elif primary is not None and entry.kind != primary.kind:
            errors.setdefault("extra_metrics", []).append(
                _(
                    "%(metric)s does not read the same predictions as the primary metric "
                    "(%(primary)s): every metric of a challenge scores the same file."
                )
                % {"metric": entry.label, "primary": primary.label}
            )
    sensitive = challenge.sensitive_column.strip()
    if fairness and primary is not None and primary.kind not in (KIND_LABEL, KIND_PROBABILITY):
        errors.setdefault("extra_metrics", []).append(
            _(
                "Fairness metrics read yes/no decisions: choose a label metric (accuracy, F1) "
                "or a probability metric (ROC AUC, log loss) as the primary metric."
            )
        )
    if fairness and not sensitive:
        errors.setdefault("sensitive_column", []).append(
            _("Name the solution's sensitive attribute column: the fairness metrics need it.")
        )
    if sensitive and sensitive in [challenge.id_column, *challenge.target_column_list, "Usage"]:
        errors.setdefault("sensitive_column", []).append(
            _("The sensitive attribute is a column of its own, not the id, a target or Usage.")
        )


def _ranking_errors(challenge: Challenge, errors: dict[str, list[Any]]) -> None:
    declared = set(challenge.metric_names)
    if challenge.ranking_kind == RankingKind.WEIGHTED:
        weights, unreadable = parse_weights(challenge.ranking_weights)
        if unreadable:
            errors.setdefault("ranking_weights", []).append(
                _("Cannot read %(parts)s: write metric=weight, for example accuracy=1.")
                % {"parts": ", ".join(f"“{part[:40]}”" for part in unreadable[:3])}
            )
        elif not weights:
            errors.setdefault("ranking_weights", []).append(
                _("A weighted sum needs weights: metric=weight, comma-separated.")
            )
        for name in weights:
            if name not in declared:
                errors.setdefault("ranking_weights", []).append(
                    _(
                        "“%(name)s” has a weight but is not one of the challenge's metrics: "
                        "add it to the other metrics, or remove its weight."
                    )
                    % {"name": name[:40]}
                )
        if weights and not any(weights.values()):
            errors.setdefault("ranking_weights", []).append(
                _("At least one weight must be other than 0.")
            )
    elif challenge.ranking_kind == RankingKind.CONSTRAINT:
        name = challenge.constraint_metric.strip()
        if not name:
            errors.setdefault("constraint_metric", []).append(
                _("Choose the metric the constraint is on.")
            )
        elif name == challenge.metric:
            errors.setdefault("constraint_metric", []).append(
                _("The constraint is on another metric than the primary one.")
            )
        elif name not in declared:
            errors.setdefault("constraint_metric", []).append(
                _(
                    "“%(name)s” is not one of the challenge's metrics: add it to the other "
                    "metrics first."
                )
                % {"name": name[:40]}
            )
        if challenge.constraint_bound is None:
            errors.setdefault("constraint_bound", []).append(_("Give the bound, for example 0.1."))


def challenge_check(*, challenge: Challenge) -> None:
    """The checks `challenge_create` and `challenge_update` make, for a form to show first."""
    _challenge_errors(challenge)


def metric_direction_higher(metric: str) -> bool:
    entry = METRICS.get(metric)
    return bool(entry is not None and entry.higher_is_better)


def challenge_create(*, actor: Any, **fields: Any) -> Challenge:
    unknown = set(fields) - set(CHALLENGE_FIELDS)
    if unknown:
        raise TypeError(f"unknown challenge fields: {sorted(unknown)}")
    challenge = Challenge(created_by=actor, **fields)
    if not challenge.slug:
        challenge.slug = slugify(challenge.title)[:80]
    if "higher_is_better" not in fields:
        challenge.higher_is_better = metric_direction_higher(challenge.metric)
    with transaction.atomic():
        _challenge_errors(challenge)
        challenge.save()
    return challenge


def challenge_update(*, challenge: Challenge, actor: Any, **fields: Any) -> Challenge:
    unknown = set(fields) - set(CHALLENGE_FIELDS)
    if unknown:
        raise TypeError(f"unknown challenge fields: {sorted(unknown)}")
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        old = {name: getattr(challenge, name) for name in SCORING_FIELDS}
        old_metrics = challenge.metric_names
        for name, value in fields.items():
            setattr(challenge, name, value)
        if "metric" in fields and "higher_is_better" not in fields:
            challenge.higher_is_better = metric_direction_higher(challenge.metric)
        challenge.updated_at = timezone.now()
        _challenge_errors(challenge)
        sensitive_changed = challenge.sensitive_column != old["sensitive_column"]
        if sensitive_changed:
            _data_files_without_sensitive(challenge)
        metrics_changed = challenge.metric_names != old_metrics
        if metrics_changed and not sensitive_changed:
            _metric_fits_solution(challenge)
        challenge.save()
        version = solution_current(challenge)
        if sensitive_changed and version is not None:
            # The parsed solution holds the groups of the old column: parse the original again.
            _solution_reparse(challenge=challenge, version=version, actor=actor)
        elif metrics_changed:
            # Scores in another metric mean nothing: drop them and score everything again.
            challenge_rescore_all(challenge=challenge, actor=actor, force=True)
    return challenge


def _data_files_without_sensitive(challenge: Challenge) -> None:
    for data_file in challenge.data_files.all():
        try:
            with local_copy(data_file.file) as path:
                sensitive_column_check(challenge, path)
        except ValidationError as error:
            raise ValidationError(
                {
                    "sensitive_column": _("Data file %(name)s: %(reason)s")
                    % {"name": data_file.name, "reason": " ".join(error.messages)}
                }
            ) from error


def _metric_fits_solution(challenge: Challenge) -> None:
    """Refuse a metric the current solution cannot be scored with: every submission would fail."""
    from compagnon.challenges.scoring import SolutionError

    version = solution_current(challenge)
    if version is None:
        return
    solution = solution_load(version)
    for name in challenge.metric_names:
        try:
            solution.check_metric(name)
        except SolutionError as error:
            field = "metric" if name == challenge.metric else "extra_metrics"
            raise ValidationError(
                {
                    field: _(
                        "The current solution cannot be scored with this metric: %(reason)s "
                        "Choose another metric, or upload a solution that fits it first."
                    )
                    % {"reason": str(error)}
                }
            ) from error


def _solution_reparse(*, challenge: Challenge, version: SolutionVersion, actor: Any) -> None:
    """A new solution version from the current one's original CSV, read with today's columns."""
    with version.original.open("rb") as handle:
        upload = UploadedFile(
            file=handle,
            name=os.path.basename(version.original.name or "solution.csv"),
            size=version.original.size,
        )
        try:
            solution_upload(
                challenge=challenge,
                upload=upload,
                actor=actor,
                note=_("Read again for the sensitive attribute column."),
            )
        except ValidationError as error:
            raise ValidationError({"sensitive_column": error.messages}) from error


def challenge_rules_accept(*, challenge: Challenge, user: Any) -> RulesAcceptance:
    if not challenge_can_take_part(challenge, viewer_for(user)):
        raise PermissionDenied
    acceptance, _created = RulesAcceptance.objects.get_or_create(challenge=challenge, user=user)
    return acceptance


def challenge_reveal_private(*, challenge: Challenge, actor: Any, now: datetime | None = None):
    now = now or timezone.now()
    if now < challenge.ends_at:
        raise ValidationError(_("The private leaderboard is revealed only after the end."))
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if challenge.private_revealed_at is None:
            challenge.private_revealed_at = now
            challenge.save(update_fields=["private_revealed_at"])
    return challenge


# --- files of the organiser -----------------------------------------------------------


def _upload_path(upload: UploadedFile) -> tuple[str, bool]:
    """A path on disk for the upload (the temp file Django streamed it to, or a copy)."""
    temporary_file_path = getattr(upload, "temporary_file_path", None)
    if temporary_file_path is not None:
        return temporary_file_path(), False
    handle, name = tempfile.mkstemp(suffix=".upload")
    with os.fdopen(handle, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    upload.seek(0)
    return name, True


def zip_check(path: str) -> None:
    """Refuse a zip that would expand beyond the limit or by an absurd ratio (a zip bomb).

    Only the central directory is read: nothing is extracted.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ValidationError(_("This zip archive cannot be read.")) from error
    total = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members) or 1
    if total > conf.zip_max_uncompressed_bytes() or total / compressed > conf.ZIP_MAX_RATIO:
        raise ValidationError(
            _("This zip archive would expand to %(size)s: it looks like a zip bomb and is refused.")
            % {"size": filesizeformat(total)}
        )
    for member in members:
        if member.filename.lower().endswith(".zip"):
            raise ValidationError(_("Zip archives inside a zip archive are refused."))


def _csv_heads(path: str) -> list[bytes]:
    """The first bytes of the file, or of each member of a zip archive."""
    if zipfile.is_zipfile(path):
        heads = []
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist()[:100]:
                with archive.open(member) as handle:
                    heads.append(handle.read(HEADER_READ_BYTES))
        return heads
    with open(path, "rb") as handle:
        return [handle.read(HEADER_READ_BYTES)]


def sensitive_column_check(challenge: Challenge, path: str) -> None:
    """Refuse a data file whose header names the sensitive attribute: it stays in the solution."""
    column = challenge.sensitive_column.strip().lower()
    if not column:
        return
    for head in _csv_heads(path):
        first_line = head.decode("utf-8-sig", errors="replace").splitlines()[:1]
        for separator in (",", ";", "\t"):
            cells = next(csv.reader(first_line, delimiter=separator), []) if first_line else []
            if column in {cell.strip().lower() for cell in cells}:
                raise ValidationError(
                    _(
                        "This file has a column “%(column)s”, the challenge's sensitive "
                        "attribute: it stays in the solution only. Remove the column and "
                        "upload the file again."
                    )
                    % {"column": challenge.sensitive_column}
                )


def data_file_add(
    *, challenge: Challenge, upload: UploadedFile, actor: Any, description: str = ""
) -> DataFile:
    if upload.size is not None and upload.size > conf.data_file_max_bytes():
        raise ValidationError(
            _("The file is larger than %(limit)s.")
            % {"limit": filesizeformat(conf.data_file_max_bytes())}
        )
    name = os.path.basename(upload.name or "data")[:200]
    path, is_copy = _upload_path(upload)
    try:
        if zipfile.is_zipfile(path):
            zip_check(path)
        sensitive_column_check(challenge, path)
    finally:
        if is_copy:
            os.unlink(path)
    with transaction.atomic():
        existing = DataFile.objects.filter(challenge=challenge, name=name).first()
        if existing is not None:
            old_file = existing.file
            existing.delete()
            # The old file goes once the new one is in: a refusal below keeps it.
            transaction.on_commit(lambda: old_file.delete(save=False))
        data_file = DataFile(
            challenge=challenge,
            name=name,
            description=description,
            size=upload.size or 0,
            uploaded_by=actor,
        )
        data_file.full_clean(exclude=["file"])
        data_file.file.save(name, upload, save=False)
        data_file.save()
    return data_file


def data_file_remove(*, data_file: DataFile, actor: Any) -> None:
    with transaction.atomic():
        data_file.delete()
        transaction.on_commit(lambda: data_file.file.delete(save=False))


def solution_upload(
    *, challenge: Challenge, upload: UploadedFile, actor: Any, note: str = ""
) -> SolutionVersion:
    """Parse and check the solution once; keep the fast form; score every submission against it.

    A solution the scorer refuses (no Usage column, an id twice, ...) writes nothing.
    """
    from compagnon.challenges.scoring import Solution, SolutionError

    if upload.size is not None and upload.size > conf.data_file_max_bytes():
        raise ValidationError(
            _("The file is larger than %(limit)s.")
            % {"limit": filesizeformat(conf.data_file_max_bytes())}
        )
    path, is_copy = _upload_path(upload)
    parsed_dir = tempfile.mkdtemp(prefix="solution-")
    try:
        try:
            solution = Solution.from_csv(
                path,
                id_column=challenge.id_column,
                target_columns=challenge.target_column_list,
                usage_column="Usage",
                metric=challenge.metric,
                sensitive_column=challenge.sensitive_column.strip(),
                metrics=challenge.extra_metric_list,
            )
        except SolutionError as error:
            raise ValidationError(str(error)) from error
        parsed_path = os.path.join(parsed_dir, "solution.parsed")
        solution.save(parsed_path)
        with transaction.atomic():
            # The challenge row serialises two uploads: version numbers stay 1, 2, 3.
            Challenge.objects.select_for_update().filter(pk=challenge.pk).first()
            number = (
                SolutionVersion.objects.filter(challenge=challenge).aggregate(n=Max("number"))["n"]
                or 0
            ) + 1
            version = SolutionVersion(
                challenge=challenge,
                number=number,
                rows=solution.n_rows,
                public_rows=solution.n_public,
                uploaded_by=actor,
                note=note,
            )
            version.original.save(f"solution-v{number}.csv", upload, save=False)
            with open(parsed_path, "rb") as handle:
                version.parsed.save(f"solution-v{number}.bin", File(handle), save=False)
            version.save()
            challenge_rescore_all(challenge=challenge, actor=actor, version=version)
    finally:
        if is_copy:
            os.unlink(path)
        shutil.rmtree(parsed_dir, ignore_errors=True)
    return version


def sample_submission_rows(challenge: Challenge) -> list[list[Any]] | None:
    """A sample submission: the solution's ids, sorted, each with a placeholder prediction.

    Sorted, not in the solution's order: an organiser's file ordered by group or by Usage
    would otherwise tell that order. Only the ids and the target columns: never the
    sensitive attribute or Usage. None before a solution is uploaded.
    """
    import pyarrow.compute as pc

    from compagnon.challenges.metrics import KIND_RANKING, KIND_VALUE

    version = solution_current(challenge)
    if version is None:
        return None
    solution = solution_load(version)
    entry = METRICS.get(challenge.metric)
    kind = entry.kind if entry is not None else KIND_VALUE
    if kind == KIND_PROBABILITY:
        placeholder: Any = 0.5
    elif kind == KIND_RANKING:
        placeholder = ""
    elif kind == KIND_LABEL:
        placeholder = solution._label_codes()[1][0]
        placeholder = placeholder.as_py() if hasattr(placeholder, "as_py") else placeholder
        if isinstance(placeholder, float) and placeholder.is_integer():
            placeholder = int(placeholder)
    else:
        placeholder = 0
    ids = solution.ids.take(pc.sort_indices(solution.ids)).to_pylist()
    header = [challenge.id_column, *challenge.target_column_list]
    return [header, *([identifier] + [placeholder] * (len(header) - 1) for identifier in ids)]


def solution_current(challenge: Challenge) -> SolutionVersion | None:
    return SolutionVersion.objects.filter(challenge=challenge).order_by("-number").first()


_SOLUTIONS: OrderedDict[tuple, Any] = OrderedDict()
_SOLUTIONS_KEPT = 4


def solution_load(version: SolutionVersion) -> Any:
    """The parsed solution, kept in the process: loading it is the slow part for a small file.

    Keyed by more than the primary key: a rolled-back test database reuses ids.
    """
    from compagnon.challenges.scoring import Solution

    key = (version.pk, version.parsed.name, version.created_at)
    solution = _SOLUTIONS.get(key)
    if solution is None:
        # On S3 the copy is removed once mapped: the mapping keeps its pages, and the disk
        # space comes back when the solution leaves this cache.
        with local_copy(version.parsed) as path:
            solution = Solution.load(path)
        _SOLUTIONS[key] = solution
        while len(_SOLUTIONS) > _SOLUTIONS_KEPT:
            _SOLUTIONS.popitem(last=False)
    else:
        _SOLUTIONS.move_to_end(key)
    return solution


def challenge_rescore_all(
    *,
    challenge: Challenge,
    actor: Any,
    version: SolutionVersion | None = None,
    force: bool = False,
) -> int:
    """Score every valid submission against the current solution; old versions' scores stay.

    `force` also drops the scores already computed against that version (after
    a fix to the scorer, or a change of metric), so that each is computed again.
    Attempts count afresh: they are per scoring, not per life of the submission.
    """
    version = version or solution_current(challenge)
    if version is None:
        return 0
    submissions = Submission.objects.filter(challenge=challenge).exclude(
        status__in=(SubmissionStatus.INVALID, SubmissionStatus.FAILED)
    )
    with transaction.atomic():
        if force:
            Score.objects.filter(solution_version=version).delete()
        submissions.update(attempts=0)
        ids = list(submissions.values_list("pk", flat=True))
        _enqueue_scoring(ids, version_id=version.pk)
    return len(ids)


def _enqueue_scoring(ids: list[int], *, version_id: int | None = None) -> None:
    from compagnon.challenges.tasks import submission_score

    def enqueue() -> None:
        for pk in ids:
            submission_score.enqueue(pk, version_id)

    transaction.on_commit(enqueue)


# --- quotas ------------------------------------------------------------------------


def utc_day_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Quota:
    per_day: int
    used_today: int
    total: int | None
    used_total: int
    resets_at: datetime

    @property
    def left_today(self) -> int:
        left = self.per_day - self.used_today
        if self.total is not None:
            left = min(left, self.total - self.used_total)
        return max(0, left)


def _quota_used(team: Team, day_start: datetime) -> tuple[int, int]:
    """Submissions that count toward the limits: today's (UTC) and in all."""
    counted = Submission.objects.filter(team=team, counts_toward_quota=True)
    totals = counted.aggregate(
        today=Count("pk", filter=Q(created_at__gte=day_start)), total=Count("pk")
    )
    return totals["today"], totals["total"]


def quota_for(challenge: Challenge, team: Team | None, now: datetime | None = None) -> Quota:
    now = now or timezone.now()
    day_start = utc_day_start(now)
    used_today, used_total = _quota_used(team, day_start) if team is not None else (0, 0)
    return Quota(
        per_day=challenge.submissions_per_day,
        used_today=used_today,
        total=challenge.submissions_total,
        used_total=used_total,
        resets_at=day_start + timedelta(days=1),
    )


def _team_locked(team: Team) -> Team:
    # The lock every upload takes before counting: see the module docstring.
    return Team.objects.select_for_update().get(pk=team.pk)


# --- teams -----------------------------------------------------------------------------


def team_of(challenge: Challenge, user: Any) -> Team | None:
    membership = (
        TeamMembership.objects.select_related("team").filter(challenge=challenge, user=user).first()
    )
    return membership.team if membership else None


def _display_name(user: Any) -> str:
    person = getattr(user, "person", None)
    name = getattr(person, "full_name", "") if person is not None else ""
    return (name or user.email.split("@")[0])[:80]


def _unique_team_name(challenge: Challenge, name: str) -> str:
    candidate, n = name, 1
    while Team.objects.filter(challenge=challenge, name=candidate, merged_into=None).exists():
        n += 1
        candidate = f"{name} ({n})"
    return candidate


def team_create(*, challenge: Challenge, user: Any, name: str = "") -> Team:
    """A team with `user` in it; a participant on their own gets one named after them."""
    if not challenge_can_take_part(challenge, viewer_for(user)):
        raise PermissionDenied
    with transaction.atomic():
        # Teams are made one at a time per challenge: a person's two first uploads at once,
        # or an upload and "Create a team", find the team the other one made.
        _challenge_locked(challenge)
        if team_of(challenge, user) is not None:
            raise ValidationError(_("You are already in a team for this challenge."))
        name = name.strip()
        if name:
            if Team.objects.filter(challenge=challenge, name=name, merged_into=None).exists():
                raise ValidationError(_("Another team already has this name."))
        else:
            name = _unique_team_name(challenge, _display_name(user))
        team = Team(challenge=challenge, name=name[:100])
        team.full_clean()
        team.save()
        TeamMembership.objects.create(challenge=challenge, team=team, user=user)
    return team


def _challenge_locked(challenge: Challenge) -> None:
    Challenge.objects.select_for_update().only("pk").get(pk=challenge.pk)


def _own_team(challenge: Challenge, user: Any) -> Team:
    """A first upload's team of one; the team another upload made meanwhile, if any."""
    try:
        return team_create(challenge=challenge, user=user)
    except ValidationError:
        existing = team_of(challenge, user)
        if existing is None:
            raise
        return existing


def team_rename(*, team: Team, user: Any, name: str) -> Team:
    name = name.strip()[:100]
    if not name:
        raise ValidationError(_("Give the team a name."))
    with transaction.atomic():
        if not team.memberships.filter(user=user).exists():
            raise PermissionDenied
        taken = Team.objects.filter(challenge_id=team.challenge_id, name=name, merged_into=None)
        if taken.exclude(pk=team.pk).exists():
            raise ValidationError(_("Another team already has this name."))
        team.name = name
        team.save(update_fields=["name"])
    return team


def team_invite(*, team: Team, invitee_email: str, actor: Any) -> TeamInvitation:
    challenge = team.challenge
    if not challenge.teams_allowed:
        raise ValidationError(_("This challenge is for individuals: no teams."))
    if not team.memberships.filter(user=actor).exists():
        raise PermissionDenied
    invitee = User.objects.filter(email__iexact=invitee_email.strip(), is_active=True).first()
    if invitee is None or not challenge_can_take_part(challenge, viewer_for(invitee)):
        raise ValidationError(_("Nobody who may take part in this challenge has this address."))
    if team.memberships.filter(user=invitee).exists():
        raise ValidationError(_("This person is already in your team."))
    if team.memberships.count() >= challenge.max_team_size:
        raise ValidationError(_("Your team is full."))
    with transaction.atomic():
        invitation, created = TeamInvitation.objects.get_or_create(
            team=team,
            invitee=invitee,
            status=TeamInvitationStatus.PENDING,
            defaults={"invited_by": actor},
        )
        if created:
            notice_send(
                user=invitee,
                text=_("%(team)s invites you to join them in %(challenge)s.")
                % {"team": team.name, "challenge": challenge.title},
                url=challenge.get_absolute_url() + "team/",
                key=f"challenge-invitation-{invitation.pk}",
            )
    return invitation


def merge_allowed(
    challenge: Challenge, into: Team, other: Team, now: datetime | None = None
) -> str | None:
    """Why the two teams may not merge, or None (Kaggle's rule on the submission count)."""
    now = now or timezone.now()
    size = into.memberships.count() + other.memberships.count()
    if size > challenge.max_team_size:
        return _("Together you would be %(size)s, more than the %(limit)s allowed.") % {
            "size": size,
            "limit": challenge.max_team_size,
        }
    counted = Submission.objects.filter(team__in=(into, other), counts_toward_quota=True).count()
    elapsed = max(1, (utc_day_start(now) - utc_day_start(challenge.starts_at)).days + 1)
    allowed = challenge.submissions_per_day * elapsed
    if counted > allowed:
        return _(
            "Together you have made %(count)s submissions, more than the %(allowed)s a team "
            "could have made so far (%(per_day)s a day for %(days)s days): you cannot merge."
        ) % {
            "count": counted,
            "allowed": allowed,
            "per_day": challenge.submissions_per_day,
            "days": elapsed,
        }
    return None


def team_invitation_accept(
    *, invitation: TeamInvitation, user: Any, now: datetime | None = None
) -> Team:
    """Join the team; the invitee's own team (and its submissions) merges into it."""
    now = now or timezone.now()
    if invitation.invitee_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        invitation = TeamInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != TeamInvitationStatus.PENDING:
            raise ValidationError(_("This invitation was already answered."))
        into = Team.objects.select_for_update().get(pk=invitation.team_id)
        challenge = into.challenge
        if now >= challenge.ends_at:
            raise ValidationError(_("The challenge is over: teams are final."))
        if into.merged_into_id is not None:
            raise ValidationError(_("This team has merged into another one."))
        own = team_of(challenge, user)
        if own is not None:
            own = Team.objects.select_for_update().get(pk=own.pk)
            reason = merge_allowed(challenge, into, own, now)
            if reason:
                raise ValidationError(reason)
            _team_merge(into=into, other=own)
        else:
            if into.memberships.count() + 1 > challenge.max_team_size:
                raise ValidationError(_("This team is full."))
            TeamMembership.objects.create(challenge=challenge, team=into, user=user)
        invitation.status = TeamInvitationStatus.ACCEPTED
        invitation.answered_at = now
        invitation.save(update_fields=["status", "answered_at"])
    return into


def _team_merge(*, into: Team, other: Team) -> None:
    TeamMembership.objects.filter(team=other).update(team=into)
    Submission.objects.filter(team=other).update(team=into)
    TeamInvitation.objects.filter(team=other, status=TeamInvitationStatus.PENDING).update(
        status=TeamInvitationStatus.CANCELLED
    )
    other.merged_into = into
    other.save(update_fields=["merged_into"])
    # The merged team may now hold more finals than allowed: keep the earliest chosen.
    finals = list(
        Submission.objects.filter(team=into, selected_for_final=True)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    extra = finals[into.challenge.final_selections :]
    if extra:
        Submission.objects.filter(pk__in=extra).update(selected_for_final=False)


def team_invitation_decline(*, invitation: TeamInvitation, user: Any) -> None:
    if invitation.invitee_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        updated = TeamInvitation.objects.filter(
            pk=invitation.pk, status=TeamInvitationStatus.PENDING
        ).update(status=TeamInvitationStatus.DECLINED, answered_at=timezone.now())
        if not updated:
            raise ValidationError(_("This invitation was already answered."))


def team_leave(*, challenge: Challenge, user: Any) -> None:
    """Leave before you have submitted with the team: its submissions stay the team's."""
    with transaction.atomic():
        membership = (
            TeamMembership.objects.select_for_update()
            .filter(challenge=challenge, user=user)
            .first()
        )
        if membership is None:
            raise ValidationError(_("You are not in a team."))
        if Submission.objects.filter(team=membership.team, submitted_by=user).exists():
            raise ValidationError(
                _("You have submitted with this team: your submissions keep you in it.")
            )
        team = membership.team
        membership.delete()
        if not team.memberships.exists() and not team.submissions.exists():
            team.invitations.all().delete()
            team.delete()


# --- submissions --------------------------------------------------------------------


def expected_header(challenge: Challenge) -> list[str]:
    return [challenge.id_column, *challenge.target_column_list]


def submission_header_check(challenge: Challenge, upload: UploadedFile) -> None:
    """The cheap checks, made before anything is written: empty, not UTF-8, wrong header.

    The scorer checks the rest (ids, values) in the task; what it refuses
    does not count toward the limits either.
    """
    upload.seek(0)
    head = upload.read(HEADER_READ_BYTES)
    upload.seek(0)
    if not head.strip():
        raise ValidationError(_("The file is empty."))
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not UTF-8 text: save it as CSV UTF-8 and upload it again.")
        ) from error
    first_line = text.splitlines()[0] if text.splitlines() else ""
    if "\n" not in text and len(head) == HEADER_READ_BYTES:
        raise ValidationError(_("The first line is too long to be a header."))
    header = next(csv.reader(io.StringIO(first_line)), [])
    header = [cell.strip() for cell in header]
    expected = expected_header(challenge)
    if header != expected:
        hint = ""
        if len(header) == 1 and ";" in header[0]:
            hint = " " + _("Columns are separated by commas, not semicolons.")
        raise ValidationError(
            _("The header must be exactly “%(expected)s”; yours is “%(got)s”.")
            % {"expected": ",".join(expected), "got": first_line[:200]}
            + hint
        )


def code_url_check(code_url: str) -> None:
    if not code_url:
        return
    try:
        URLValidator(schemes=["http", "https"])(code_url)
    except ValidationError as error:
        raise ValidationError(
            {"code_url": _("Give the full address of the code, starting with https://.")}
        ) from error
    if len(code_url) > 500:
        raise ValidationError({"code_url": _("This address is too long (500 characters at most).")})


class QuotaExceeded(ValidationError):
    pass


def submission_create(
    *,
    challenge: Challenge,
    user: Any,
    upload: UploadedFile,
    description: str = "",
    code_url: str = "",
    now: datetime | None = None,
) -> Submission:
    now = now or timezone.now()
    viewer = viewer_for(user)
    if not challenge_can_take_part(challenge, viewer):
        raise PermissionDenied
    if now < challenge.starts_at:
        raise ValidationError(
            _("The challenge has not started yet: submissions open at its start.")
        )
    if now >= challenge.ends_at:
        raise ValidationError(_("The challenge is over: no more submissions."))
    if not rules_accepted(challenge, user):
        raise ValidationError(_("Accept the rules before you submit."))
    if solution_current(challenge) is None:
        raise ValidationError(_("The organisers have not uploaded the solution yet."))
    if upload.size is not None and upload.size > conf.submission_max_bytes():
        raise ValidationError(
            _("The file is larger than %(limit)s.")
            % {"limit": filesizeformat(conf.submission_max_bytes())}
        )
    submission_header_check(challenge, upload)
    code_url_check(code_url)
    with transaction.atomic():
        team = team_of(challenge, user) or _own_team(challenge, user)
        team = _team_locked(team)
        used_today, used_total = _quota_used(team, utc_day_start(now))
        if used_today >= challenge.submissions_per_day:
            raise QuotaExceeded(
                _(
                    "Your team has used its %(limit)s submissions for today; "
                    "the counter resets at midnight UTC."
                )
                % {"limit": challenge.submissions_per_day}
            )
        if challenge.submissions_total is not None and used_total >= challenge.submissions_total:
            raise QuotaExceeded(
                _("Your team has used all its %(limit)s submissions.")
                % {"limit": challenge.submissions_total}
            )
        submission = Submission(
            challenge=challenge,
            team=team,
            submitted_by=user,
            original_name=os.path.basename(upload.name or "submission.csv")[:255],
            size=upload.size or 0,
            description=description[:300],
            code_url=code_url,
            created_at=now,
            queued_at=now,
        )
        submission.file.save("submission.csv", upload, save=False)
        submission.save()
        _enqueue_scoring([submission.pk])
    return submission


def baseline_create(
    *, challenge: Challenge, upload: UploadedFile, actor: Any, description: str
) -> Submission:
    """An organiser's reference submission: scored like the others, shown marked, never ranked."""
    submission_header_check(challenge, upload)
    if solution_current(challenge) is None:
        raise ValidationError(_("Upload the solution first."))
    with transaction.atomic():
        submission = Submission(
            challenge=challenge,
            team=None,
            submitted_by=actor,
            is_baseline=True,
            counts_toward_quota=False,
            original_name=os.path.basename(upload.name or "baseline.csv")[:255],
            size=upload.size or 0,
            description=(description or _("Baseline"))[:300],
            queued_at=timezone.now(),
        )
        submission.file.save("baseline.csv", upload, save=False)
        submission.save()
        _enqueue_scoring([submission.pk])
    return submission


def submission_final_set(
    *, submission: Submission, user: Any, selected: bool, now: datetime | None = None
) -> Submission:
    now = now or timezone.now()
    challenge = submission.challenge
    if submission.team is None or not submission.team.memberships.filter(user=user).exists():
        raise PermissionDenied
    if now >= challenge.selection_deadline:
        raise ValidationError(_("The deadline for choosing final submissions has passed."))
    with transaction.atomic():
        _team_locked(submission.team)
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if selected:
            if submission.status != SubmissionStatus.SCORED:
                raise ValidationError(_("Only a scored submission can be chosen."))
            chosen = (
                Submission.objects.filter(team=submission.team, selected_for_final=True)
                .exclude(pk=submission.pk)
                .count()
            )
            if chosen >= challenge.final_selections:
                raise ValidationError(
                    _("You may choose up to %(limit)s final submissions: unselect one first.")
                    % {"limit": challenge.final_selections}
                )
        submission.selected_for_final = selected
        submission.save(update_fields=["selected_for_final"])
    return submission


# --- scoring (run by the task) ------------------------------------------------------


# Stored translated in the worker's language, like the scorer's own messages.
GENERIC_FAILURE = gettext_lazy(
    "The scorer stopped on an internal error; the club's staff have been told."
)
STORE_FAILURE = gettext_lazy(
    "The file store could not be reached to score this submission; the club's staff have been told."
)
SOLUTION_FAILURE = gettext_lazy(
    "The organisers' solution cannot be scored with this metric; the club's staff have been told."
)


def _claim(submission_id: int, version_id: int | None) -> tuple[Submission, SolutionVersion] | None:
    """Mark the submission as scoring (one attempt more) or say there is nothing to do."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if submission is None:
            return None
        version = (
            SolutionVersion.objects.filter(pk=version_id).first()
            if version_id
            else solution_current(submission.challenge)
        )
        if version is None:
            return None
        if submission.status in (SubmissionStatus.INVALID, SubmissionStatus.FAILED):
            return None
        if Score.objects.filter(submission=submission, solution_version=version).exists():
            return None
        now = timezone.now()
        stale = now - timedelta(minutes=conf.scoring_stale_minutes())
        if (
            submission.status == SubmissionStatus.SCORING
            and submission.scoring_started_at is not None
            and submission.scoring_started_at > stale
        ):
            return None  # another worker is on it right now
        if submission.status != SubmissionStatus.SCORED:
            submission.status = SubmissionStatus.SCORING
        submission.scoring_started_at = now
        submission.attempts += 1
        submission.save(update_fields=["status", "scoring_started_at", "attempts"])
    return submission, version


def submission_score_run(submission_id: int, version_id: int | None = None) -> str:
    """Score one submission against one solution version. Safe to run twice (idempotent).

    Returns what happened: "scored", "invalid", "skipped", "retry" or "failed".
    """
    from compagnon.challenges.scoring import SolutionError, SubmissionError, score_submission

    claimed = _claim(submission_id, version_id)
    if claimed is None:
        return "skipped"
    submission, version = claimed
    challenge = submission.challenge
    try:
        solution = solution_load(version)
        with local_copy(submission.file) as path:
            result = score_submission(
                solution,
                path,
                metric=challenge.metric,
                metrics=challenge.extra_metric_list,
            )
    except SubmissionError as error:
        with transaction.atomic():
            Submission.objects.filter(pk=submission.pk).update(
                status=SubmissionStatus.INVALID,
                error_message=str(error)[:2000],
                counts_toward_quota=False,
                scoring_started_at=None,
                public_score=None,
                private_score=None,
                public_metrics={},
                private_metrics={},
                selected_for_final=False,
            )
        return "invalid"
    except SolutionError:
        # The organisers' side: retrying changes nothing, and the message may quote the solution.
        logger.exception("solution cannot score submission=%s", submission.pk)
        with transaction.atomic():
            Submission.objects.filter(pk=submission.pk).exclude(
                status=SubmissionStatus.SCORED
            ).update(
                status=SubmissionStatus.FAILED,
                error_message=str(SOLUTION_FAILURE),
                counts_toward_quota=False,
                scoring_started_at=None,
            )
        return "failed"
    except PrivateStoreUnavailable:
        # Passing (an outage): retried like a crash; out of attempts, the member reads why.
        logger.exception("file store failed while scoring submission=%s", submission.pk)
        return _after_crash(submission.pk, failure=STORE_FAILURE)
    except Exception:
        logger.exception("scoring failed submission=%s", submission.pk)
        return _after_crash(submission.pk)
    with transaction.atomic():
        Score.objects.get_or_create(
            submission=submission,
            solution_version=version,
            defaults={
                "public": result.public,
                "private": result.private,
                "public_metrics": result.public_metrics,
                "private_metrics": result.private_metrics,
            },
        )
        current = solution_current(challenge)
        if current is None or current.pk == version.pk:
            Submission.objects.filter(pk=submission.pk).update(
                status=SubmissionStatus.SCORED,
                public_score=result.public,
                private_score=result.private,
                public_metrics=result.public_metrics,
                private_metrics=result.private_metrics,
                solution_version=version,
                scored_at=timezone.now(),
                scoring_started_at=None,
                error_message="",
            )
            from compagnon.webhooks.services import event_emit

            # The public score only: the private one stays hidden until the reveal.
            event_emit(
                event="submission.scored",
                data={
                    "id": submission.pk,
                    "challenge": challenge.slug,
                    "team_id": submission.team_id,
                    "public_score": result.public,
                },
            )
        else:
            Submission.objects.filter(pk=submission.pk, status=SubmissionStatus.SCORING).update(
                status=SubmissionStatus.QUEUED, scoring_started_at=None
            )
    return "scored"


def _after_crash(submission_id: int, failure: Any = GENERIC_FAILURE) -> str:
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission_id)
        return _requeue_or_fail(submission, timezone.now(), failure=failure)


def _requeue_or_fail(submission: Submission, now: datetime, failure: Any = GENERIC_FAILURE) -> str:
    """Back to the queue while attempts are left; then failed, and not counted.

    A submission scored against an earlier solution keeps that score. Call it
    with the row locked.
    """
    if submission.attempts >= conf.scoring_max_attempts():
        if submission.status != SubmissionStatus.SCORED:
            submission.status = SubmissionStatus.FAILED
            submission.error_message = str(failure)
            submission.counts_toward_quota = False
        submission.scoring_started_at = None
        submission.save()
        return "failed"
    if submission.status == SubmissionStatus.SCORING:
        submission.status = SubmissionStatus.QUEUED
    submission.scoring_started_at = None
    submission.queued_at = now
    submission.save(update_fields=["status", "scoring_started_at", "queued_at"])
    _enqueue_scoring([submission.pk])
    return "retry"


def submissions_requeue_stuck(now: datetime | None = None) -> dict[str, int]:
    """What a crashed worker left behind: scoring for too long, or queued with no task left.

    Each is put back in the queue (the task is idempotent) or, out of
    attempts, marked failed and no longer counted.
    """
    now = now or timezone.now()
    stale = now - timedelta(minutes=conf.scoring_stale_minutes())
    stuck = Submission.objects.filter(
        Q(status=SubmissionStatus.SCORING, scoring_started_at__lt=stale)
        | Q(status=SubmissionStatus.QUEUED, queued_at__lt=stale)
    ).values_list("pk", flat=True)
    counts = {"requeued": 0, "failed": 0}
    for pk in list(stuck):
        with transaction.atomic():
            submission = Submission.objects.select_for_update().get(pk=pk)
            if submission.status not in PENDING_STATUSES:
                continue
            outcome = _requeue_or_fail(submission, now)
        counts["failed" if outcome == "failed" else "requeued"] += 1
    return counts


# --- discussion ---------------------------------------------------------------------------

DISCUSSION_MAX_LENGTH = 5000


def discussion_post_add(*, challenge: Challenge, author: Any, body: str) -> DiscussionPost:
    """A message in the challenge's thread, by someone who may take part (or run it)."""
    viewer = viewer_for(author)
    if not (challenge_can_take_part(challenge, viewer) or challenge_can_manage(challenge, viewer)):
        raise PermissionDenied
    text = (body or "").strip()
    if not text:
        raise ValidationError({"body": _("Write a message before sending.")})
    if len(text) > DISCUSSION_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("A message is limited to %(limit)s characters.")
                % {"limit": DISCUSSION_MAX_LENGTH}
            }
        )
    with transaction.atomic():
        post = DiscussionPost(challenge=challenge, author=author, body=text)
        post.full_clean()
        post.save()
    return post


def discussion_post_remove(*, post: DiscussionPost, actor: Any) -> None:
    """Moderation: staff or the challenge's organisers take a message down."""
    if not challenge_can_manage(post.challenge, viewer_for(actor)):
        raise PermissionDenied
    with transaction.atomic():
        DiscussionPost.objects.filter(pk=post.pk).delete()
        logger.info("discussion post %s removed by user %s", post.pk, getattr(actor, "pk", None))
