"""Writes of careers: every state change is one function here, atomic, keyword-only.

Refusals are `ValidationError`s with a message for the person; nothing is half-written
(each function validates before it writes, inside one transaction). Emails go through the
outbox (`core.email.email_queue`) and leave after commit; a candidate's address is never
put in an email to a recruiter until the candidate has replied.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compagnon.accounts.models import Invitation, User
from compagnon.careers.models import (
    AccessKind,
    ApplicationMove,
    ApplicationStatus,
    CandidateAccess,
    CandidateApplication,
    CandidateProfile,
    ContractKind,
    HelpComment,
    JobApplication,
    Message,
    Offer,
    OfferSkill,
    OfferStatus,
    Publication,
    RecruitmentHelp,
    RecruitmentSession,
    SessionSlot,
    ShortlistEntry,
    SlotBooking,
    Thread,
)
from compagnon.careers.publications import PublicationsError, publications_parse
from compagnon.careers.selectors import offers_visible_to, viewer_is_recruiter
from compagnon.core.email import email_queue
from compagnon.core.pdf import REFUSAL_MESSAGES, PdfProblem, pdf_problem
from compagnon.desk.models import MembershipRequest, RequestKind
from compagnon.desk.services import membership_request_accept, membership_request_submit
from compagnon.members.models import Base, Language, Person, Tag
from compagnon.members.selectors import Viewer, person_language, viewer_for

logger = logging.getLogger(__name__)

CV_MAX_BYTES = 3 * 1024 * 1024
PUBLICATIONS_MAX_BYTES = 1024 * 1024
# The booking lock: the race test switches it off to show two candidates get one slot.
LOCK_SLOTS = True
SLOT_CAPACITY = 1


def _site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _raise_if(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


# --- candidate profiles ------------------------------------------------------------------------

PROFILE_FIELDS = (
    "thesis_title",
    "thesis_abstract",
    "lab",
    "supervisor",
    "defence_on",
    "hal_url",
    "thesis_url",
    "orcid",
    "available_from",
    "remote_ok",
    "contracts",
    "languages",
    "visibility",
)


def _orcid_errors(orcid: str) -> dict[str, Any]:
    import re

    if orcid and not re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", orcid):
        return {"orcid": _("An ORCID iD reads 0000-0002-1825-0097.")}
    return {}


def candidate_profile_save(
    *,
    person: Person,
    actor: User,
    bases: Iterable[Base] = (),
    **fields: Any,
) -> CandidateProfile:
    """Create or update the person's candidate profile (the person themselves, or staff)."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    if not (actor.is_staff or person.user_id == actor.pk):
        raise PermissionDenied("Only the candidate or staff edit a candidate profile.")
    errors: dict[str, Any] = {}
    bad_contracts = set(fields.get("contracts") or []) - set(ContractKind.values)
    if bad_contracts:
        errors["contracts"] = _("Unknown contract kind.")
    bad_languages = set(fields.get("languages") or []) - set(Language.values)
    if bad_languages:
        errors["languages"] = _("Unknown language.")
    errors.update(_orcid_errors(fields.get("orcid", "") or ""))
    with transaction.atomic():
        profile = CandidateProfile.objects.select_for_update().filter(
            person=person
        ).first() or CandidateProfile(person=person)
        for name, value in fields.items():
            setattr(profile, name, value.strip() if isinstance(value, str) else value)
        profile.updated_at = timezone.now()
        try:
            profile.full_clean()
        except ValidationError as error:
            errors = {**error.message_dict, **errors}
        _raise_if(errors)
        profile.save()
        profile.bases.set(list(bases))
    return profile


def candidate_cv_upload(*, profile: CandidateProfile, actor: User, name: str, data: bytes):
    """Keep the candidate's CV: a PDF (by its content, not its name), at most CV_MAX_BYTES."""
    if profile.person.user_id != actor.pk and not actor.is_staff:
        raise PermissionDenied("Only the candidate uploads their CV.")
    if len(data) > CV_MAX_BYTES:
        raise ValidationError(
            {"cv": _("The CV is larger than %(max)s MB.") % {"max": CV_MAX_BYTES // (1024 * 1024)}}
        )
    problem = pdf_problem(data) if name.lower().endswith(".pdf") else PdfProblem.NOT_PDF
    if problem is PdfProblem.NOT_PDF:
        raise ValidationError({"cv": _("The CV must be a PDF file.")})
    if problem in REFUSAL_MESSAGES:
        raise ValidationError({"cv": REFUSAL_MESSAGES[problem]})
    with transaction.atomic():
        profile = CandidateProfile.objects.select_for_update().get(pk=profile.pk)
        old = profile.cv.name if profile.cv else ""
        profile.cv.save("cv.pdf", ContentFile(data), save=False)
        profile.cv_name = name[-255:]
        profile.updated_at = timezone.now()
        profile.save(update_fields=["cv", "cv_name", "updated_at"])
        if old:
            storage = profile.cv.storage
            transaction.on_commit(lambda: storage.delete(old))
    return profile


def candidate_cv_remove(*, profile: CandidateProfile, actor: User) -> None:
    if profile.person.user_id != actor.pk and not actor.is_staff:
        raise PermissionDenied("Only the candidate removes their CV.")
    with transaction.atomic():
        profile = CandidateProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.cv and profile.cv.name:
            old, storage = profile.cv.name, profile.cv.storage
            transaction.on_commit(lambda: storage.delete(old))
        profile.cv = ""
        profile.cv_name = ""
        profile.save(update_fields=["cv", "cv_name"])


def publications_import(
    *, profile: CandidateProfile, actor: User, name: str, data: bytes
) -> list[Publication]:
    """Add the publications of a BibTeX file or an ORCID record; titles already there are
    skipped. A file that cannot be read adds nothing."""
    if profile.person.user_id != actor.pk and not actor.is_staff:
        raise PermissionDenied("Only the candidate imports their publications.")
    if len(data) > PUBLICATIONS_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 1 MB.")})
    try:
        source, orcid, parsed = publications_parse(name, data)
    except PublicationsError as error:
        raise ValidationError(
            {"file": _("The file cannot be read: %(why)s") % {"why": error}}
        ) from None
    if not parsed:
        raise ValidationError({"file": _("No publication with a title was found in the file.")})
    with transaction.atomic():
        profile = CandidateProfile.objects.select_for_update().get(pk=profile.pk)
        known = {title.casefold() for title in profile.publications.values_list("title", flat=True)}
        added = []
        for item in parsed:
            if item.title.casefold() in known:
                continue
            known.add(item.title.casefold())
            added.append(
                Publication(
                    profile=profile,
                    title=item.title,
                    authors=item.authors,
                    venue=item.venue,
                    year=item.year,
                    doi=item.doi,
                    url=item.url,
                    source=source,
                )
            )
        Publication.objects.bulk_create(added)
        update = ["updated_at"]
        if orcid and not profile.orcid:
            profile.orcid = orcid
            update.append("orcid")
        profile.updated_at = timezone.now()
        profile.save(update_fields=update)
    return added


# --- candidates from outside the club ----------------------------------------------------------


def candidate_apply(
    *,
    contact_name: str,
    contact_email: str,
    needs: str,
    thesis_title: str,
    lab: str,
    supervisor: str = "",
    defence_on: dt.date | None = None,
    orcid: str = "",
    language: str = "fr",
    ip_hash: str = "",
) -> CandidateApplication:
    """A PhD candidate from outside asks to join: the desk's membership request (kind PhD),
    with the thesis details kept beside it until staff decide."""
    errors: dict[str, Any] = {}
    if not thesis_title.strip():
        errors["thesis_title"] = _("Give the title of your thesis.")
    if not lab.strip():
        errors["lab"] = _("Give your laboratory.")
    errors.update(_orcid_errors(orcid.strip()))
    with transaction.atomic():
        try:
            request = membership_request_submit(
                kind=RequestKind.PHD,
                contact_name=contact_name,
                contact_email=contact_email,
                needs=needs,
                job_title=gettext("PhD candidate"),
                language=language,
                ip_hash=ip_hash,
            )
        except ValidationError as error:
            errors = {**error.message_dict, **errors}
            raise ValidationError(errors) from None
        _raise_if(errors)
        application = CandidateApplication(
            request=request,
            thesis_title=thesis_title.strip(),
            lab=lab.strip(),
            supervisor=supervisor.strip(),
            defence_on=defence_on,
            orcid=orcid.strip(),
        )
        application.full_clean()
        application.save()
    return application


def candidate_application_accept(
    *, application: CandidateApplication, actor: User
) -> tuple[CandidateProfile, Invitation | None]:
    """Staff accept: the desk makes the person and their invitation, careers their profile."""
    with transaction.atomic():
        request, invitation = membership_request_accept(request=application.request, actor=actor)
        assert request.person is not None
        profile, _created = CandidateProfile.objects.get_or_create(
            person=request.person,
            defaults={
                "thesis_title": application.thesis_title,
                "lab": application.lab,
                "supervisor": application.supervisor,
                "defence_on": application.defence_on,
                "orcid": application.orcid,
                "languages": [request.language],
            },
        )
        application.profile = profile
        application.save(update_fields=["profile"])
    return profile, invitation


def membership_request_of(application: CandidateApplication) -> MembershipRequest:
    return application.request


# --- offers -------------------------------------------------------------------------------------

OFFER_FIELDS = (
    "title",
    "team",
    "level",
    "contract",
    "base",
    "work_place",
    "salary_min",
    "salary_max",
    "description",
    "language",
    "audience",
    "expires_on",
)


def offer_create(
    *,
    posted_by: Person,
    actor: User,
    skills: Sequence[tuple[Tag, int]] = (),
    today: dt.date | None = None,
    **fields: Any,
) -> Offer:
    """A recruiter posts an offer for their organisation; it waits for staff moderation."""
    viewer = viewer_for(actor)
    if not (viewer_is_recruiter(viewer) and viewer.person == posted_by):
        raise PermissionDenied("Only a recruiter of a member organisation posts an offer.")
    offer = Offer(
        organisation=posted_by.organisation,
        posted_by=posted_by,
        status=OfferStatus.PENDING,
        **_offer_values(fields),
    )
    levels = _offer_checked(offer, skills, today=today or timezone.localdate())
    with transaction.atomic():
        offer.save()
        OfferSkill.objects.bulk_create(
            OfferSkill(offer=offer, tag=tag, level=level) for tag, level in levels.values()
        )
    logger.info("offer %s posted by %s", offer.pk, posted_by.pk)
    return offer


def _offer_values(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(OFFER_FIELDS)
    if unknown:
        raise ValueError(f"Not offer fields: {', '.join(sorted(unknown))}")
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


def _offer_checked(
    offer: Offer, skills: Sequence[tuple[Tag, int]], *, today: dt.date
) -> dict[int, tuple[Tag, int]]:
    """Every refusal at once (ValidationError), else the skills wanted by tag."""
    errors: dict[str, Any] = {}
    if offer.salary_min and offer.salary_max and offer.salary_min > offer.salary_max:
        errors["salary_max"] = _("The top of the salary range is below its bottom.")
    if offer.expires_on and offer.expires_on <= today:
        errors["expires_on"] = _("The offer must expire in the future.")
    levels = {}
    for tag, level in skills:
        if not 1 <= int(level) <= 4:
            errors["skills"] = _("A skill level goes from 1 to 4.")
        levels[tag.pk] = (tag, int(level))
    try:
        offer.full_clean()
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    _raise_if(errors)
    return levels


# What staff read before publishing: a change to any of these sends a published offer
# back to moderation. The rest (level, contract, place, salary, language, expiry, skills)
# are facts picked from lists or numbers, edited in place: re-reading an offer because its
# closing date moved would only delay it.
OFFER_MODERATED_FIELDS = ("title", "team", "description", "audience")


def offer_update(
    *,
    offer: Offer,
    actor: User,
    skills: Sequence[tuple[Tag, int]] | None = None,
    today: dt.date | None = None,
    **fields: Any,
) -> tuple[Offer, bool]:
    """The organisation's recruiters (or staff) edit an offer that is not closed.

    Returns the offer and whether the edit sent it back to moderation: a published offer
    whose text changes is read again by staff before readers see it (a staff edit is
    already that reading). A rejected offer, edited, is sent for moderation again.
    `skills=None` keeps the skills wanted as they are.
    """
    values = _offer_values(fields)
    viewer = viewer_for(actor)
    with transaction.atomic():
        # Locked: a moderator deciding at the same moment sees this edit or none of it.
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if not (
            actor.is_staff
            or (viewer_is_recruiter(viewer) and viewer.organisation_id == offer.organisation_id)
        ):
            raise PermissionDenied("Only the organisation's recruiters or staff edit an offer.")
        if offer.status == OfferStatus.CLOSED:
            raise ValidationError(_("A closed offer cannot be edited."), code="closed")
        text_changed = any(
            name in values and values[name] != getattr(offer, name)
            for name in OFFER_MODERATED_FIELDS
        )
        for name, value in values.items():
            setattr(offer, name, value)
        levels = _offer_checked(offer, skills or (), today=today or timezone.localdate())
        back_to_moderation = not actor.is_staff and (
            offer.status == OfferStatus.REJECTED
            or (offer.status == OfferStatus.PUBLISHED and text_changed)
        )
        if back_to_moderation:
            offer.status = OfferStatus.PENDING
            offer.published_at = None
            offer.moderated_by = None
        offer.updated_at = timezone.now()
        offer.save()
        if skills is not None:
            offer.skills.all().delete()
            OfferSkill.objects.bulk_create(
                OfferSkill(offer=offer, tag=tag, level=level) for tag, level in levels.values()
            )
    logger.info(
        "offer %s edited by %s (moderation again: %s)", offer.pk, actor.pk, back_to_moderation
    )
    return offer, back_to_moderation


def offer_moderate(*, offer: Offer, actor: User, publish: bool, note: str = "") -> Offer:
    """Staff publish or reject an offer waiting for moderation; the poster hears either way."""
    if not actor.is_staff:
        raise PermissionDenied("Only staff moderate offers.")
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if offer.status != OfferStatus.PENDING:
            raise ValidationError(
                _("This offer was already moderated (%(status)s)."),
                params={"status": offer.get_status_display()},
                code="moderated",
            )
        now = timezone.now()
        offer.status = OfferStatus.PUBLISHED if publish else OfferStatus.REJECTED
        offer.moderated_by = actor
        offer.moderation_note = note.strip()[:2000]
        offer.published_at = now if publish else None
        offer.updated_at = now
        offer.save(
            update_fields=[
                "status",
                "moderated_by",
                "moderation_note",
                "published_at",
                "updated_at",
            ]
        )
        poster = offer.posted_by
        if poster is not None:
            with translation.override(person_language(poster)):
                subject = (
                    gettext("Your offer is published: %(title)s")
                    if publish
                    else gettext("Your offer was not published: %(title)s")
                ) % {"title": offer.title}
                text = "\n\n".join(
                    part
                    for part in (
                        subject,
                        offer.moderation_note,
                        _site_link(offer.get_absolute_url()),
                    )
                    if part
                )
            email_queue(
                to=[poster.email],
                subject=subject,
                text=text,
                # An edited offer is moderated again: one email per decision.
                key=f"careers:offer:{offer.pk}:moderated:{now:%Y%m%dT%H%M%S%f}",
            )
    return offer


def offer_close(*, offer: Offer, actor: User) -> Offer:
    viewer = viewer_for(actor)
    if not (
        actor.is_staff
        or (viewer_is_recruiter(viewer) and viewer.organisation_id == offer.organisation_id)
    ):
        raise PermissionDenied("Only the organisation's recruiters or staff close an offer.")
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        offer.status = OfferStatus.CLOSED
        offer.updated_at = timezone.now()
        offer.save(update_fields=["status", "updated_at"])
    return offer


# --- applications -----------------------------------------------------------------------------

# Who may move an application from one status to another.
RECRUITER_MOVES: dict[str, tuple[str, ...]] = {
    ApplicationStatus.SENT: (
        ApplicationStatus.SEEN,
        ApplicationStatus.INTERVIEW,
        ApplicationStatus.DECLINED,
    ),
    ApplicationStatus.SEEN: (ApplicationStatus.INTERVIEW, ApplicationStatus.DECLINED),
    ApplicationStatus.INTERVIEW: (ApplicationStatus.OFFER, ApplicationStatus.DECLINED),
    ApplicationStatus.OFFER: (ApplicationStatus.HIRED, ApplicationStatus.DECLINED),
    ApplicationStatus.HIRED: (),
    ApplicationStatus.DECLINED: (),
}
# The candidate may withdraw at any open step.
CANDIDATE_MOVES: dict[str, tuple[str, ...]] = {
    status: (ApplicationStatus.DECLINED,) if status not in ("hired", "declined") else ()
    for status in ApplicationStatus.values
}


def application_moves_for(*, application: JobApplication, viewer: Viewer) -> tuple[str, ...]:
    from compagnon.careers.selectors import viewer_manages_offer

    if viewer_manages_offer(viewer, application.offer):
        return RECRUITER_MOVES[application.status]
    if viewer.person is not None and application.candidate.person_id == viewer.person.pk:
        return CANDIDATE_MOVES[application.status]
    return ()


def application_create(
    *, offer: Offer, candidate: CandidateProfile, actor: User, note: str = ""
) -> JobApplication:
    """The candidate applies to a live offer they may read; once per offer."""
    if candidate.person.user_id != actor.pk:
        raise PermissionDenied("Only the candidate applies.")
    if not offers_visible_to(viewer_for(actor)).filter(pk=offer.pk).exists():
        raise ValidationError(_("This offer is closed or has expired."), code="closed")
    with transaction.atomic():
        try:
            with transaction.atomic():
                application = JobApplication.objects.create(
                    offer=offer, candidate=candidate, note=note.strip()[:2000]
                )
        except IntegrityError:
            raise ValidationError(
                _("You have already applied to this offer."), code="duplicate"
            ) from None
        ApplicationMove.objects.create(
            application=application, from_status="", to_status=ApplicationStatus.SENT, actor=actor
        )
        poster = offer.posted_by
        if poster is not None:
            with translation.override(person_language(poster)):
                subject = gettext("New application for %(title)s") % {"title": offer.title}
                text = subject + "\n\n" + _site_link(reverse("careers:pipeline"))
            email_queue(
                to=[poster.email],
                subject=subject,
                text=text,
                key=f"careers:application:{application.pk}:sent",
            )
    return application


def application_move(
    *, application: JobApplication, to_status: str, actor: User, now: dt.datetime | None = None
) -> JobApplication:
    now = now or timezone.now()
    viewer = viewer_for(actor)
    with transaction.atomic():
        application = (
            JobApplication.objects.select_for_update(of=("self",))
            .select_related("offer", "candidate__person")
            .get(pk=application.pk)
        )
        allowed = application_moves_for(application=application, viewer=viewer)
        if to_status not in allowed:
            raise ValidationError(
                _("An application cannot go from “%(from)s” to “%(to)s”."),
                params={
                    "from": application.get_status_display(),
                    "to": ApplicationStatus(to_status).label
                    if to_status in ApplicationStatus.values
                    else to_status,
                },
                code="move",
            )
        previous = application.status
        application.status = to_status
        application.updated_at = now
        if to_status == ApplicationStatus.HIRED:
            application.hired_at = now
        application.save(update_fields=["status", "updated_at", "hired_at"])
        ApplicationMove.objects.create(
            application=application, from_status=previous, to_status=to_status, actor=actor, at=now
        )
        candidate = application.candidate.person
        if candidate.user_id != actor.pk:
            with translation.override(person_language(candidate)):
                subject = gettext("Your application for %(title)s: %(status)s") % {
                    "title": application.offer.title,
                    "status": application.get_status_display(),
                }
                text = subject + "\n\n" + _site_link(reverse("careers:mine"))
            email_queue(
                to=[candidate.email],
                subject=subject,
                text=text,
                key=f"careers:application:{application.pk}:{to_status}",
            )
    return application


# --- conversations -------------------------------------------------------------------------------


def _message_email(*, thread: Thread, message: Message) -> None:
    """Relay a message by email. To the candidate: from the platform, the recruiter named.
    To the recruiter: the candidate's address only once they have replied (Reply-To)."""
    link = _site_link(reverse("careers:thread", kwargs={"pk": thread.pk}))
    candidate = thread.candidate.person
    recruiter = thread.recruiter
    if message.from_candidate:
        to, language = recruiter, person_language(recruiter)
        headers = {"Reply-To": candidate.email}
        sender = candidate.full_name
    else:
        to, language = candidate, person_language(candidate)
        headers = {}
        sender = f"{recruiter.full_name} ({recruiter.organisation})"
    with translation.override(language):
        subject = gettext("%(site)s: a message from %(sender)s") % {
            "site": settings.SITE_NAME,
            "sender": sender,
        }
        text = "\n\n".join(
            [
                message.body,
                "—",
                gettext("Answer on the platform: %(link)s") % {"link": link},
            ]
        )
    email_queue(
        to=[to.email],
        subject=subject,
        text=text,
        headers=headers,
        key=f"careers:message:{message.pk}",
    )


def thread_start(
    *,
    recruiter: Person,
    candidate: CandidateProfile,
    actor: User,
    body: str,
    offer: Offer | None = None,
) -> Thread:
    """A recruiter writes to a consenting candidate; the platform relays it by email."""
    viewer = viewer_for(actor)
    if not (viewer_is_recruiter(viewer) and viewer.person == recruiter):
        raise PermissionDenied("Only a recruiter writes to candidates.")
    if not candidate.consents_to_recruiters:
        raise ValidationError(_("This candidate does not take messages from recruiters."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if offer is not None and offer.organisation_id != recruiter.organisation_id:
        raise PermissionDenied("An offer of another organisation.")
    with transaction.atomic():
        thread = Thread.objects.create(candidate=candidate, recruiter=recruiter, offer=offer)
        message = Message.objects.create(thread=thread, body=body[:5000])
        _message_email(thread=thread, message=message)
    return thread


def message_send(*, thread: Thread, actor: User, body: str) -> Message:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    person = viewer_for(actor).person
    from_candidate = person is not None and thread.candidate.person_id == person.pk
    if not from_candidate and not (person is not None and thread.recruiter_id == person.pk):
        raise PermissionDenied("Not a party to this conversation.")
    with transaction.atomic():
        thread = (
            Thread.objects.select_for_update(of=("self",))
            .select_related("candidate__person", "recruiter__organisation")
            .get(pk=thread.pk)
        )
        message = Message.objects.create(
            thread=thread, body=body[:5000], from_candidate=from_candidate
        )
        if from_candidate and thread.candidate_replied_at is None:
            thread.candidate_replied_at = message.sent_at
            thread.save(update_fields=["candidate_replied_at"])
        _message_email(thread=thread, message=message)
    return message


def candidate_access_log(
    *, viewer: Viewer, candidates: Iterable[CandidateProfile], kind: str
) -> int:
    """Record that a recruiter saw these candidates (staff and the candidate are not logged)."""
    if not viewer_is_recruiter(viewer) or kind not in AccessKind.values:
        return 0
    own = viewer.person.pk if viewer.person else None
    rows = [
        CandidateAccess(
            candidate=candidate,
            viewer=viewer.user,
            organisation_id=viewer.organisation_id,
            kind=kind,
        )
        for candidate in candidates
        if candidate.person_id != own
    ]
    CandidateAccess.objects.bulk_create(rows)
    return len(rows)


# --- recruitment sessions ---------------------------------------------------------------------


def _slot_taken(slot: SessionSlot) -> int:
    return SlotBooking.objects.filter(slot=slot).count()


def slot_book(
    *, slot: SessionSlot, candidate: CandidateProfile, actor: User | None = None
) -> SlotBooking:
    """Book a slot for a candidate. The slot row is locked, then its bookings counted: two
    candidates clicking at once cannot both get it. The candidate row is locked too, so the
    same candidate cannot book two slots that overlap."""
    if actor is not None and candidate.person.user_id != actor.pk and not actor.is_staff:
        raise PermissionDenied("Only the candidate books their slots.")
    if not candidate.consents_to_recruiters:
        raise ValidationError(_("Make your profile visible to recruiters to book a meeting."))
    with transaction.atomic():
        if LOCK_SLOTS:
            slot = SessionSlot.objects.select_for_update().get(pk=slot.pk)
            CandidateProfile.objects.select_for_update().filter(pk=candidate.pk).first()
        if slot.starts_at <= timezone.now():
            raise ValidationError(_("This slot has already begun: choose a later one."))
        if _slot_taken(slot) >= SLOT_CAPACITY:
            raise ValidationError(_("This slot was just taken: choose another."), code="taken")
        overlapping = SlotBooking.objects.filter(
            candidate=candidate,
            slot__starts_at__lt=slot.ends_at,
            slot__ends_at__gt=slot.starts_at,
        ).exists()
        if overlapping:
            raise ValidationError(_("You already have a meeting at that time."), code="overlap")
        booking = SlotBooking.objects.create(slot=slot, candidate=candidate)
    return booking


def slot_cancel(*, booking: SlotBooking, actor: User) -> None:
    if booking.candidate.person.user_id != actor.pk and not actor.is_staff:
        raise PermissionDenied("Only the candidate cancels their slot.")
    with transaction.atomic():
        SlotBooking.objects.filter(pk=booking.pk).delete()


# --- help to recruit ----------------------------------------------------------------------------

PROFILE_WANTED = {
    "data_scientist": _("Data scientist"),
    "data_engineer": _("Data engineer"),
    "data_analyst": _("Data analyst"),
}


def recruitment_help_request(
    *,
    person: Person,
    actor: User,
    title: str,
    profile_wanted: str,
    job_description: str,
    tags: Iterable[Tag] = (),
    language: str = "fr",
) -> RecruitmentHelp:
    """A member asks for help recruiting: a case of format « recruitment » in the cases app,
    with the draft job description beside it."""
    from compagnon.cases.models import CaseFormat, CaseSource
    from compagnon.cases.services import case_create

    errors: dict[str, Any] = {}
    if profile_wanted not in PROFILE_WANTED:
        errors["profile_wanted"] = _("Choose the profile you recruit.")
    if not job_description.strip():
        errors["job_description"] = _("Paste the draft job description.")
    _raise_if(errors)
    with transaction.atomic():
        case = case_create(
            brought_by=person,
            filed_by=actor,
            source=CaseSource.WEB,
            tags=list(tags),
            title=title,
            description=gettext("Help to recruit a %(profile)s.")
            % {"profile": PROFILE_WANTED[profile_wanted]}
            + "\n\n"
            + job_description.strip(),
            format=CaseFormat.RECRUITMENT,
            language=language,
        )
        help_request = RecruitmentHelp.objects.create(
            case=case, profile_wanted=profile_wanted, job_description=job_description.strip()
        )
    return help_request


def help_comment_add(*, help_request: RecruitmentHelp, author: Person, body: str) -> HelpComment:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment.")})
    with transaction.atomic():
        comment = HelpComment.objects.create(help=help_request, author=author, body=body[:5000])
    return comment


def shortlist_add(
    *, help_request: RecruitmentHelp, candidate: CandidateProfile, actor: User
) -> ShortlistEntry:
    if not actor.is_staff:
        raise PermissionDenied("Staff draw the shortlist.")
    if not candidate.consents_to_recruiters:
        raise ValidationError(_("This candidate does not take part in recruitments."))
    with transaction.atomic():
        entry, _created = ShortlistEntry.objects.get_or_create(
            help=help_request, candidate=candidate, defaults={"added_by": actor}
        )
    return entry


# --- sessions set up by staff (the admin) ----------------------------------------------------


def _staff_only(actor: User) -> None:
    if not actor.is_staff:
        raise PermissionDenied(_("Only the club's staff set up recruitment sessions."))


def recruitment_session_save(*, session: RecruitmentSession, actor: User) -> RecruitmentSession:
    """Staff create or edit a recruitment session; its slots are saved by `session_slot_save`."""
    _staff_only(actor)
    if session.ends_at <= session.starts_at:
        raise ValidationError({"ends_at": _("A session ends after it starts.")})
    with transaction.atomic():
        session.save()
    return session


def session_slot_check(*, slot: SessionSlot) -> None:
    """Refuse a slot that ends before it starts, or a booked slot moved (its time is a
    promise to the candidate); the admin's form asks before saving."""
    if slot.starts_at and slot.ends_at and slot.ends_at <= slot.starts_at:
        raise ValidationError({"ends_at": _("A slot ends after it starts.")})
    if slot.pk is None:
        return
    before = SessionSlot.objects.filter(pk=slot.pk).values_list(
        "starts_at", "ends_at", "organisation_id"
    )
    moved = list(before) != [(slot.starts_at, slot.ends_at, slot.organisation_id)]
    if moved and SlotBooking.objects.filter(slot_id=slot.pk).exists():
        raise ValidationError(_("This slot is booked: cancel its booking before moving it."))


def session_slot_save(*, slot: SessionSlot, actor: User) -> SessionSlot:
    """Staff add a slot, or move one nobody booked yet."""
    _staff_only(actor)
    with transaction.atomic():
        if slot.pk is not None:
            SessionSlot.objects.select_for_update().filter(pk=slot.pk).first()
        session_slot_check(slot=slot)
        slot.save()
    return slot


def session_slot_delete(*, slot: SessionSlot, actor: User) -> None:
    _staff_only(actor)
    with transaction.atomic():
        locked = SessionSlot.objects.select_for_update().get(pk=slot.pk)
        if locked.bookings.exists():
            raise ValidationError(_("This slot is booked: cancel its booking before removing it."))
        locked.delete()
