"""Who reaches each careers URL.

manager_a is a recruiter of organisation A (an organisation manager); member_b is a
candidate who lets recruiters see them and applied to A's public offer; a hidden
candidate is seen by staff only; A's members-only offer is 404 to non-members and
A's pending offer is A's recruiters' and staff's only. member_a asked for help to
recruit (a case of format « recruitment »). The candidate's address never shows to
the recruiter before the candidate replies.
"""

from __future__ import annotations

from compagnon.core.tests.urltable import (
    LOGIN,
    REDIRECT,
    Case,
    everyone,
    members_only,
    signed_in,
    staff_only,
)


def _careers(world):
    if hasattr(world, "careers"):
        return world.careers
    from types import SimpleNamespace

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from compagnon.careers.models import (
        CandidateApplication,
        CandidateVisibility,
        JobApplication,
        Message,
        OfferAudience,
        OfferStatus,
        RecruitmentHelp,
        Thread,
    )
    from compagnon.careers.tests.factories import (
        PDF,
        CandidateFactory,
        OfferFactory,
        SessionFactory,
        slots,
    )
    from compagnon.cases.models import Case as CaseRecord
    from compagnon.cases.models import CaseFormat
    from compagnon.desk.models import MembershipRequest, RequestKind

    offer = OfferFactory(organisation=world.org_a, posted_by=world.manager_a)
    members_offer = OfferFactory(
        organisation=world.org_a, posted_by=world.manager_a, audience=OfferAudience.MEMBERS
    )
    pending = OfferFactory(
        organisation=world.org_a, posted_by=world.manager_a, status=OfferStatus.PENDING
    )
    candidate = CandidateFactory(person=world.member_b)
    candidate.cv.save("cv.pdf", ContentFile(PDF))
    hidden = CandidateFactory(visibility=CandidateVisibility.HIDDEN)
    application = JobApplication.objects.create(offer=offer, candidate=candidate)
    thread = Thread.objects.create(candidate=candidate, recruiter=world.manager_a, offer=offer)
    Message.objects.create(thread=thread, body="Would you meet our team?")
    session = SessionFactory()
    session.organisations.add(world.org_a)
    slot = slots(session, world.org_a, 1)[0]
    case = CaseRecord.objects.create(
        title="Recruit a data engineer",
        description="Help us.",
        brought_by=world.member_a,
        organisation=world.org_a,
        format=CaseFormat.RECRUITMENT,
        status="draft",
    )
    help_request = RecruitmentHelp.objects.create(
        case=case, profile_wanted="data_engineer", job_description="We need pipelines."
    )
    request = MembershipRequest.objects.create(
        kind=RequestKind.PHD,
        contact_name="Paula Doc",
        contact_email="paula@univ.example",
        needs="A first job.",
        created_at=timezone.now(),
    )
    outside = CandidateApplication.objects.create(
        request=request, thesis_title="Graphs", lab="LIRIS"
    )
    world.careers = SimpleNamespace(
        offer=offer,
        members_offer=members_offer,
        pending=pending,
        candidate=candidate,
        hidden=hidden,
        application=application,
        thread=thread,
        session=session,
        slot=slot,
        help=help_request,
        outside=outside,
    )
    return world.careers


def _pk(attribute):
    return lambda world: {"pk": getattr(_careers(world), attribute).pk}


def _world_made(world):
    _careers(world)
    return {}


POST_ONLY = everyone(405)
RECRUITER_A = {**everyone(404), "anonymous": LOGIN, "manager_a": 200, "staff": 200}
RECRUITER_A_POST = {**RECRUITER_A, "manager_a": REDIRECT, "staff": REDIRECT}
ONLY_RECRUITERS = {**signed_in(403), "manager_a": 200}
CANDIDATE_B = {**RECRUITER_A, "member_b": 200}
MEMBERS_ONLY_OFFER = {**members_only(200, guest=404), "anonymous": 404}
OWN_PROFILE_POST = {
    **members_only(404, guest=403),
    "member_b": REDIRECT,
}
HELP = {**RECRUITER_A, "member_a": 200}
HELP_POST = {**HELP, "member_a": REDIRECT, "manager_a": REDIRECT, "staff": REDIRECT}
MEMBER_POST = {**members_only(REDIRECT, guest=403)}

URL_TABLE = {
    "careers:index": Case(everyone(200)),
    "careers:offer_detail": [
        Case(everyone(200), kwargs=_pk("offer"), note="public offer"),
        Case(MEMBERS_ONLY_OFFER, kwargs=_pk("members_offer"), note="members-only offer"),
        Case(
            {**RECRUITER_A, "anonymous": 404}, kwargs=_pk("pending"), note="waiting for moderation"
        ),
    ],
    "careers:offer_new": Case(ONLY_RECRUITERS),
    "careers:offer_edit": [
        Case(RECRUITER_A, kwargs=_pk("offer"), note="the organisation's recruiters and staff"),
        Case(
            {**RECRUITER_A, "manager_a": 200, "staff": 200},
            method="post",
            kwargs=_pk("pending"),
            note="an empty form is refused with messages",
        ),
    ],
    "careers:offer_candidates": Case(
        RECRUITER_A,
        kwargs=_pk("offer"),
        note="matches: never the candidate's address",
        hides=lambda w: [w.member_b.email],
        hidden_from=("manager_a",),
    ),
    "careers:offer_apply": [
        Case(POST_ONLY, kwargs=_pk("offer")),
        Case(signed_in(REDIRECT), method="post", kwargs=_pk("offer")),
    ],
    "careers:offer_close": [
        Case(POST_ONLY, kwargs=_pk("offer")),
        Case(RECRUITER_A_POST, method="post", kwargs=_pk("offer")),
    ],
    "careers:moderation": Case(staff_only()),
    "careers:offer_moderate": [
        Case(POST_ONLY, kwargs=_pk("pending")),
        Case(
            staff_only(REDIRECT),
            method="post",
            kwargs=_pk("pending"),
            data=lambda w: {"decision": "publish"},
        ),
    ],
    "careers:candidate_application_accept": [
        Case(POST_ONLY, kwargs=_pk("outside")),
        Case(staff_only(REDIRECT), method="post", kwargs=_pk("outside")),
    ],
    "careers:join": Case(everyone(200)),
    "careers:join_done": Case(everyone(200)),
    "careers:profile": Case(members_only()),
    "careers:cv_upload": [
        Case(POST_ONLY),
        Case(OWN_PROFILE_POST, method="post", data=_world_made, note="member_b has a profile"),
    ],
    "careers:cv_remove": [
        Case(POST_ONLY),
        Case(OWN_PROFILE_POST, method="post", data=_world_made),
    ],
    "careers:publications_import": [
        Case(POST_ONLY),
        Case(OWN_PROFILE_POST, method="post", data=_world_made),
    ],
    "careers:candidate_detail": [
        Case(
            CANDIDATE_B,
            kwargs=_pk("candidate"),
            note="visible to recruiters; the address stays hidden",
            hides=lambda w: [w.member_b.email],
            hidden_from=("manager_a",),
        ),
        Case(
            {**everyone(404), "anonymous": LOGIN, "staff": 200},
            kwargs=_pk("hidden"),
            note="hidden: staff only",
        ),
    ],
    "careers:candidate_cv": Case(CANDIDATE_B, kwargs=_pk("candidate"), note="never public"),
    "careers:candidate_message": [
        Case(POST_ONLY, kwargs=_pk("candidate")),
        Case(
            {
                **everyone(404),
                "anonymous": LOGIN,
                "manager_a": REDIRECT,
                "member_b": 403,
                "staff": 403,
            },
            method="post",
            kwargs=_pk("candidate"),
            data=lambda w: {"body": "Hello"},
        ),
    ],
    "careers:mine": Case(signed_in(200)),
    "careers:pipeline": Case(ONLY_RECRUITERS),
    "careers:application_move": [
        Case(POST_ONLY, kwargs=_pk("application")),
        Case(
            {**RECRUITER_A_POST, "member_b": REDIRECT},
            method="post",
            kwargs=_pk("application"),
            data=lambda w: {"to_status": "seen"},
        ),
    ],
    "careers:thread": Case(
        {**everyone(404), "anonymous": LOGIN, "manager_a": 200, "member_b": 200},
        kwargs=_pk("thread"),
        note="before the candidate replies, the recruiter does not see the address",
        hides=lambda w: [w.member_b.email],
        hidden_from=("manager_a",),
    ),
    "careers:sessions": Case(everyone(200)),
    "careers:session_detail": Case(
        everyone(200), kwargs=lambda w: {"slug": _careers(w).session.slug}
    ),
    "careers:session_ics": Case(
        members_only(), kwargs=lambda w: {"slug": _careers(w).session.slug}
    ),
    "careers:slot_book": [
        Case(POST_ONLY, kwargs=_pk("slot")),
        Case(MEMBER_POST, method="post", kwargs=_pk("slot")),
    ],
    "careers:help_new": Case(members_only()),
    "careers:help_detail": Case(HELP, kwargs=_pk("help")),
    "careers:help_comment": [
        Case(POST_ONLY, kwargs=_pk("help")),
        Case(HELP_POST, method="post", kwargs=_pk("help"), data=lambda w: {"body": "Add SQL."}),
    ],
    "careers:help_shortlist": [
        Case(POST_ONLY, kwargs=_pk("help")),
        Case(
            staff_only(REDIRECT),
            method="post",
            kwargs=_pk("help"),
            data=lambda w: {"candidate": _careers(w).candidate.pk},
        ),
    ],
}
