"""The desk's reads: each queue is a filtered list of what waits for staff, plus an activity feed.

Every queue costs two queries whatever the club's size (a count and the first
rows, related objects joined), so the desk's query count is fixed; the bench
(`bench/bench_desk.py`) measures it. The other apps' rules are read through
their selectors where they have one (`cases_waiting_for_staff`,
`people_to_invite`...); the desk never decides a status itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from compagnon.accounts.models import Invitation, User
from compagnon.cases.invitations import POSITIVE_ANSWERS
from compagnon.cases.models import Answer, Case, CaseInvitation, CaseStatus, CaseTransition
from compagnon.cases.selectors import cases_waiting_for_staff, invitations_open
from compagnon.challenges.models import Submission, SubmissionStatus
from compagnon.desk.models import ContactMessage, MembershipRequest, RequestStatus
from compagnon.knowledge.models import Report, ReportStatus
from compagnon.newsletter.models import Mailing, MailingStatus
from compagnon.workshops.models import (
    Attendance,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopStatus,
)

DESK_ITEMS = 5
QUEUE_ITEMS = 100
FEED_ITEMS = 20
# How far back the "recent" queues look (no-shows, failing submissions).
RECENT_DAYS = 30
# Reports are due from the day after a workshop ends; after 90 days, staff have let it go.
REPORT_WINDOW_DAYS = 90


@dataclass(frozen=True)
class QueueSpec:
    slug: str
    title: Promise
    help: Promise
    empty: Promise
    rows: Callable[[datetime], QuerySet[Any]]


@dataclass(frozen=True)
class Queue:
    spec: QueueSpec
    count: int
    items: list[Any]

    @property
    def slug(self) -> str:
        return self.spec.slug

    @property
    def template(self) -> str:
        return f"desk/queues/{self.spec.slug}.html"


# --- the queues --------------------------------------------------------------------------------


def membership_requests_pending(now: datetime) -> QuerySet[MembershipRequest]:
    return MembershipRequest.objects.filter(status=RequestStatus.PENDING).order_by(
        "created_at", "pk"
    )


def contact_messages_open(now: datetime) -> QuerySet[ContactMessage]:
    return ContactMessage.objects.filter(closed_at__isnull=True).order_by("created_at", "pk")


def cases_to_review(now: datetime) -> QuerySet[Case]:
    return cases_waiting_for_staff().select_related("brought_by", "organisation")


def cases_short_of_interest(now: datetime) -> QuerySet[Case]:
    """Open cases with fewer positive answers than they need, the longest-waiting first."""
    return (
        Case.objects.filter(status=CaseStatus.OPEN)
        .annotate(
            positive=Count("invitations", filter=Q(invitations__answer__in=POSITIVE_ANSWERS)),
            pending=Count("invitations", filter=Q(invitations__answer=Answer.PENDING)),
        )
        .filter(positive__lt=F("interested_needed"))
        .select_related("brought_by", "organisation")
        .order_by("opened_at", "pk")
    )


def cases_to_plan(now: datetime) -> QuerySet[Case]:
    planned = Workshop.objects.filter(origin_case=OuterRef("pk")).exclude(
        status=WorkshopStatus.CANCELLED
    )
    return (
        Case.objects.filter(status=CaseStatus.MATCHED)
        .annotate(has_workshop=Exists(planned))
        .select_related("brought_by", "organisation")
        .order_by("updated_at", "pk")
    )


def workshops_to_publish(now: datetime) -> QuerySet[Workshop]:
    return (
        Workshop.objects.filter(status=WorkshopStatus.DRAFT)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__gte=now))
        .select_related("base")
        .order_by("starts_at", "pk")
    )


def reports_due(now: datetime) -> QuerySet[Workshop]:
    """Workshops that ended (up to 90 days ago) and have no published report."""
    published = Report.objects.filter(workshop=OuterRef("pk"), status=ReportStatus.PUBLISHED)
    drafted = Report.objects.filter(workshop=OuterRef("pk"))
    return (
        Workshop.objects.exclude(status__in=(WorkshopStatus.CANCELLED, WorkshopStatus.DRAFT))
        .filter(
            ends_at__lt=now,
            ends_at__gte=now - timedelta(days=REPORT_WINDOW_DAYS),
        )
        .exclude(Exists(published))
        .annotate(has_draft=Exists(drafted))
        .select_related("base")
        .order_by("ends_at", "pk")
    )


def no_shows_recent(now: datetime) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            attendance=Attendance.NO_SHOW,
            workshop__starts_at__gte=now - timedelta(days=RECENT_DAYS),
        )
        .select_related("person__organisation", "workshop")
        .order_by("-workshop__starts_at", "pk")
    )


def case_invitations_unanswered(now: datetime) -> QuerySet[CaseInvitation]:
    return (
        invitations_open(now)
        .select_related("person__organisation", "case")
        .order_by("created_at", "pk")
    )


def accounts_to_claim(now: datetime) -> QuerySet[Invitation]:
    """Account invitations not used yet (expired ones included: they want a resend)."""
    return (
        Invitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, person__user__isnull=True
        )
        .select_related("person__organisation")
        .order_by("created_at", "pk")
    )


def newsletter_drafts(now: datetime) -> QuerySet[Mailing]:
    return Mailing.objects.filter(status=MailingStatus.DRAFT).order_by("-updated_at", "-pk")


def submissions_failing(now: datetime) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(
            status=SubmissionStatus.FAILED, created_at__gte=now - timedelta(days=RECENT_DAYS)
        )
        .select_related("challenge", "team")
        .order_by("-created_at", "-pk")
    )


QUEUES: tuple[QueueSpec, ...] = (
    QueueSpec(
        "requests",
        _("Membership requests"),
        _(
            "Organisations and people asking to join. Accepting creates the organisation and invites its manager."
        ),
        _("No request waiting. The « Join the club » form on the home page brings them here."),
        membership_requests_pending,
    ),
    QueueSpec(
        "contact",
        _("Contact messages"),
        _("Messages from the contact form. Answer by email, then mark them answered."),
        _("No message waiting."),
        contact_messages_open,
    ),
    QueueSpec(
        "review",
        _("Cases to review"),
        _("Submitted cases, and drafts that came by email or chat."),
        _("No case waits for review."),
        cases_to_review,
    ),
    QueueSpec(
        "short",
        _("Open cases short of interest"),
        _("Open cases with fewer people interested than they need, with the people ranked best."),
        _("Every open case has the people it needs."),
        cases_short_of_interest,
    ),
    QueueSpec(
        "plan",
        _("Matched cases to plan"),
        _("Enough people said yes: set up the workshop."),
        _("No matched case waits for a workshop."),
        cases_to_plan,
    ),
    QueueSpec(
        "publish",
        _("Workshops to publish"),
        _("Draft workshops that have not started yet."),
        _("No draft workshop waits."),
        workshops_to_publish,
    ),
    QueueSpec(
        "reports",
        _("Reports due"),
        _("Workshops that ended in the last 90 days without a published report."),
        _("Every recent workshop has its report."),
        reports_due,
    ),
    QueueSpec(
        "no-shows",
        _("No-shows"),
        _("People marked absent at a workshop in the last 30 days."),
        _("No no-show in the last 30 days."),
        no_shows_recent,
    ),
    QueueSpec(
        "invitations",
        _("Unanswered case invitations"),
        _("Invitations to a case still waiting for an answer, the oldest first."),
        _("Every case invitation has its answer."),
        case_invitations_unanswered,
    ),
    QueueSpec(
        "claim",
        _("Accounts to claim"),
        _("People invited to create their account who have not done it yet."),
        _(
            "Nobody is waiting to claim an account. Invite people who have none from the bulk invitation page."
        ),
        accounts_to_claim,
    ),
    QueueSpec(
        "newsletter",
        _("Newsletter drafts"),
        _("Mailings written but not sent."),
        _("No newsletter draft."),
        newsletter_drafts,
    ),
    QueueSpec(
        "submissions",
        _("Failing challenge submissions"),
        _(
            "Submissions the scorer could not score in the last 30 days (not the invalid files participants fix themselves)."
        ),
        _("No submission failed in the last 30 days."),
        submissions_failing,
    ),
)
QUEUES_BY_SLUG = {spec.slug: spec for spec in QUEUES}


def queue_load(spec: QueueSpec, *, now: datetime, limit: int) -> Queue:
    rows = spec.rows(now)
    return Queue(spec=spec, count=rows.count(), items=list(rows[:limit]))


def desk_queues(now: datetime | None = None, *, limit: int = DESK_ITEMS) -> list[Queue]:
    """Every queue, with its count and its first rows: two queries per queue."""
    now = now or timezone.now()
    return [queue_load(spec, now=now, limit=limit) for spec in QUEUES]


# --- the activity feed ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    at: datetime
    kind: str
    text: str
    url: str = ""


def activity_feed(*, limit: int = FEED_ITEMS) -> list[Activity]:
    """What happened lately, newest first: six queries, one per source."""
    from django.utils.translation import gettext

    entries: list[Activity] = []
    for transition in CaseTransition.objects.select_related("case").order_by("-at", "-pk")[:limit]:
        entries.append(
            Activity(
                transition.at,
                "case",
                gettext("Case “%(title)s”: %(status)s")
                % {
                    "title": transition.case.title,
                    "status": CaseStatus(transition.to_status).label,
                },
                transition.case.get_absolute_url(),
            )
        )
    for registration in Registration.objects.select_related("person", "workshop").order_by(
        "-created_at", "-pk"
    )[:limit]:
        entries.append(
            Activity(
                registration.created_at,
                "registration",
                gettext("%(name)s registered for “%(title)s”")
                % {"name": registration.person.full_name, "title": registration.workshop.title},
                registration.workshop.get_absolute_url(),
            )
        )
    for report in Report.objects.filter(published_at__isnull=False).order_by(
        "-published_at", "-pk"
    )[:limit]:
        assert report.published_at is not None  # filtered above
        entries.append(
            Activity(
                report.published_at,
                "report",
                gettext("Report published: “%(title)s”") % {"title": report.title},
                report.get_absolute_url(),
            )
        )
    for user in User.objects.order_by("-date_joined", "-pk")[:limit]:
        entries.append(
            Activity(
                user.date_joined,
                "signup",
                gettext("%(name)s created an account") % {"name": user.get_full_name()},
            )
        )
    for request in MembershipRequest.objects.order_by("-created_at", "-pk")[:limit]:
        entries.append(
            Activity(
                request.created_at,
                "request",
                gettext("Membership request from %(name)s") % {"name": str(request)},
                reverse("desk:request_detail", args=[request.pk]),
            )
        )
    for message in ContactMessage.objects.order_by("-created_at", "-pk")[:limit]:
        entries.append(
            Activity(
                message.created_at,
                "contact",
                gettext("Message from %(name)s") % {"name": message.name},
                reverse("desk:queue", args=["contact"]),
            )
        )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


# --- the people behind a queue row ------------------------------------------------------------

RANKED_PEOPLE = 3
# Ranking costs the engine ~25 ms a case over 5 000 people (bench/desk.py): the
# desk ranks its first three cases, a queue page its first ten.
RANKED_CASES_DESK = 3
RANKED_CASES_QUEUE = 10


def ranked_people_for(
    cases: list[Case], *, limit: int = RANKED_CASES_QUEUE
) -> dict[int, list[Any]]:
    """The best people for the first listed open cases (the matching engine, fixed queries)."""
    from compagnon.matching.selectors import people_ranked_for_cases

    return people_ranked_for_cases(cases[:limit], k=RANKED_PEOPLE)
