"""Every change to the awards: applications, eligibility, the jury, scores, decisions, votes.

Functions take keyword arguments, check with the same refusal functions the pages
use, write inside `transaction.atomic`, and leave emails for after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from compagnon.awards import conf
from compagnon.awards.assignment import ApplicationSlot, AssignmentPlan, assignment_plan
from compagnon.awards.models import (
    ATTACHMENT_KEY,
    Application,
    ApplicationStatus,
    Attachment,
    Category,
    ConflictDeclaration,
    Decision,
    Edition,
    Eligibility,
    Juror,
    JurorStatus,
    Outcome,
    PublicVote,
    Review,
    Score,
    attachment_key,
)
from compagnon.awards.selectors import (
    application_conflicts,
    applications_visible_to_juror,
    attachments_to_rekey,
    juror_conflict_q,
)
from compagnon.core.pdf import REFUSAL_MESSAGES, PdfProblem, pdf_problem
from compagnon.members.models import MembershipStatus, Organisation, Person

logger = logging.getLogger(__name__)

# The fields a draft holds, saved as typed (autosave and the plain form alike).
DRAFT_FIELDS = (
    "title",
    "summary",
    "problem",
    "data",
    "method",
    "impact",
    "responsible_ai",
    "video_url",
)
# What a submitted application must say.
REQUIRED_TO_SUBMIT = ("title", "summary", "problem", "data", "method", "impact", "responsible_ai")


def _after_commit(task: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: task.enqueue(**kwargs))


# --- the call -------------------------------------------------------------------------------


def call_refusal(edition: Edition, *, now: dt.datetime | None = None) -> str:
    """Why the call is not taking applications at `now` (server time), or ''."""
    now = now or timezone.now()
    if now < edition.call_opens_at:
        return _("The call for applications is not open yet.")
    if now >= edition.deadline_at:
        return _("The call for applications is closed: the deadline has passed.")
    return ""


def category_refusal(category: Category, person: Person | None) -> str:
    if person is None:
        return _("Complete your profile before applying.")
    if category.eligibility == Eligibility.MEMBERS:
        organisation = person.organisation
        if organisation is None or organisation.status != MembershipStatus.ACTIVE:
            return _("This category is for people of member organisations only.")
    return ""


def application_create(
    *,
    edition: Edition,
    category: Category,
    person: Person | None,
    title: str,
    now: dt.datetime | None = None,
) -> Application:
    refusal = call_refusal(edition, now=now) or category_refusal(category, person)
    if refusal:
        raise ValidationError(refusal)
    assert person is not None
    if category.edition_id != edition.pk:
        raise ValidationError(_("Choose one of this edition's categories."))
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the project a title.")})
    with transaction.atomic():
        application = Application(
            edition=edition,
            category=category,
            applicant=person,
            organisation=person.organisation,
            title=title,
        )
        application.full_clean()
        application.save()
        application.team.add(person)
    return application


def draft_refusal(application: Application, *, now: dt.datetime | None = None) -> str:
    if not application.is_draft:
        return _("This application was submitted: it can no longer be changed.")
    return call_refusal(application.edition, now=now)


def application_save(
    *,
    application: Application,
    values: dict[str, str],
    team: list[Person] | None = None,
    now: dt.datetime | None = None,
) -> Application:
    """Save a draft as typed (autosave): nothing is required yet, the URL must be a web one."""
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update().select_related("edition").get(pk=application.pk)
        )
        refusal = draft_refusal(locked, now=now)
        if refusal:
            raise ValidationError(refusal)
        for name in DRAFT_FIELDS:
            if name in values:
                setattr(locked, name, (values[name] or "").strip())
        if not locked.title:
            raise ValidationError({"title": _("Give the project a title.")})
        locked.updated_at = now or timezone.now()
        locked.full_clean(exclude=["applicant", "organisation", "category", "edition"])
        locked.save()
        if team is not None:
            locked.team.set({*team, locked.applicant})
    return locked


def submit_refusal(application: Application, *, now: dt.datetime | None = None) -> str:
    refusal = draft_refusal(application, now=now)
    if refusal:
        return refusal
    missing = [
        str(getattr(Application._meta.get_field(name), "verbose_name", name))
        for name in REQUIRED_TO_SUBMIT
        if not getattr(application, name).strip()
    ]
    if missing:
        return _("Fill in before submitting: %(fields)s.") % {"fields": ", ".join(missing)}
    return category_refusal(application.category, application.applicant)


def application_submit(*, application: Application, now: dt.datetime | None = None) -> Application:
    """Submit a complete draft before the deadline (server time); the email follows the commit."""
    from compagnon.awards.tasks import application_confirmation_send

    now = now or timezone.now()
    with transaction.atomic():
        # Locked: a double click submits once and queues one email.
        locked = (
            # of=self: the applicant's organisation may be null (an outer join PostgreSQL
            # will not lock), and only the application is the scarce thing here.
            Application.objects.select_for_update(of=("self",))
            .select_related("edition", "category", "applicant__organisation")
            .get(pk=application.pk)
        )
        refusal = submit_refusal(locked, now=now)
        if refusal:
            raise ValidationError(refusal)
        locked.status = ApplicationStatus.SUBMITTED
        locked.submitted_at = now
        locked.save(update_fields=["status", "submitted_at"])
        _after_commit(application_confirmation_send, application_id=locked.pk)
    return locked


def attachment_kind(file: UploadedFile) -> str:
    """The checked content type, or a ValidationError that says what is accepted."""
    name = (file.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    accepted = ", ".join(sorted({e.upper() for e in conf.ATTACHMENT_TYPES if e != "jpeg"}))
    if extension not in conf.ATTACHMENT_TYPES:
        raise ValidationError(
            {"file": _("This type of file is not accepted: send %(types)s.") % {"types": accepted}}
        )
    content_type, signatures = conf.ATTACHMENT_TYPES[extension]
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    problem = pdf_problem(file) if content_type == "application/pdf" else None
    if not any(head.startswith(s) for s in signatures) or problem is PdfProblem.NOT_PDF:
        raise ValidationError(
            {
                "file": _("This file is not the %(type)s its name says.")
                % {"type": extension.upper()}
            }
        )
    if problem in REFUSAL_MESSAGES:
        raise ValidationError({"file": REFUSAL_MESSAGES[problem]})
    return content_type


def attachment_add(*, application: Application, file: UploadedFile, by: Any = None) -> Attachment:
    limit = conf.attachment_max_bytes()
    size = file.size or 0
    if size > limit:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)s MB); the limit is %(max)s MB.")
                % {"size": round(size / 1048576, 1), "max": limit // 1048576}
            }
        )
    content_type = attachment_kind(file)
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update().select_related("edition").get(pk=application.pk)
        )
        refusal = draft_refusal(locked)
        if refusal:
            raise ValidationError(refusal)
        if locked.attachments.count() >= conf.attachments_per_application():
            raise ValidationError(
                {
                    "file": _("An application holds %(n)s files at most: remove one first.")
                    % {"n": conf.attachments_per_application()}
                }
            )
        name = (file.name or "file").rsplit("/", 1)[-1][:150]
        attachment = Attachment(
            application=locked, name=name, content_type=content_type, size=size, uploaded_by=by
        )
        attachment.file.save(name, file, save=False)
        try:
            attachment.save()
        except Exception:
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
            raise
    return attachment


def _objects_delete(storage: Any, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def attachment_delete(*, attachment: Attachment) -> None:
    with transaction.atomic():
        refusal = draft_refusal(attachment.application)
        if refusal:
            raise ValidationError(refusal)
        # The row as it is now (a rekey may have moved its file since it was read, and
        # waits for this lock); an older key left by a stopped rekey goes with the file.
        current = Attachment.objects.select_for_update().filter(pk=attachment.pk).first()
        if current is None:
            return
        names = [n for n in (current.file.name, current.replaced_key) if n]
        storage = current.file.storage
        current.delete()
        if names:
            transaction.on_commit(lambda: _objects_delete(storage, names))


# --- older attachment keys ----------------------------------------------------------------------


@dataclass(frozen=True)
class RekeyReport:
    """What `attachments_rekey` did (or, dry, would do)."""

    moved: int = 0
    finished: int = 0
    missing: int = 0


def _rekey_target(attachment: Attachment, old_key: str) -> str:
    # Derived, not drawn: a run stopped after the copy writes the same key again and
    # leaves no second copy behind. Unguessable without SECRET_KEY, like a random name.
    token = salted_hmac(
        "compagnon.awards.attachment-key", f"{attachment.pk}:{old_key}", algorithm="sha256"
    ).hexdigest()[:32]
    # The extension is kept only when it is one uploads accept: "CV.Dupont" keeps nothing.
    extension = old_key.rsplit("/", 1)[-1].rsplit(".", 1)[-1].lower() if "." in old_key else ""
    return attachment_key(
        edition_id=attachment.application.edition_id,
        application_id=attachment.application_id,
        token=token,
        filename=f"file.{extension}" if extension in conf.ATTACHMENT_TYPES else "file",
    )


def _replaced_key_delete(attachment_id: int, old_key: str, storage: Any) -> None:
    storage.delete(old_key)
    Attachment.objects.filter(pk=attachment_id, replaced_key=old_key).update(replaced_key="")


def attachment_rekey(*, attachment: Attachment) -> str:
    """Move one attachment stored under an older key to a random one.

    Copy through the storage and point the row at the copy (in one transaction, the row
    locked and still pointing at the old key), and delete the old object only after
    that commit. Stopped anywhere, nothing is lost and the next run finishes:
    before the commit the row still names the old object; after it, `replaced_key`
    names the object left to delete. Returns "moved", "finished" (only the old
    object was left to delete), "missing" (no object under the old key: the row is
    left as it is) or "kept" (already random, or the row changed meanwhile).
    """
    storage = attachment.file.storage
    if attachment.replaced_key:
        _replaced_key_delete(attachment.pk, attachment.replaced_key, storage)
        if ATTACHMENT_KEY.match(attachment.file.name or ""):
            return "finished"
    old_key = attachment.file.name or ""
    if not old_key or ATTACHMENT_KEY.match(old_key):
        return "kept"
    target = _rekey_target(attachment, old_key)
    # The row stays locked over the copy: a second run (the same target) or the applicant
    # deleting the file waits, then sees the row as this run left it.
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().filter(pk=attachment.pk).first()
        if locked is None or locked.file.name != old_key:
            return "kept"  # deleted, replaced or moved since it was read
        try:
            source = storage.open(old_key, "rb")
        except (FileNotFoundError, OSError):
            logger.warning("awards rekey: attachment %s has no object under its key", attachment.pk)
            return "missing"
        with source:
            if storage.exists(target):  # a copy from a run stopped before its commit
                storage.delete(target)
            written = storage.save(target, source)
        if written != target:
            storage.delete(written)
            raise RuntimeError(f"storage wrote {written!r} instead of {target!r}")
        locked.file.name = target
        locked.replaced_key = old_key
        locked.save(update_fields=["file", "replaced_key"])
    _replaced_key_delete(attachment.pk, old_key, storage)
    logger.info("awards rekey: attachment %s moved to a random key", attachment.pk)
    return "moved"


def attachments_rekey(*, dry_run: bool = False) -> RekeyReport:
    """Move every attachment still stored under an older key; safe to run again."""
    pending = attachments_to_rekey().select_related("application").order_by("pk")
    if dry_run:
        rows = list(pending.only("pk", "file", "replaced_key", "application__edition_id"))
        unfinished = sum(1 for row in rows if ATTACHMENT_KEY.match(row.file.name or ""))
        return RekeyReport(moved=len(rows) - unfinished, finished=unfinished)
    counts = {"moved": 0, "finished": 0, "missing": 0, "kept": 0}
    for attachment in pending.iterator():
        counts[attachment_rekey(attachment=attachment)] += 1
    return RekeyReport(
        moved=counts["moved"], finished=counts["finished"], missing=counts["missing"]
    )


def application_check_eligibility(
    *, application: Application, eligible: bool, note: str = "", by: Any
) -> Application:
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status == ApplicationStatus.DRAFT:
            raise ValidationError(_("A draft is checked once it is submitted."))
        if not eligible and not note.strip():
            raise ValidationError({"note": _("Say why the application is not eligible.")})
        locked.status = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
        locked.eligibility_note = note.strip()
        locked.eligibility_checked_by = by
        locked.eligibility_checked_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "eligibility_note",
                "eligibility_checked_by",
                "eligibility_checked_at",
            ]
        )
    return locked


# --- the jury -------------------------------------------------------------------------------


def juror_invite(*, edition: Edition, person: Person, by: Any) -> Juror:
    from compagnon.awards.tasks import juror_invitation_send

    with transaction.atomic():
        juror, created = Juror.objects.get_or_create(
            edition=edition, person=person, defaults={"invited_by": by}
        )
        if not created:
            raise ValidationError(_("%(name)s is already on this jury.") % {"name": person})
        _after_commit(juror_invitation_send, juror_id=juror.pk)
    return juror


def juror_answer(*, juror: Juror, accept: bool) -> Juror:
    with transaction.atomic():
        locked = Juror.objects.select_for_update().get(pk=juror.pk)
        locked.status = JurorStatus.ACCEPTED if accept else JurorStatus.DECLINED
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answered_at"])
        if not accept:
            locked.reviews.filter(submitted_at__isnull=True).delete()
    return locked


def conflict_declare(
    *,
    juror: Juror,
    organisation: Organisation | None = None,
    application: Application | None = None,
    note: str = "",
) -> ConflictDeclaration:
    """Record a conflict and drop the juror's reviews it touches, scored or not.

    A score given before the conflict was known must not count; the next
    assignment run gives the application another juror.
    """
    if organisation is None and application is None:
        raise ValidationError(_("Choose an organisation or an application."))
    with transaction.atomic():
        declaration = ConflictDeclaration.objects.create(
            juror=juror, organisation=organisation, application=application, note=note.strip()
        )
        conflicted = Application.objects.filter(edition_id=juror.edition_id).filter(
            juror_conflict_q(juror)
        )
        juror.reviews.filter(application_id__in=conflicted.values("pk")).delete()
    return declaration


def reviews_assign(*, edition: Edition) -> AssignmentPlan:
    """Give every eligible application its reviews, balanced, never across a conflict.

    Reviews already assigned stay. The edition row is locked so two runs at once
    cannot both add a third reviewer.
    """
    with transaction.atomic():
        Edition.objects.select_for_update().get(pk=edition.pk)
        jurors = list(
            Juror.objects.select_related("person").filter(
                edition=edition, status=JurorStatus.ACCEPTED
            )
        )
        conflicts = application_conflicts(edition, jurors)
        existing: dict[int, set[int]] = {}
        load: dict[int, int] = {}
        for app_id, juror_id in Review.objects.filter(application__edition=edition).values_list(
            "application_id", "juror_id"
        ):
            existing.setdefault(app_id, set()).add(juror_id)
            load[juror_id] = load.get(juror_id, 0) + 1
        slots = [
            ApplicationSlot(
                id=app_id, conflicted=conflicted, already=frozenset(existing.get(app_id, ()))
            )
            for app_id, conflicted in conflicts.items()
        ]
        plan = assignment_plan(
            slots,
            [j.pk for j in jurors],
            per_application=edition.reviews_per_application,
            existing_load=load,
        )
        now = timezone.now()
        Review.objects.bulk_create(
            [Review(application_id=a, juror_id=j, assigned_at=now) for a, j in plan.pairs]
        )
    return plan


def review_score(
    *,
    review: Review,
    scores: dict[int, int],
    comment: str = "",
    now: dt.datetime | None = None,
) -> Review:
    """Score every criterion on the category's scale; refused across a conflict (checked here
    as well as on the page, so no other caller can get round it)."""
    with transaction.atomic():
        locked = (
            Review.objects.select_for_update()
            .select_related("juror", "juror__person", "application__category")
            .get(pk=review.pk)
        )
        juror = locked.juror
        if not applications_visible_to_juror(juror).filter(pk=locked.application_id).exists():
            raise ValidationError(_("You cannot review this application."))
        category = locked.application.category
        criteria = list(category.criteria.all())
        errors = {}
        for criterion in criteria:
            value = scores.get(criterion.pk)
            if value is None:
                errors[f"criterion_{criterion.pk}"] = _("Give a score.")
            elif not category.scale_min <= value <= category.scale_max:
                errors[f"criterion_{criterion.pk}"] = _(
                    "Give a score from %(low)s to %(high)s."
                ) % {"low": category.scale_min, "high": category.scale_max}
        if errors:
            raise ValidationError(errors)
        for criterion in criteria:
            Score.objects.update_or_create(
                review=locked, criterion=criterion, defaults={"value": scores[criterion.pk]}
            )
        locked.comment = comment.strip()
        locked.submitted_at = now or timezone.now()
        locked.save(update_fields=["comment", "submitted_at"])
    return locked


def decision_record(*, application: Application, outcome: str, note: str = "", by: Any) -> Decision:
    if outcome not in Outcome.values or outcome == Outcome.NONE:
        raise ValidationError(_("Choose a decision."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.ELIGIBLE:
            raise ValidationError(_("Only eligible applications are decided on."))
        locked.outcome = outcome
        locked.save(update_fields=["outcome"])
        return Decision.objects.create(
            application=locked, outcome=outcome, note=note.strip(), decided_by=by
        )


def edition_publish(
    *, edition: Edition, shortlist: bool | None = None, winners: bool | None = None
) -> Edition:
    with transaction.atomic():
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        if shortlist is not None:
            locked.shortlist_published = shortlist
        if winners is not None:
            locked.winners_published = winners
        locked.save(update_fields=["shortlist_published", "winners_published"])
    return locked


def results_announcement_draft(*, edition: Edition, by: Any) -> Any:
    """A newsletter draft announcing the winners, for staff to edit and send from the desk."""
    from django.conf import settings

    from compagnon.newsletter.services import mailing_create

    if not edition.winners_published:
        raise ValidationError(_("Publish the winners before announcing them."))
    winners = (
        Application.objects.filter(edition=edition, outcome=Outcome.WINNER)
        .select_related("category", "organisation")
        .order_by("category__position", "title")
    )
    url = settings.SITE_URL + edition.get_absolute_url() + "winners/"
    lines = [_("The winners of %(edition)s:") % {"edition": edition.name}, ""]
    for application in winners:
        who = f" ({application.organisation.name})" if application.organisation else ""
        lines.append(f"- **{application.category.name}**: {application.title}{who}")
    lines += ["", _("Their stories: %(url)s") % {"url": url}]
    return mailing_create(
        subject=_("The winners of %(edition)s") % {"edition": edition.name},
        body="\n".join(lines),
        created_by=by,
    )


# --- the public vote --------------------------------------------------------------------------


def vote_refusal(edition: Edition, application: Application) -> str:
    if not edition.public_vote or not edition.shortlist_published:
        return _("The public vote is not open.")
    if edition.winners_published:
        return _("The public vote is closed: the winners are out.")
    if application.edition_id != edition.pk or application.outcome not in (
        Outcome.SHORTLISTED,
        Outcome.WINNER,
    ):
        return _("Vote for a project on the shortlist.")
    return ""


def vote_cast(
    *, edition: Edition, application: Application, email: str, ip_hash: str | None = None
) -> PublicVote:
    """A pending vote; it counts once the link sent to `email` is followed (double opt-in)."""
    from compagnon.awards.tasks import vote_confirmation_send

    refusal = vote_refusal(edition, application)
    if refusal:
        raise ValidationError(refusal)
    with transaction.atomic():
        vote = PublicVote.objects.create(
            edition=edition,
            application=application,
            email=email.strip().lower(),
            token=secrets.token_urlsafe(32),
            ip_hash=ip_hash or "",
        )
        _after_commit(vote_confirmation_send, vote_id=vote.pk)
    return vote


class VoteProblem(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def vote_for_token(token: str) -> PublicVote:
    vote = PublicVote.objects.select_related("edition", "application").filter(token=token).first()
    if vote is None:
        raise VoteProblem(_("This link is not valid (perhaps cut by your email program)."))
    age = timezone.now() - vote.created_at
    if vote.confirmed_at is None and age > dt.timedelta(days=conf.vote_confirm_max_age_days()):
        raise VoteProblem(_("This link has expired: vote again to get a new one."))
    return vote


def vote_confirm(*, token: str) -> PublicVote:
    """Count the vote; one per confirmed address and edition (the database holds the rule)."""
    vote = vote_for_token(token)
    if vote.confirmed_at is not None:
        return vote
    refusal = vote_refusal(vote.edition, vote.application)
    if refusal:
        raise VoteProblem(refusal)
    try:
        with transaction.atomic():
            updated = PublicVote.objects.filter(pk=vote.pk, confirmed_at__isnull=True).update(
                confirmed_at=timezone.now()
            )
    except IntegrityError as error:
        raise VoteProblem(
            _("This address has already voted in this edition: one vote per person.")
        ) from error
    if updated:
        vote.refresh_from_db()
    return vote
