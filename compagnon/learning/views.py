"""Pages of the learning app: thin, reads through selectors, writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from compagnon.core.csvsafe import csv_streaming_response
from compagnon.core.forms import form_add_service_errors
from compagnon.core.markdown import render_markdown
from compagnon.core.permissions import staff_required
from compagnon.core.storage import is_local, private_download, private_head
from compagnon.learning import selectors, services
from compagnon.learning.captions import format_timestamp, parse_vtt
from compagnon.learning.certificates import certificate_pdf
from compagnon.learning.forms import (
    CatalogueFilterForm,
    CohortForm,
    DiscussionForm,
    ExerciseForm,
    InviteForm,
    MediaForm,
)
from compagnon.learning.models import (
    Caption,
    Certificate,
    Cohort,
    CohortMember,
    LearnerConsent,
    LessonKind,
    Module,
    ProposalStatus,
    SkillProposal,
)
from compagnon.learning.services import video_content_type
from compagnon.members.models import Organisation
from compagnon.members.permissions import member_required, signed_in_viewer
from compagnon.members.selectors import Viewer, viewer_for

CATALOGUE_PAGE = 50


def catalogue(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    form = CatalogueFilterForm(request.GET or None)
    filters = selectors.CatalogueFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.CatalogueFilters(
            audience=data["audience"] or "",
            level=data["level"],
            language=data["language"] or "",
            duration=data["duration"] or "",
            q=(data["q"] or "").strip(),
        )
    filtered = filters != selectors.CatalogueFilters()
    lessons = (
        list(selectors.lessons_catalogue(viewer, filters)[:CATALOGUE_PAGE]) if filtered else []
    )
    programmes = list(
        selectors.programmes_visible_to(viewer)
        .annotate(lesson_count=Count("modules__lessons"))
        .order_by("kind", "title_en")
    )
    return render(
        request,
        "learning/catalogue.html",
        {"form": form, "lessons": lessons, "programmes": programmes, "filtered": filtered},
    )


def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_for(request.user)
    programme = selectors.programme_for_viewer(viewer, slug)
    modules = list(programme.modules.all())
    lessons = [lesson for module in modules for lesson in module.lessons.all()]
    progress = selectors.progress_by_lesson(request.user, lessons)
    for lesson in lessons:
        lesson.my_progress = progress.get(lesson.pk)
    certificate = None
    open_cohorts: list[Cohort] = []
    if request.user.is_authenticated:
        certificate = Certificate.objects.filter(user=request.user, programme=programme).first()
        open_cohorts = selectors.cohorts_open_to(viewer, programme=programme)
    return render(
        request,
        "learning/programme_detail.html",
        {
            "programme": programme,
            "summary_html": render_markdown(programme.summary, heading_offset=1),
            "modules": modules,
            "done": sum(1 for p in progress.values() if p.completed_at),
            "total": len(lessons),
            "certificate": certificate,
            "open_cohorts": open_cohorts,
        },
    )


@member_required
def lesson_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    lesson = selectors.lesson_for_viewer(viewer, pk)
    progress = services.progress_start(user=request.user, lesson=lesson)
    captions = {caption.language: caption for caption in lesson.captions.all()}
    query = request.GET.get("q", "").strip()[:100]
    transcript_language = "en" if (request.LANGUAGE_CODE or "fr").startswith("en") else "fr"
    caption = captions.get(transcript_language) or next(iter(captions.values()), None)
    cues = []
    if caption is not None:
        for cue in caption.cues:
            if query and query.lower() not in cue["text"].lower():
                continue
            cues.append({**cue, "stamp": format_timestamp(cue["start"])})
    previous, following = selectors.lesson_neighbours(lesson)
    context = {
        "lesson": lesson,
        "programme": lesson.module.programme,
        "progress": progress,
        "body_html": render_markdown(lesson.body, heading_offset=1),
        "question_html": render_markdown(lesson.question, heading_offset=1),
        "captions": sorted(captions.values(), key=lambda c: c.language != transcript_language),
        "transcript_language": caption.language if caption else "",
        "cues": cues,
        "query": query,
        "chapters": [{**c, "stamp": format_timestamp(c["start"])} for c in lesson.chapters or []],
        "questions": services.quiz_draw(
            user=request.user,
            lesson=lesson,
            attempt=services.quiz_attempt_number(user=request.user, lesson=lesson),
        )
        if lesson.kind == LessonKind.QUIZ
        else [],
        "prerequisites": list(lesson.prerequisites.all()),
        "previous": previous,
        "next": following,
        "exercise_form": ExerciseForm(),
        "resume_at": int(progress.position_seconds) if progress.completed_at is None else 0,
    }
    return render(request, "learning/lesson_detail.html", context)


def _open_stored(field_file):
    try:
        return field_file.open("rb"), field_file.size
    except (FileNotFoundError, ValueError):
        raise Http404 from None


@member_required
def lesson_video(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    from compagnon.learning.ranges import ranged_file_response

    lesson = selectors.lesson_for_viewer(viewer, pk, for_page=False)
    if lesson.kind != LessonKind.VIDEO or not lesson.video:
        raise Http404
    if not is_local(lesson.video.storage):
        # S3: the player follows a presigned link and asks the store for its ranges.
        try:
            head = private_head(lesson.video, 16)
        except FileNotFoundError:
            raise Http404 from None  # a failing store is a 503 page (core.middleware)
        kind = video_content_type(head) or "application/octet-stream"
        response = private_download(
            lesson.video, filename=f"lesson-{lesson.pk}.mp4", content_type=kind, as_attachment=False
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
    handle, size = _open_stored(lesson.video)
    head = handle.read(16)
    content_type = video_content_type(head) or "application/octet-stream"
    response = ranged_file_response(request, handle, size=size, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@member_required
def lesson_captions(request: HttpRequest, viewer: Viewer, pk: int, language: str) -> HttpResponse:
    lesson = selectors.lesson_for_viewer(viewer, pk, for_page=False)
    caption = get_object_or_404(Caption, lesson=lesson, language=language)
    response = HttpResponse(caption.vtt, content_type="text/vtt; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@member_required
def lesson_dataset(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    lesson = selectors.lesson_for_viewer(viewer, pk, for_page=False)
    if lesson.kind != LessonKind.EXERCISE or not lesson.dataset_csv:
        raise Http404
    response = HttpResponse(lesson.dataset_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lesson-{lesson.pk}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@member_required
@require_POST
def lesson_heartbeat(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    lesson = selectors.lesson_for_viewer(viewer, pk, for_page=False)
    try:
        progress = services.progress_heartbeat(
            user=request.user, lesson=lesson, position=request.POST.get("position")
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(
        {
            "share": round(progress.share_watched, 4),
            "position": progress.position_seconds,
            "completed": progress.completed_at is not None,
        }
    )


@member_required
@require_POST
def lesson_mark_read(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    lesson = selectors.lesson_for_viewer(viewer, pk)
    try:
        services.lesson_mark_read(user=request.user, lesson=lesson)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("Lesson completed."))
    return redirect(lesson.get_absolute_url())


@member_required
@require_POST
def quiz_submit(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    lesson = selectors.lesson_for_viewer(viewer, pk)
    answers = {}
    for question in lesson.questions.all():
        if question.kind == "ordering":
            answers[question.pk] = [
                request.POST.get(f"q{question.pk}_{i}", "") for i in range(len(question.choices))
            ]
        else:
            answers[question.pk] = request.POST.getlist(f"q{question.pk}")
    try:
        result = services.quiz_submit(user=request.user, lesson=lesson, answers=answers)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(lesson.get_absolute_url() + "#quiz")
    return render(
        request,
        "learning/quiz_result.html",
        {"lesson": lesson, "programme": lesson.module.programme, "result": result},
    )


@member_required
@require_POST
def exercise_submit(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    lesson = selectors.lesson_for_viewer(viewer, pk)
    form = ExerciseForm(request.POST)
    if form.is_valid():
        try:
            correct = services.exercise_submit(
                user=request.user, lesson=lesson, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            if correct:
                messages.success(request, gettext("Right answer: the exercise is done."))
            else:
                messages.warning(
                    request, gettext("Not quite: check your computation and try again.")
                )
            return redirect(lesson.get_absolute_url() + "#exercise")
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(lesson.get_absolute_url() + "#exercise")


@member_required
def my_learning(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    context = selectors.my_learning(request.user)
    consent = LearnerConsent.objects.filter(user=request.user).first()
    context.update(
        {
            "consent": consent,
            "proposals": list(
                SkillProposal.objects.filter(user=request.user, status=ProposalStatus.PENDING)
                .select_related("tag", "module")
                .order_by("created_at")
            ),
            "cohorts": list(selectors.cohorts_visible_to(viewer)[:20]),
            "open_cohorts": selectors.cohorts_open_to(viewer),
            "may_launch": selectors.viewer_may_launch_cohorts(viewer),
        }
    )
    return render(request, "learning/my_learning.html", context)


@member_required
@require_POST
def consent_set(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    agree = request.POST.get("propose_skills") == "yes"
    services.consent_set(user=request.user, propose_skills=agree)
    if agree:
        messages.success(
            request, gettext("Completed modules will propose skills for your profile.")
        )
    else:
        messages.success(request, gettext("Completed modules will not propose skills."))
    return redirect("learning:my_learning")


@member_required
@require_POST
def proposal_answer(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    proposal = get_object_or_404(SkillProposal, pk=pk, user=request.user)
    accept = request.POST.get("answer") == "accept"
    try:
        services.skill_proposal_answer(proposal=proposal, user=request.user, accept=accept)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if accept:
            messages.success(request, gettext("The skill is on your profile."))
        else:
            messages.success(request, gettext("Proposal declined."))
    return redirect("learning:my_learning")


@signed_in_viewer
def certificate_download(request: HttpRequest, viewer: Viewer, code: str) -> HttpResponse:
    certificate = selectors.certificate_public(code)
    if certificate is None or not (viewer.is_staff or certificate.user_id == request.user.pk):
        raise Http404
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.code[:8]}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: confirms a certificate (holder's name, programme, date) or says it does not exist."""
    certificate = selectors.certificate_public(code)
    return render(
        request,
        "learning/certificate_verify.html",
        {"certificate": certificate, "code": code[:64]},
        status=200 if certificate else 404,
    )


# --- cohorts ---------------------------------------------------------------------------------------


@member_required
def cohort_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    cohorts = list(selectors.cohorts_visible_to(viewer).prefetch_related("organisations")[:100])
    return render(
        request,
        "learning/cohort_list.html",
        {
            "cohorts": cohorts,
            "may_launch": selectors.viewer_may_launch_cohorts(viewer),
            "open_cohorts": selectors.cohorts_open_to(viewer),
        },
    )


@member_required
def cohort_create(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    if not selectors.viewer_may_launch_cohorts(viewer):
        return render(request, "403.html", status=403)
    organisations = (
        Organisation.objects.all()
        if viewer.is_staff
        else Organisation.objects.filter(pk=viewer.organisation_id)
    )
    initial = {"starts_on": timezone.localdate()}
    if not viewer.is_staff:
        initial["organisations"] = list(organisations)
    form = CohortForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = services.cohort_create(
                actor=request.user,
                programme=data["programme"],
                title=data["title"],
                organisations=list(data["organisations"]),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reminder_weekday=data["reminder_weekday"],
                enrol_by_domain=data["enrol_by_domain"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, gettext("Cohort launched. Invite people or share the link."))
            return redirect("learning:cohort_funnel", pk=cohort.pk)
    return render(request, "learning/cohort_form.html", {"form": form})


@signed_in_viewer
def cohort_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    cohort = selectors.cohort_for_viewer(viewer, pk)
    modules = list(
        Module.objects.filter(programme=cohort.programme)
        .annotate(post_count=Count("posts", filter=_posts_of(cohort)))
        .order_by("position", "id")
    )
    member = CohortMember.objects.filter(cohort=cohort, user=request.user).first()
    cases_for_you = []
    if member is not None and member.wants_more_at is not None and viewer.person is not None:
        from compagnon.matching.selectors import cases_ranked_for_person

        cases_for_you = cases_ranked_for_person(viewer.person, k=3, viewer=viewer)
    return render(
        request,
        "learning/cohort_detail.html",
        {
            "cohort": cohort,
            "modules": modules,
            "member": member,
            "manages": _manages(viewer, cohort),
            "cases_for_you": cases_for_you,
        },
    )


def _posts_of(cohort: Cohort):
    from django.db.models import Q

    return Q(posts__cohort=cohort)


def _manages(viewer: Viewer, cohort: Cohort) -> bool:
    try:
        selectors.cohort_managed_by(viewer, cohort.pk)
    except Http404:
        return False
    return True


@signed_in_viewer
def cohort_module(request: HttpRequest, viewer: Viewer, pk: int, module_pk: int) -> HttpResponse:
    cohort = selectors.cohort_for_viewer(viewer, pk)
    module = get_object_or_404(Module, pk=module_pk, programme=cohort.programme)
    form = DiscussionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.discussion_post_add(
                cohort=cohort,
                module=module,
                author=request.user,
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect("learning:cohort_module", pk=cohort.pk, module_pk=module.pk)
    posts = list(
        cohort.posts.filter(module=module)
        .select_related("author__person")
        .order_by("created_at", "id")
    )
    return render(
        request,
        "learning/cohort_module.html",
        {
            "cohort": cohort,
            "module": module,
            "posts": posts,
            "form": form,
            "lessons": list(module.lessons.order_by("position", "id")),
        },
    )


@signed_in_viewer
def cohort_funnel(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    cohort = selectors.cohort_managed_by(viewer, pk)
    funnel = selectors.cohort_funnel(cohort, viewer)
    stages = [
        (gettext("Invited"), funnel.counts["invited"]),
        (gettext("Started"), funnel.counts["started"]),
        (gettext("Half-way"), funnel.counts["half"]),
        (gettext("Finished"), funnel.counts["finished"]),
        (gettext("I want more"), funnel.counts["wants_more"]),
    ]
    top = max(funnel.counts["invited"], 1)
    return render(
        request,
        "learning/cohort_funnel.html",
        {
            "cohort": cohort,
            "funnel": funnel,
            "stages": [(label, count, round(100 * count / top)) for label, count in stages],
            "invite_form": InviteForm(),
            "join_url": request.build_absolute_uri(
                reverse("learning:cohort_join", kwargs={"token": cohort.invite_token})
            ),
            "organisations": list(cohort.organisations.all()),
        },
    )


STAGE_LABELS = {
    "invited": "invited",
    "started": "started",
    "half": "half",
    "finished": "finished",
    "wants_more": "wants more",
}


@signed_in_viewer
def cohort_funnel_export(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    cohort = selectors.cohort_managed_by(viewer, pk)
    funnel = selectors.cohort_funnel(cohort, viewer)
    header = [
        gettext("Email"),
        gettext("Joined"),
        gettext("Started"),
        gettext("Lessons completed"),
        gettext("Lessons"),
        gettext("Half-way"),
        gettext("Finished"),
        gettext("I want more"),
        gettext("Stage"),
    ]
    rows = [header] + [
        [
            row.member.email,
            row.member.joined_at.date().isoformat() if row.member.joined_at else "",
            int(row.started),
            row.completed,
            row.total,
            int(row.half),
            int(row.finished),
            int(row.wants_more),
            STAGE_LABELS[row.stage],
        ]
        for row in funnel.rows
    ]
    return csv_streaming_response(rows, filename=f"cohort-{cohort.pk}-funnel.csv")


@signed_in_viewer
@require_POST
def cohort_invite(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    cohort = selectors.cohort_managed_by(viewer, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invited = services.cohort_invite(
                cohort=cohort, emails_text=form.cleaned_data["emails"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, gettext("%(count)d people invited.") % {"count": len(invited)}
            )
    else:
        messages.error(request, gettext("Enter at least one email address."))
    return redirect("learning:cohort_funnel", pk=cohort.pk)


@member_required
def cohort_join(request: HttpRequest, viewer: Viewer, token: str) -> HttpResponse:
    cohort = Cohort.objects.select_related("programme").filter(invite_token=token).first()
    if cohort is None:
        raise Http404
    refusal = services.cohort_join_refusal(cohort=cohort, user=request.user, by_link=True)
    if request.method == "POST" and refusal is None:
        services.cohort_join(cohort=cohort, user=request.user, by_link=True)
        messages.success(request, gettext("Welcome to the cohort."))
        return redirect(cohort.get_absolute_url())
    return render(request, "learning/cohort_join.html", {"cohort": cohort, "refusal": refusal})


@member_required
@require_POST
def cohort_join_domain(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort, pk=pk)
    try:
        services.cohort_join(cohort=cohort, user=request.user, by_link=False)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("learning:cohort_list")
    messages.success(request, gettext("Welcome to the cohort."))
    return redirect(cohort.get_absolute_url())


@signed_in_viewer
@require_POST
def cohort_want_more(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    cohort = selectors.cohort_for_viewer(viewer, pk)
    try:
        services.cohort_want_more(cohort=cohort, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(cohort.get_absolute_url())
    messages.success(
        request,
        gettext("Noted. Here are workshops and challenges to go further."),
    )
    return redirect(cohort.get_absolute_url() + "#more")


@staff_required
def quiz_analysis(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    lesson = selectors.lesson_for_viewer(viewer, pk)
    if lesson.kind != LessonKind.QUIZ:
        raise Http404
    people, rows = selectors.quiz_item_analysis(lesson)
    return render(
        request,
        "learning/quiz_analysis.html",
        {"lesson": lesson, "people": people, "rows": rows},
    )


# --- staff: media ----------------------------------------------------------------------------------


@staff_required
def lesson_media(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    lesson = selectors.lesson_for_viewer(viewer, pk)
    form = MediaForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Check every captions file first, so a bad one leaves nothing half-saved.
        captions = {}
        for language in ("fr", "en"):
            upload = data[f"captions_{language}"]
            if upload:
                captions[language] = upload.read()
                try:
                    parse_vtt(captions[language])
                except ValidationError as error:
                    form.add_error(f"captions_{language}", error)
        if form.is_valid():
            try:
                with transaction.atomic():
                    if data["video"]:
                        services.lesson_video_set(
                            lesson=lesson,
                            upload=data["video"],
                            seconds=data["video_seconds"],
                            actor=request.user,
                        )
                    for language, content in captions.items():
                        services.lesson_captions_set(
                            lesson=lesson, language=language, data=content, actor=request.user
                        )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, gettext("Lesson media saved."))
                return redirect("learning:lesson_media", pk=lesson.pk)
    return render(
        request,
        "learning/lesson_media.html",
        {"lesson": lesson, "form": form, "captions": list(lesson.captions.all())},
    )
