"""Careers pages. Thin: reads from `selectors`, writes through `services`.

Who sees what lives in the selectors (404 for what is not yours); recruiters' looks at
candidates are logged through `services.candidate_access_log`.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.careers import selectors, services
from compagnon.careers.calendars import schedule_ics
from compagnon.careers.forms import (
    ApplyForm,
    CandidateApplyForm,
    CommentForm,
    FileForm,
    HelpForm,
    MessageForm,
    ModerateForm,
    MoveForm,
    OfferForm,
    ProfileForm,
)
from compagnon.careers.jobposting import job_posting
from compagnon.careers.matching import candidates_for_offer, offers_for_candidate
from compagnon.careers.models import (
    AccessKind,
    CandidateApplication,
    CandidateProfile,
    Offer,
    OfferStatus,
    SessionSlot,
)
from compagnon.core.markdown import render_markdown
from compagnon.core.permissions import staff_required
from compagnon.core.ratelimit import rate_limited_response
from compagnon.core.storage import private_download
from compagnon.desk.ratelimit import public_post_decision, request_ip_hash
from compagnon.members.permissions import member_required, signed_in_viewer
from compagnon.members.selectors import Viewer, viewer_for


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _flash_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _recruiter(viewer: Viewer) -> None:
    if not (viewer.is_staff or selectors.viewer_is_recruiter(viewer)):
        raise PermissionDenied


# --- offers -------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    return render(
        request,
        "careers/index.html",
        {
            "offers": selectors.offers_visible_to(viewer),
            "is_recruiter": selectors.viewer_is_recruiter(viewer),
            "viewer": viewer,
        },
    )


def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    offer = selectors.offer_for_viewer(viewer, pk)
    profile = selectors.profile_of(viewer)
    live = selectors.offers_live().filter(pk=offer.pk).exists()
    jsonld = ""
    if live:
        # Data, not code: `<` `>` `&` escaped so no text in the offer can close the tag.
        text = json.dumps(job_posting(offer, request), ensure_ascii=False)
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        jsonld = mark_safe(text)  # escaped just above: JSON only, no tag can close
    return render(
        request,
        "careers/offer_detail.html",
        {
            "offer": offer,
            "description": render_markdown(offer.description, heading_offset=1),
            "jsonld": jsonld,
            "live": live,
            "profile": profile,
            "manages": selectors.viewer_manages_offer(viewer, offer),
            "already_applied": profile is not None
            and offer.applications.filter(candidate=profile).exists(),
            "apply_form": ApplyForm(),
        },
    )


@signed_in_viewer
def offer_new(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    if not selectors.viewer_is_recruiter(viewer):
        raise PermissionDenied
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.OFFER_FIELDS}
        try:
            offer = services.offer_create(
                posted_by=viewer.person,
                actor=request.user,
                skills=form.skill_levels(),
                **fields,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your offer is sent: staff publish it after a look."))
            return redirect(offer.get_absolute_url())
    return render(request, "careers/offer_form.html", {"form": form})


@signed_in_viewer
def offer_edit(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    offer = selectors.offer_managed_by(viewer, pk)
    if offer.status == OfferStatus.CLOSED:
        messages.error(request, _("A closed offer cannot be edited."))
        return redirect(offer.get_absolute_url())
    form = OfferForm(request.POST or None, offer=offer)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.OFFER_FIELDS}
        try:
            offer, back_to_moderation = services.offer_update(
                offer=offer, actor=request.user, skills=form.skill_levels(), **fields
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if back_to_moderation:
                messages.success(
                    request,
                    _("Your changes are saved: staff read the offer again before it is published."),
                )
            else:
                messages.success(request, _("Your changes are saved."))
            return redirect(offer.get_absolute_url())
    return render(request, "careers/offer_form.html", {"form": form, "offer": offer})


@signed_in_viewer
def offer_candidates(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    offer = selectors.offer_managed_by(viewer, pk)
    ranked = candidates_for_offer(offer)
    services.candidate_access_log(
        viewer=viewer, candidates=[item.profile for item in ranked], kind=AccessKind.LISTED
    )
    return render(request, "careers/offer_candidates.html", {"offer": offer, "ranked": ranked})


@require_POST
@signed_in_viewer
def offer_apply(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    offer = selectors.offer_for_viewer(viewer, pk)
    profile = selectors.profile_of(viewer)
    if profile is None:
        messages.error(request, _("Create your candidate profile first."))
        return redirect("careers:profile")
    form = ApplyForm(request.POST)
    form.is_valid()
    try:
        services.application_create(
            offer=offer,
            candidate=profile,
            actor=request.user,
            note=form.cleaned_data.get("note", ""),
        )
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Your application is sent."))
    return redirect(offer.get_absolute_url())


@require_POST
@signed_in_viewer
def offer_close(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    offer = selectors.offer_managed_by(viewer, pk)
    services.offer_close(offer=offer, actor=request.user)
    messages.success(request, _("The offer is closed."))
    return redirect(offer.get_absolute_url())


@staff_required
def moderation(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "careers/moderation.html",
        {
            "offers": selectors.offers_pending(),
            "applications": selectors.candidate_applications_pending(),
            "form": ModerateForm(),
        },
    )


@require_POST
@staff_required
def offer_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(Offer, pk=pk)
    form = ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to publish or to reject."))
        return redirect("careers:moderation")
    try:
        services.offer_moderate(
            offer=offer,
            actor=request.user,
            publish=form.cleaned_data["decision"] == "publish",
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Done: the recruiter is told."))
    return redirect("careers:moderation")


# --- candidates ---------------------------------------------------------------------------------


def join(request: HttpRequest) -> HttpResponse:
    """A PhD candidate from outside the club asks to join (the desk's request, kind PhD)."""
    if request.method == "POST":
        decision = public_post_decision(request, form="careers-join")
        if not decision.allowed:
            return rate_limited_response(request, "desk/rate_limited.html", decision)
    form = CandidateApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_apply(
                language=(request.LANGUAGE_CODE or "fr")[:2],
                ip_hash=request_ip_hash(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("careers:join_done")
    return render(request, "careers/join.html", {"form": form})


def join_done(request: HttpRequest) -> HttpResponse:
    return render(request, "careers/join_done.html")


@require_POST
@staff_required
def candidate_application_accept(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(CandidateApplication, pk=pk)
    try:
        services.candidate_application_accept(application=application, actor=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Accepted: the candidate is invited to the club."))
    return redirect("careers:moderation")


@member_required
def profile(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    current = selectors.profile_of(viewer)
    initial = {}
    application = selectors.candidate_application_of(viewer) if current is None else None
    if application is not None:
        initial = {
            "thesis_title": application.thesis_title,
            "lab": application.lab,
            "supervisor": application.supervisor,
            "defence_on": application.defence_on,
            "orcid": application.orcid,
        }
    form = ProfileForm(request.POST or None, instance=current, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        bases = data.pop("bases")
        try:
            services.candidate_profile_save(
                person=viewer.person, actor=request.user, bases=bases, **data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your candidate profile is saved."))
            return redirect("careers:profile")
    return render(
        request,
        "careers/profile.html",
        {"form": form, "profile": current, "file_form": FileForm(), "viewer": viewer},
    )


def _own_profile(viewer: Viewer) -> CandidateProfile:
    profile = selectors.profile_of(viewer)
    if profile is None:
        raise Http404
    return profile


@require_POST
@member_required
def cv_upload(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    profile = _own_profile(viewer)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a PDF file."))
        return redirect("careers:profile")
    try:
        services.candidate_cv_upload(
            profile=profile,
            actor=request.user,
            name=upload.name or "",
            data=upload.read(services.CV_MAX_BYTES + 1),
        )
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(
            request, _("Your CV is saved. Only you, staff and recruiters you allow can read it.")
        )
    return redirect("careers:profile")


@require_POST
@member_required
def cv_remove(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    services.candidate_cv_remove(profile=_own_profile(viewer), actor=request.user)
    messages.success(request, _("Your CV is removed."))
    return redirect("careers:profile")


@require_POST
@member_required
def publications_import(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    profile = _own_profile(viewer)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a BibTeX or ORCID file."))
        return redirect("careers:profile")
    try:
        added = services.publications_import(
            profile=profile,
            actor=request.user,
            name=upload.name or "",
            data=upload.read(services.PUBLICATIONS_MAX_BYTES + 1),
        )
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("%(count)s publications added.") % {"count": len(added)})
    return redirect("careers:profile")


@signed_in_viewer
def candidate_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    profile = selectors.candidate_for_viewer(viewer, pk)
    services.candidate_access_log(viewer=viewer, candidates=[profile], kind=AccessKind.PROFILE)
    is_recruiter = selectors.viewer_is_recruiter(viewer)
    return render(
        request,
        "careers/candidate_detail.html",
        {
            "profile": profile,
            "person": profile.person,
            "may_message": is_recruiter and profile.consents_to_recruiters,
            "may_cv": bool(profile.cv)
            and (viewer.is_staff or (is_recruiter and profile.consents_to_recruiters)),
            "message_form": MessageForm(),
            "offers": selectors.offers_of_organisation(viewer).filter(status=OfferStatus.PUBLISHED)
            if is_recruiter
            else [],
        },
    )


@signed_in_viewer
def candidate_cv(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    profile = selectors.candidate_cv_for_viewer(viewer, pk)
    # Logged once the CV is handed over: a failing store (a 503 page) gave nobody a look.
    response = private_download(profile.cv, filename="cv.pdf", content_type="application/pdf")
    services.candidate_access_log(viewer=viewer, candidates=[profile], kind=AccessKind.CV)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@signed_in_viewer
def candidate_message(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    profile = selectors.candidate_for_viewer(viewer, pk)
    if not selectors.viewer_is_recruiter(viewer):
        raise PermissionDenied
    form = MessageForm(request.POST)
    offer = None
    offer_id = request.POST.get("offer")
    if offer_id and offer_id.isdigit():
        offer = selectors.offers_of_organisation(viewer).filter(pk=int(offer_id)).first()
    if not form.is_valid():
        messages.error(request, _("Write a message."))
        return redirect(profile.get_absolute_url())
    try:
        thread = services.thread_start(
            recruiter=viewer.person,
            candidate=profile,
            actor=request.user,
            body=form.cleaned_data["body"],
            offer=offer,
        )
    except ValidationError as error:
        _flash_errors(request, error)
        return redirect(profile.get_absolute_url())
    messages.success(request, _("Sent. The platform relays your message by email."))
    return redirect("careers:thread", pk=thread.pk)


# --- pipelines and conversations ---------------------------------------------------------------


@signed_in_viewer
def mine(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    profile = selectors.profile_of(viewer)
    suggestions = []
    applications = []
    if profile is not None:
        offers = list(selectors.offers_visible_to(viewer)[:500])
        suggestions = offers_for_candidate(profile, offers, k=10)
        applications = list(selectors.pipeline_of_candidate(profile))
    return render(
        request,
        "careers/mine.html",
        {
            "profile": profile,
            "suggestions": suggestions,
            "applications": [
                (a, services.application_moves_for(application=a, viewer=viewer))
                for a in applications
            ],
            "threads": selectors.threads_of(viewer),
        },
    )


@signed_in_viewer
def pipeline(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    if not selectors.viewer_is_recruiter(viewer):
        raise PermissionDenied
    applications = list(selectors.pipeline_of_organisation(viewer))
    return render(
        request,
        "careers/pipeline.html",
        {
            "offers": selectors.offers_of_organisation(viewer),
            "applications": [
                (a, services.application_moves_for(application=a, viewer=viewer))
                for a in applications
            ],
            "threads": selectors.threads_of(viewer),
        },
    )


@require_POST
@signed_in_viewer
def application_move(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    application = selectors.application_for_viewer(viewer, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a step."))
    else:
        try:
            services.application_move(
                application=application,
                to_status=form.cleaned_data["to_status"],
                actor=request.user,
            )
        except ValidationError as error:
            _flash_errors(request, error)
        else:
            messages.success(request, _("The application is updated."))
    mine_ = viewer.person is not None and application.candidate.person_id == viewer.person.pk
    return redirect("careers:mine" if mine_ else "careers:pipeline")


@signed_in_viewer
def thread(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    conversation = selectors.thread_for_viewer(viewer, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(
                thread=conversation, actor=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Sent."))
            return redirect("careers:thread", pk=conversation.pk)
    is_candidate = conversation.candidate.person_id == viewer.person.pk
    return render(
        request,
        "careers/thread.html",
        {
            "thread": conversation,
            "messages_list": conversation.messages.all(),
            "form": form,
            "is_candidate": is_candidate,
            # The recruiter learns the candidate's address only once the candidate replied.
            "candidate_email": conversation.candidate.person.email
            if is_candidate or conversation.candidate_replied_at
            else "",
        },
    )


# --- recruitment sessions -----------------------------------------------------------------------


def sessions(request: HttpRequest) -> HttpResponse:
    return render(request, "careers/sessions.html", {"sessions": selectors.sessions_upcoming()})


def session_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_for(request.user)
    session = selectors.session_by_slug(slug)
    profile = selectors.profile_of(viewer) if viewer.is_member else None
    suggested: set[int] = set()
    if profile is not None:
        offers = list(
            selectors.offers_visible_to(viewer).filter(organisation__in=session.organisations.all())
        )
        suggested = {item.offer.organisation_id for item in offers_for_candidate(profile, offers)}
    return render(
        request,
        "careers/session_detail.html",
        {
            "session": session,
            "slots": selectors.session_slots(session) if viewer.is_member else [],
            "profile": profile,
            "suggested": suggested,
            "schedule": selectors.schedule_of(viewer, session),
            "viewer": viewer,
        },
    )


@require_POST
@member_required
def slot_book(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    slot = get_object_or_404(SessionSlot.objects.select_related("session"), pk=pk)
    profile = selectors.profile_of(viewer)
    if profile is None:
        messages.error(request, _("Create your candidate profile first."))
        return redirect("careers:profile")
    try:
        services.slot_book(slot=slot, candidate=profile, actor=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Booked. Your schedule is below, with its calendar file."))
    return redirect(slot.session.get_absolute_url())


@member_required
def session_ics(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    session = selectors.session_by_slug(slug)
    bookings = selectors.schedule_of(viewer, session)
    for_candidate = not selectors.viewer_is_recruiter(viewer)
    response = HttpResponse(
        schedule_ics(session, bookings, for_candidate=for_candidate),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{session.slug}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- help to recruit ----------------------------------------------------------------------------


@member_required
def help_new(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    form = HelpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            help_request = services.recruitment_help_request(
                person=viewer.person,
                actor=request.user,
                language=(request.LANGUAGE_CODE or "fr")[:2],
                **form.cleaned_data,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your request is filed: staff and experts will comment."))
            return redirect(help_request.get_absolute_url())
    return render(request, "careers/help_form.html", {"form": form})


@signed_in_viewer
def help_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    from compagnon.careers.interview import interview_kit
    from compagnon.careers.matching import candidates_for_query

    help_request = selectors.help_for_viewer(viewer, pk)
    case = help_request.case
    shortlist = list(selectors.shortlist_for_viewer(viewer, help_request))
    pool = candidates_for_query(help_request) if viewer.is_staff else []
    return render(
        request,
        "careers/help_detail.html",
        {
            "help": help_request,
            "case": case,
            "description": render_markdown(help_request.job_description, heading_offset=1),
            "comments": help_request.comments.select_related("author"),
            "kit": interview_kit(viewer, case),
            "shortlist": shortlist,
            "pool": pool,
            "form": CommentForm(),
            "viewer": viewer,
        },
    )


@require_POST
@signed_in_viewer
def help_comment(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    help_request = selectors.help_for_viewer(viewer, pk)
    form = CommentForm(request.POST)
    if form.is_valid() and viewer.person is not None:
        services.help_comment_add(
            help_request=help_request, author=viewer.person, body=form.cleaned_data["body"]
        )
        messages.success(request, _("Comment added."))
    else:
        messages.error(request, _("Write a comment."))
    return redirect(help_request.get_absolute_url())


@require_POST
@staff_required
def help_shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    help_request = selectors.help_for_viewer(viewer, pk)
    candidate_id = request.POST.get("candidate", "")
    candidate = get_object_or_404(
        CandidateProfile, pk=int(candidate_id) if candidate_id.isdigit() else 0
    )
    try:
        services.shortlist_add(help_request=help_request, candidate=candidate, actor=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Added to the shortlist."))
    return redirect(reverse("careers:help_detail", kwargs={"pk": help_request.pk}))
