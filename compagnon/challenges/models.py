"""Challenges ("benchathons"): a dataset, a hidden solution, teams that submit, leaderboards.

The scorer itself (`scoring.py`, `metrics.py`) knows nothing of these models:
it works on plain files. Everything here is what the club needs around it:
who may take part, how many submissions a team has left today, which
submission is the team's best, and what has been scored against which
version of the solution.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.challenges.fairness import FAIRNESS_LABELS, Ranking, parse_weights
from compagnon.challenges.fairness import HIGHER_IS_BETTER as FAIRNESS_HIGHER
from compagnon.challenges.metrics import METRICS
from compagnon.core.storage import private_storage

TEXT_MAX_LENGTH = 20_000


class ChallengeVisibility(models.TextChoices):
    MEMBERS = "members", _("Club members")
    PUBLIC = "public", _("Everyone (public)")


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


def _data_file_path(instance: DataFile, filename: str) -> str:
    return f"challenges/{instance.challenge_id}/data/{filename}"


def _solution_path(instance: SolutionVersion, filename: str) -> str:
    return f"challenges/{instance.challenge_id}/solution/{filename}"


def _submission_path(instance: Submission, filename: str) -> str:
    return f"challenges/{instance.challenge_id}/submissions/{filename}"


def metric_label(name: str) -> str:
    entry = METRICS.get(name)
    if entry is not None:
        return str(entry.label)
    return str(FAIRNESS_LABELS.get(name, name))


class RankingKind(models.TextChoices):
    METRIC = "metric", _("The primary metric")
    WEIGHTED = "weighted", _("A weighted sum of metrics")
    CONSTRAINT = "constraint", _("The primary metric under a constraint on another")


class Challenge(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(
        _("description"), max_length=TEXT_MAX_LENGTH, help_text=_("Markdown.")
    )
    rules = models.TextField(
        _("rules"),
        max_length=TEXT_MAX_LENGTH,
        help_text=_("Markdown. Participants accept them before downloading the data."),
    )
    organiser = models.ForeignKey(
        "members.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenges",
        verbose_name=_("organiser"),
        help_text=_("The member organisation that brings the data; empty for the club itself."),
    )
    workshop = models.ForeignKey(
        "workshops.Workshop",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
        verbose_name=_("workshop"),
    )
    visibility = models.CharField(
        _("who may see it"),
        max_length=10,
        choices=ChallengeVisibility.choices,
        default=ChallengeVisibility.MEMBERS,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ChallengeStatus.choices, default=ChallengeStatus.DRAFT
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    final_selection_deadline = models.DateTimeField(
        _("final selection deadline"),
        null=True,
        blank=True,
        help_text=_("Empty: the end of the challenge."),
    )
    teams_allowed = models.BooleanField(_("teams allowed"), default=True)
    max_team_size = models.PositiveSmallIntegerField(_("largest team"), default=4)
    submissions_per_day = models.PositiveSmallIntegerField(
        _("submissions per team per day (UTC)"), default=5
    )
    submissions_total = models.PositiveIntegerField(
        _("submissions per team in all"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    final_selections = models.PositiveSmallIntegerField(_("final selections per team"), default=2)
    metric = models.CharField(_("metric"), max_length=40, default="rmse")
    higher_is_better = models.BooleanField(_("a higher score is better"), default=False)
    id_column = models.CharField(_("id column"), max_length=100, default="id")
    target_columns = models.CharField(
        _("target columns"), max_length=500, default="target", help_text=_("Comma-separated.")
    )
    extra_metrics = models.CharField(
        _("other metrics"),
        max_length=500,
        blank=True,
        help_text=_(
            "Comma-separated metric names shown beside the primary one, for example "
            "demographic_parity_difference, disparate_impact_ratio."
        ),
    )
    sensitive_column = models.CharField(
        _("sensitive attribute column"),
        max_length=100,
        blank=True,
        help_text=_(
            "A column of the solution only (never of a data file): the groups the fairness "
            "metrics compare."
        ),
    )
    ranking_kind = models.CharField(
        _("ranking"), max_length=12, choices=RankingKind.choices, default=RankingKind.METRIC
    )
    ranking_weights = models.CharField(
        _("weights"),
        max_length=500,
        blank=True,
        help_text=_(
            "For a weighted sum: metric=weight, comma-separated, for example "
            "accuracy=1, demographic_parity_difference=2. A lower-is-better metric counts "
            "negatively."
        ),
    )
    constraint_metric = models.CharField(_("constrained metric"), max_length=40, blank=True)
    constraint_bound = models.FloatField(
        _("constraint bound"),
        null=True,
        blank=True,
        help_text=_(
            "At most this for a lower-is-better metric, at least this for a higher-is-better one."
        ),
    )
    private_revealed_at = models.DateTimeField(
        _("private leaderboard revealed at"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:challenge_detail", kwargs={"slug": self.slug})

    @property
    def metric_label(self) -> str:
        return metric_label(self.metric)

    @property
    def extra_metric_list(self) -> list[str]:
        names = [name.strip() for name in self.extra_metrics.split(",") if name.strip()]
        return [name for name in dict.fromkeys(names) if name != self.metric]

    @property
    def metric_names(self) -> list[str]:
        """Every declared metric, the primary one first."""
        return [self.metric, *self.extra_metric_list]

    @property
    def is_multi_metric(self) -> bool:
        return bool(self.extra_metric_list)

    def metric_directions(self) -> dict[str, bool]:
        """Declared metric -> whether higher is better (unknown names are left out)."""
        directions = {self.metric: self.higher_is_better}
        for name in self.extra_metric_list:
            if name in METRICS:
                directions[name] = METRICS[name].higher_is_better
            elif name in FAIRNESS_HIGHER:
                directions[name] = FAIRNESS_HIGHER[name]
        return directions

    @property
    def ranking(self) -> Ranking:
        if self.ranking_kind == RankingKind.WEIGHTED:
            weights, _unreadable = parse_weights(self.ranking_weights)
            if weights:
                return Ranking(metric=self.metric, weights=weights)
        if self.ranking_kind == RankingKind.CONSTRAINT and self.constraint_metric:
            return Ranking(
                metric=self.metric,
                constraint_metric=self.constraint_metric,
                constraint_bound=self.constraint_bound,
            )
        return Ranking(metric=self.metric)

    @property
    def target_column_list(self) -> list[str]:
        return [name.strip() for name in self.target_columns.split(",") if name.strip()]

    @property
    def selection_deadline(self):
        return self.final_selection_deadline or self.ends_at

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.starts_at:
            return "upcoming"
        if now < self.ends_at:
            return "running"
        return "ended"


class DataFile(models.Model):
    """A file participants download once they have accepted the rules."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="data_files")
    name = models.CharField(_("file name"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    file = models.FileField(upload_to=_data_file_path, storage=private_storage, max_length=500)
    size = models.BigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("data file")
        verbose_name_plural = _("data files")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "name"], name="datafile_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SolutionVersion(models.Model):
    """The hidden ground truth, parsed once at upload; a new upload is a new version."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="solution_versions"
    )
    number = models.PositiveIntegerField()
    original = models.FileField(upload_to=_solution_path, storage=private_storage, max_length=500)
    parsed = models.FileField(upload_to=_solution_path, storage=private_storage, max_length=500)
    rows = models.PositiveIntegerField(default=0)
    public_rows = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("solution version")
        verbose_name_plural = _("solution versions")
        ordering = ["challenge", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "number"], name="solution_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.challenge} v{self.number}"


class RulesAcceptance(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="acceptances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_acceptances"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rules acceptance")
        verbose_name_plural = _("rules acceptances")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="rules_acceptance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ✓ {self.challenge}"


class Team(models.Model):
    """Who submits. A participant on their own is a team of one."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("team name"), max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    # A team merged into another keeps its row (and its name in old exports).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "name"],
                condition=models.Q(merged_into__isnull=True),
                name="team_name_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    # The challenge is repeated here so that one person is in one team per challenge.
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_teams"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="one_team_per_challenge")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class TeamInvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class TeamInvitation(models.Model):
    """An invitation to join a team; accepting merges the invitee's own team into it."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=TeamInvitationStatus.choices, default=TeamInvitationStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "invitee"],
                condition=models.Q(status="pending"),
                name="team_invitation_pending_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitee} → {self.team}"


class SubmissionStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SCORING = "scoring", _("Scoring")
    SCORED = "scored", _("Scored")
    INVALID = "invalid", _("Invalid file")
    FAILED = "failed", _("Failed")


PENDING_STATUSES = (SubmissionStatus.QUEUED, SubmissionStatus.SCORING)


class Submission(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="submissions")
    # Empty for the organiser's baselines, which belong to no team.
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to=_submission_path, storage=private_storage, max_length=500)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField(default=0)
    description = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.QUEUED
    )
    public_score = models.FloatField(null=True, blank=True)
    private_score = models.FloatField(null=True, blank=True)
    # Every declared metric (the primary one included): {name: value}, per split.
    public_metrics = models.JSONField(default=dict, blank=True)
    private_metrics = models.JSONField(default=dict, blank=True)
    code_url = models.URLField(
        _("code or notebook link"),
        max_length=500,
        blank=True,
        help_text=_("Optional; shown to everyone once the challenge has ended."),
    )
    # Participant-safe: written by the scorer, which never quotes the solution.
    error_message = models.TextField(blank=True)
    counts_toward_quota = models.BooleanField(default=True)
    solution_version = models.ForeignKey(
        SolutionVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # When it last went into the queue: the sweep finds a task lost with a crashed worker.
    queued_at = models.DateTimeField(null=True, blank=True)
    scoring_started_at = models.DateTimeField(null=True, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    selected_for_final = models.BooleanField(default=False)
    is_baseline = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["team", "created_at"]),
            models.Index(fields=["challenge", "status"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.challenge}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES


class Score(models.Model):
    """A submission's scores against one solution version: the history kept when it is replaced."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="scores")
    solution_version = models.ForeignKey(
        SolutionVersion, on_delete=models.CASCADE, related_name="scores"
    )
    public = models.FloatField()
    private = models.FloatField()
    public_metrics = models.JSONField(default=dict, blank=True)
    private_metrics = models.JSONField(default=dict, blank=True)
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "solution_version"], name="score_per_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}@v{self.solution_version_id}: {self.public}"


class DiscussionPost(models.Model):
    """A message in a challenge's discussion thread (Markdown, sanitised when shown)."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="discussion_posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("discussion post")
        verbose_name_plural = _("discussion posts")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["challenge", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]
