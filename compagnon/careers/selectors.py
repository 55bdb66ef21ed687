"""Reads of careers, with who may see what in one place.

- A **recruiter** is a current employee of an active member organisation who manages it
  or works in HR (`viewer_is_recruiter`); staff may do what recruiters do.
- An **offer** is readable by everyone once published and not expired when public, by
  members when members-only; its organisation's recruiters and staff read it in any state.
- A **candidate** is seen by the whole club (visibility "club"), by recruiters and staff
  (visibility "recruiters"), or by staff only (hidden); always by themselves.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from compagnon.careers.models import (
    ApplicationStatus,
    CandidateApplication,
    CandidateProfile,
    CandidateVisibility,
    JobApplication,
    Offer,
    OfferAudience,
    OfferSkill,
    OfferStatus,
    RecruitmentHelp,
    RecruitmentSession,
    SessionSlot,
    ShortlistEntry,
    SlotBooking,
    Thread,
)
from compagnon.desk.models import RequestKind, RequestStatus
from compagnon.members.models import MembershipStatus, MembershipType, RoleFamily
from compagnon.members.selectors import Viewer

RECRUITER_ROLES = (RoleFamily.HR, RoleFamily.MANAGER)


def viewer_is_recruiter(viewer: Viewer) -> bool:
    person = viewer.person
    return bool(
        viewer.is_member
        and person is not None
        and person.membership_type == MembershipType.EMPLOYEE
        and person.organisation is not None
        and person.organisation.status == MembershipStatus.ACTIVE
        and (person.is_org_manager or person.role_family in RECRUITER_ROLES)
    )


def viewer_sees_candidates(viewer: Viewer) -> bool:
    return viewer.is_staff or viewer_is_recruiter(viewer)


def today() -> dt.date:
    return timezone.localdate()


# --- offers -----------------------------------------------------------------------------------


def _offers_with_skills(queryset: QuerySet[Offer]) -> QuerySet[Offer]:
    return queryset.select_related("organisation", "base").prefetch_related(
        Prefetch("skills", queryset=OfferSkill.objects.select_related("tag"))
    )


def offers_live(*, on: dt.date | None = None) -> QuerySet[Offer]:
    return Offer.objects.filter(status=OfferStatus.PUBLISHED, expires_on__gte=on or today())


def offers_visible_to(viewer: Viewer) -> QuerySet[Offer]:
    """The published, unexpired offers this viewer may read."""
    offers = offers_live()
    if not viewer.is_member:
        offers = offers.filter(audience=OfferAudience.PUBLIC)
    return _offers_with_skills(offers)


def viewer_manages_offer(viewer: Viewer, offer: Offer) -> bool:
    if viewer.is_staff:
        return True
    return viewer_is_recruiter(viewer) and viewer.organisation_id == offer.organisation_id


def offer_for_viewer(viewer: Viewer, pk: int) -> Offer:
    offer = _offers_with_skills(Offer.objects.filter(pk=pk)).first()
    if offer is None:
        raise Http404
    if viewer_manages_offer(viewer, offer):
        return offer
    if not offers_visible_to(viewer).filter(pk=pk).exists():
        raise Http404
    return offer


def offer_managed_by(viewer: Viewer, pk: int) -> Offer:
    offer = _offers_with_skills(Offer.objects.filter(pk=pk)).first()
    if offer is None or not viewer_manages_offer(viewer, offer):
        raise Http404
    return offer


def offers_of_organisation(viewer: Viewer) -> QuerySet[Offer]:
    organisation_id = viewer.organisation_id
    if not viewer_is_recruiter(viewer) or organisation_id is None:
        return Offer.objects.none()
    return _offers_with_skills(Offer.objects.filter(organisation_id=organisation_id)).annotate(
        application_count=Count("applications")
    )


def offers_pending() -> QuerySet[Offer]:
    return _offers_with_skills(Offer.objects.filter(status=OfferStatus.PENDING)).order_by(
        "created_at", "pk"
    )


# --- candidates -------------------------------------------------------------------------------


def profile_of(viewer: Viewer) -> CandidateProfile | None:
    if viewer.person is None:
        return None
    return (
        CandidateProfile.objects.filter(person=viewer.person)
        .select_related("person")
        .prefetch_related("bases", "publications")
        .first()
    )


def candidates_visible_to(viewer: Viewer) -> QuerySet[CandidateProfile]:
    profiles = CandidateProfile.objects.select_related("person")
    if viewer.is_staff:
        return profiles
    own = Q(person_id=viewer.person.pk) if viewer.person else Q(pk__in=[])
    if viewer_is_recruiter(viewer):
        return profiles.filter(
            own | Q(visibility__in=[CandidateVisibility.CLUB, CandidateVisibility.RECRUITERS])
        )
    if viewer.is_member:
        return profiles.filter(own | Q(visibility=CandidateVisibility.CLUB))
    return profiles.filter(own)


def candidate_for_viewer(viewer: Viewer, pk: int) -> CandidateProfile:
    profile = (
        candidates_visible_to(viewer)
        .filter(pk=pk)
        .select_related("person__base")
        .prefetch_related("bases", "publications", "person__skills__tag")
        .first()
    )
    if profile is None:
        raise Http404
    return profile


def candidate_cv_for_viewer(viewer: Viewer, pk: int) -> CandidateProfile:
    """The CV: its owner, staff, and recruiters of a consenting candidate; never public."""
    profile = candidate_for_viewer(viewer, pk)
    is_owner = viewer.person is not None and profile.person_id == viewer.person.pk
    if not profile.cv or not (
        is_owner
        or viewer.is_staff
        or (viewer_is_recruiter(viewer) and profile.consents_to_recruiters)
    ):
        raise Http404
    return profile


def candidate_application_of(viewer: Viewer) -> CandidateApplication | None:
    """The thesis details a candidate gave when asking to join (accepted on the desk's own
    page, the profile is not made yet: the profile form starts from them)."""
    if viewer.person is None:
        return None
    return CandidateApplication.objects.filter(
        request__person=viewer.person, profile__isnull=True
    ).first()


def candidate_applications_pending() -> QuerySet[CandidateApplication]:
    return CandidateApplication.objects.filter(
        request__kind=RequestKind.PHD, request__status=RequestStatus.PENDING
    ).select_related("request")


# --- pipelines and conversations --------------------------------------------------------------


def pipeline_of_organisation(viewer: Viewer) -> QuerySet[JobApplication]:
    # Every application here was sent by its candidate (`application_create`), so it stays
    # visible to the recruiter even once the candidate hides their profile.
    organisation_id = viewer.organisation_id
    if not viewer_is_recruiter(viewer) or organisation_id is None:
        return JobApplication.objects.none()
    return JobApplication.objects.filter(offer__organisation_id=organisation_id).select_related(
        "offer", "candidate__person"
    )


def pipeline_of_candidate(profile: CandidateProfile) -> QuerySet[JobApplication]:
    return JobApplication.objects.filter(candidate=profile).select_related(
        "offer__organisation", "candidate"
    )


def application_for_viewer(viewer: Viewer, pk: int) -> JobApplication:
    application = (
        JobApplication.objects.select_related("offer__organisation", "candidate__person")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    is_candidate = viewer.person is not None and application.candidate.person_id == viewer.person.pk
    if not (is_candidate or viewer_manages_offer(viewer, application.offer)):
        raise Http404
    return application


def threads_of(viewer: Viewer) -> QuerySet[Thread]:
    if viewer.person is None:
        return Thread.objects.none()
    return (
        Thread.objects.filter(Q(recruiter=viewer.person) | Q(candidate__person=viewer.person))
        .select_related("candidate__person", "recruiter__organisation", "offer")
        .annotate(message_count=Count("messages"))
    )


def thread_for_viewer(viewer: Viewer, pk: int) -> Thread:
    thread = threads_of(viewer).filter(pk=pk).first()
    if thread is None:
        raise Http404
    return thread


# --- placements (read by insights) ------------------------------------------------------------


def placements(
    *, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> QuerySet[JobApplication]:
    """Hires made through the platform: each application marked hired is one placement."""
    hired = JobApplication.objects.filter(status=ApplicationStatus.HIRED, hired_at__isnull=False)
    if since is not None:
        hired = hired.filter(hired_at__gte=since)
    if until is not None:
        hired = hired.filter(hired_at__lt=until)
    return hired


def placements_count(
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    organisation_id: int | None = None,
) -> int:
    """Hires in the window; with `organisation_id`, the hires that organisation made."""
    hired = placements(since=since, until=until)
    if organisation_id is not None:
        hired = hired.filter(offer__organisation_id=organisation_id)
    return hired.count()


# --- sessions --------------------------------------------------------------------------------


def sessions_upcoming() -> QuerySet[RecruitmentSession]:
    return RecruitmentSession.objects.filter(ends_at__gte=timezone.now()).prefetch_related(
        "organisations"
    )


def session_by_slug(slug: str) -> RecruitmentSession:
    session = RecruitmentSession.objects.prefetch_related("organisations").filter(slug=slug).first()
    if session is None:
        raise Http404
    return session


def session_slots(session: RecruitmentSession) -> QuerySet[SessionSlot]:
    return (
        session.slots.select_related("organisation")
        .annotate(booking_count=Count("bookings"))
        .order_by("starts_at", "organisation__name", "pk")
    )


def schedule_of(viewer: Viewer, session: RecruitmentSession) -> QuerySet[SlotBooking]:
    """A candidate's bookings, or a recruiter's organisation's, at this session."""
    bookings = SlotBooking.objects.filter(slot__session=session).select_related(
        "slot__organisation", "candidate__person"
    )
    if viewer.person is None:
        return bookings.none()
    mine = Q(candidate__person=viewer.person)
    if viewer_is_recruiter(viewer):
        # A candidate who has since hidden their profile is no longer shown to recruiters.
        mine |= Q(slot__organisation_id=viewer.organisation_id) & ~Q(
            candidate__visibility=CandidateVisibility.HIDDEN
        )
    return bookings.filter(mine)


# --- help to recruit -------------------------------------------------------------------------


def help_for_viewer(viewer: Viewer, pk: int) -> RecruitmentHelp:
    """The case's bringer and their organisation's managers, staff, and the experts invited
    to the case read it; 404 for everyone else."""
    help_request = (
        RecruitmentHelp.objects.select_related("case__brought_by", "case__organisation")
        .filter(pk=pk)
        .first()
    )
    if help_request is None or not viewer_may_comment_help(viewer, help_request):
        raise Http404
    return help_request


def shortlist_for_viewer(viewer: Viewer, help_request: RecruitmentHelp) -> QuerySet[ShortlistEntry]:
    """The candidates staff proposed for this help request.

    Proposed, not applied: a candidate who has since hidden their profile leaves the
    recruiter's shortlist (staff still see the entry). An application the candidate sent
    stays in the recruiter's pipeline (`pipeline_of_organisation`): they chose to send it.
    """
    entries = help_request.shortlist.select_related("candidate__person")
    if viewer.is_staff:
        return entries
    return entries.exclude(candidate__visibility=CandidateVisibility.HIDDEN)


def viewer_may_comment_help(viewer: Viewer, help_request: RecruitmentHelp) -> bool:
    if viewer.is_staff:
        return True
    person = viewer.person
    if person is None or not viewer.is_member:
        return False
    case = help_request.case
    if case.brought_by_id == person.pk:
        return True
    if (
        person.is_org_manager
        and case.organisation_id
        and person.organisation_id == case.organisation_id
    ):
        return True
    return case.invitations.filter(person=person).exists()
