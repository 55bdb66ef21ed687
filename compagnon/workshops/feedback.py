"""Feedback after a workshop: who may give it, submitting it, one reminder, the aggregates.

Who may give feedback: people marked present. When the hosts took no attendance at
all (every seat holder still "not marked"), the people whose seat was confirmed may
give it instead: the club would rather hear from them than from nobody. A no-show,
someone who cancelled or never got a seat, is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.core.email import email_queue
from compagnon.core.models import OutboundEmail
from compagnon.members.models import Organisation, Person, SkillSource, Tag
from compagnon.members.selectors import person_language
from compagnon.members.services import person_skills_learned
from compagnon.workshops import emails
from compagnon.workshops.models import (
    Attendance,
    Feedback,
    FeedbackLevel,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopStatus,
)

LEVELS = (1, 2, 3, 4)


def feedback_is_open(workshop: Workshop, now=None) -> bool:
    """Feedback opens once the workshop is done, or its last session has ended."""
    now = now or timezone.now()
    if workshop.status == WorkshopStatus.CANCELLED:
        return False
    if workshop.status == WorkshopStatus.DONE:
        return True
    return workshop.ends_at is not None and workshop.ends_at <= now


def _attendance_taken(workshop: Workshop) -> bool:
    return (
        Registration.objects.filter(workshop=workshop, status=RegistrationStatus.CONFIRMED)
        .exclude(attendance=Attendance.UNKNOWN)
        .exists()
    )


def eligible_registrations(workshop: Workshop):
    """The registrations whose person may give feedback (see the module's docstring)."""
    base = Registration.objects.filter(workshop=workshop, status=RegistrationStatus.CONFIRMED)
    if _attendance_taken(workshop):
        return base.filter(attendance=Attendance.PRESENT)
    return base


def feedback_eligible_ids(registrations: list[Registration], now=None) -> set[int]:
    """The pks of these registrations whose person may give feedback now, in one query.

    The rule of `eligible_registrations`, for a list of registrations of many workshops
    (a person's past workshops) without a query per registration.
    """
    now = now or timezone.now()
    candidates = [
        registration
        for registration in registrations
        if registration.status == RegistrationStatus.CONFIRMED
        and feedback_is_open(registration.workshop, now)
    ]
    if not candidates:
        return set()
    attendance_taken = set(
        Registration.objects.filter(
            workshop_id__in={registration.workshop_id for registration in candidates},
            status=RegistrationStatus.CONFIRMED,
        )
        .exclude(attendance=Attendance.UNKNOWN)
        .values_list("workshop_id", flat=True)
        .distinct()
    )
    return {
        registration.pk
        for registration in candidates
        if registration.attendance == Attendance.PRESENT
        or registration.workshop_id not in attendance_taken
    }


def feedback_registration_for(*, workshop: Workshop, person: Person | None) -> Registration | None:
    """The person's registration if they may give feedback now, else None."""
    if person is None or not feedback_is_open(workshop):
        return None
    return eligible_registrations(workshop).filter(person=person).first()


def feedback_refusal(*, workshop: Workshop, person: Person | None) -> str:
    """Why this person may not give feedback ("" when they may)."""
    if workshop.status == WorkshopStatus.CANCELLED:
        return _("This workshop was cancelled.")
    if not feedback_is_open(workshop):
        return _("Feedback opens once the workshop has taken place.")
    if feedback_registration_for(workshop=workshop, person=person) is None:
        return _("Only the people who attended this workshop can give feedback.")
    return ""


def feedback_submit(
    *,
    workshop: Workshop,
    person: Person | None,
    rating: int,
    learned: str = "",
    learned_quotable: bool = False,
    follow_up_idea: str = "",
    levels: dict[int, tuple[int, int]] | None = None,
    keep_people: list[Person] | None = None,
    keep_organisations: list[Organisation] | None = None,
) -> Feedback:
    """Save (or replace) an attendee's feedback; refused for anyone who did not attend.

    `levels` maps a tag pk (one of the workshop's tags) to (before, after), each 1-4.
    """
    reason = feedback_refusal(workshop=workshop, person=person)
    if reason:
        raise ValidationError(reason, code="not_attendee")
    if rating not in (1, 2, 3, 4, 5):
        raise ValidationError({"rating": _("Give a rating from 1 to 5.")})
    levels = levels or {}
    tag_ids = set(workshop.tags.values_list("pk", flat=True))
    for tag_id, pair in levels.items():
        if tag_id not in tag_ids:
            raise ValidationError(_("Levels are given for the workshop's own topics only."))
        if any(value not in LEVELS for value in pair):
            raise ValidationError(_("Levels go from 1 to 4."))
    with transaction.atomic():
        eligible = feedback_registration_for(workshop=workshop, person=person)
        assert eligible is not None  # feedback_refusal() found it
        registration = Registration.objects.select_for_update().filter(pk=eligible.pk).get()
        feedback, _created = Feedback.objects.update_or_create(
            registration=registration,
            defaults={
                "rating": rating,
                "learned": (learned or "").strip(),
                "learned_quotable": bool(learned_quotable),
                "follow_up_idea": (follow_up_idea or "").strip(),
            },
        )
        feedback.levels.all().delete()
        FeedbackLevel.objects.bulk_create(
            FeedbackLevel(feedback=feedback, tag_id=tag_id, before=before, after=after)
            for tag_id, (before, after) in sorted(levels.items())
        )
        # "I learned": the level reached raises the profile's (never lowers it), and the
        # skills history records it with its source.
        assert person is not None  # feedback_refusal() refuses anyone else
        person_skills_learned(
            person=person,
            levels={tag_id: after for tag_id, (_before, after) in levels.items()},
            actor=None,
            source=SkillSource.FEEDBACK,
        )
        feedback.keep_working_with_people.set(keep_people or [])
        feedback.keep_working_with_organisations.set(keep_organisations or [])
    return feedback


def people_met(workshop: Workshop, person: Person | None):
    """The other people with a confirmed seat: who one may want to keep working with."""
    people = Person.objects.filter(
        workshop_registrations__workshop=workshop,
        workshop_registrations__status=RegistrationStatus.CONFIRMED,
    )
    if person is not None and person.pk is not None:
        people = people.exclude(pk=person.pk)
    return people.select_related("organisation").order_by("last_name", "first_name", "pk")


def organisations_met(workshop: Workshop, person: Person | None):
    organisations = Organisation.objects.filter(
        pk__in=people_met(workshop, person).values("organisation_id")
    )
    if person is not None and person.organisation_id is not None:
        organisations = organisations.exclude(pk=person.organisation_id)
    return organisations.order_by("name")


# --- the request, then one reminder, per attendee ---------------------------------------------

# The reminder goes this long after the workshop ended, and no more once it is this old.
FEEDBACK_REMINDER_AFTER = dt.timedelta(days=3)
FEEDBACK_REMINDER_UNTIL = dt.timedelta(days=30)


def feedback_reminders_schedule(*, workshop: Workshop) -> None:
    """After commit, ask everyone who may give feedback (the workshop was just marked done)."""
    pk = workshop.pk
    transaction.on_commit(lambda: feedback_reminders_send(workshop=Workshop.objects.get(pk=pk)))


def feedback_reminders_send(*, workshop: Workshop) -> int:
    """The request: one email per attendee without feedback; keyed, so a rerun sends nothing."""
    return _feedback_emails(workshop, key="workshop-feedback-reminder", last_call=False)


def feedback_last_calls_send_due(now: dt.datetime | None = None) -> int:
    """The one reminder, FEEDBACK_REMINDER_AFTER the end, to attendees who have not answered.

    Run by `workshops_tick`; keyed per registration, so it is sent once however often it runs.
    """
    now = now or timezone.now()
    workshops = Workshop.objects.filter(
        status=WorkshopStatus.DONE,
        ends_at__lte=now - FEEDBACK_REMINDER_AFTER,
        ends_at__gt=now - FEEDBACK_REMINDER_UNTIL,
    )
    return sum(
        _feedback_emails(workshop, key="workshop-feedback-last-call", last_call=True)
        for workshop in workshops
    )


def _feedback_emails(workshop: Workshop, *, key: str, last_call: bool) -> int:
    pending = list(
        eligible_registrations(workshop)
        .filter(feedback__isnull=True)
        .exclude(person__email="")
        .select_related("person")
    )
    # Only this workshop's keys: the sweep runs every few minutes, the table keeps growing.
    sent = set(
        OutboundEmail.objects.filter(
            key__in=[f"{key}:{registration.pk}" for registration in pending]
        ).values_list("key", flat=True)
    )
    count = 0
    for registration in pending:
        email_key = f"{key}:{registration.pk}"
        if email_key in sent:
            continue
        person = registration.person
        with translation.override(person_language(person)):
            url = emails._absolute(reverse("workshops:feedback", kwargs={"pk": workshop.pk}))
            values = {"name": person.first_name or person, "title": workshop.title, "url": url}
            if last_call:
                subject = _("A reminder: what did you learn at “%(title)s”?") % values
                text = (
                    _(
                        "Hello %(name)s,\n\nA few days ago you took part in “%(title)s”. If you "
                        "have two minutes, tell the hosts what you learned; it is the club's "
                        "own measure, and this is the last message about it:\n\n%(url)s\n\n"
                        "The club"
                    )
                    % values
                )
            else:
                subject = _("How was the workshop “%(title)s”?") % values
                text = (
                    _(
                        "Hello %(name)s,\n\nThank you for coming to “%(title)s”. What did you "
                        "learn? Tell us in two minutes:\n\n%(url)s\n\nThe club"
                    )
                    % values
                )
        email_queue(to=[person.email], subject=subject, text=text, key=email_key)
        count += 1
    return count


# --- aggregates -------------------------------------------------------------------------------


@dataclass
class TagDelta:
    tag: Tag
    count: int
    before: float
    after: float

    @property
    def delta(self) -> float:
        return round(self.after - self.before, 2)

    @property
    def before_pct(self) -> int:
        return round(self.before / 4 * 100)

    @property
    def after_pct(self) -> int:
        return round(self.after / 4 * 100)


@dataclass
class FeedbackSummary:
    eligible: int = 0
    responses: int = 0
    learned_count: int = 0
    mean_rating: float | None = None
    tags: list[TagDelta] = field(default_factory=list)
    learned: list[str] = field(default_factory=list)
    ideas: list[Feedback] = field(default_factory=list)

    @property
    def response_rate(self) -> int:
        return round(self.responses / self.eligible * 100) if self.eligible else 0

    @property
    def learned_share(self) -> int:
        return round(self.learned_count / self.responses * 100) if self.responses else 0


def feedback_summary(*, workshop: Workshop) -> FeedbackSummary:
    """Response rate, share who learned something, mean rating, level deltas per tag."""
    eligible = eligible_registrations(workshop).count()
    feedback = Feedback.objects.filter(registration__workshop=workshop)
    totals = feedback.aggregate(
        responses=Count("pk"),
        learned=Count("pk", filter=~Q(learned="")),
        rating=Avg("rating"),
    )
    deltas = (
        FeedbackLevel.objects.filter(feedback__registration__workshop=workshop)
        .values("tag")
        .annotate(count=Count("pk"), before=Avg("before"), after=Avg("after"))
        .order_by("tag")
    )
    tags = {tag.pk: tag for tag in Tag.objects.filter(pk__in=[row["tag"] for row in deltas])}
    rows = [
        TagDelta(
            tag=tags[row["tag"]],
            count=row["count"],
            before=round(row["before"], 2),
            after=round(row["after"], 2),
        )
        for row in deltas
    ]
    return FeedbackSummary(
        eligible=eligible,
        responses=totals["responses"],
        learned_count=totals["learned"],
        mean_rating=round(totals["rating"], 2) if totals["rating"] is not None else None,
        tags=rows,
        learned=list(feedback.exclude(learned="").values_list("learned", flat=True)),
        ideas=list(
            feedback.exclude(follow_up_idea="")
            .select_related("registration__person")
            .prefetch_related(Prefetch("levels"))
        ),
    )
