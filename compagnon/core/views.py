import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

from compagnon.cases.selectors import invitations_awaiting_answer
from compagnon.matching.selectors import cases_ranked_for_person
from compagnon.members.models import Base, MembershipStatus, Organisation, Person
from compagnon.members.selectors import profile_progress, teachers_for_interests, viewer_for
from compagnon.news.selectors import latest_posts, projects_public
from compagnon.workshops.selectors import (
    my_next_registrations,
    upcoming_public_workshops,
    upcoming_workshops_for,
)

HOME_CASES_FOR_YOU = 5
HOME_POSTS = 3
HOME_WORKSHOPS = 3
HOME_PROJECTS = 3


def _public_face(viewer, *, shown_workshops: list[int]) -> dict:
    """The home page's window on the club: workshops, posts and projects.

    Workshops the page already lists under "Your next workshops" are not listed twice.
    """
    if viewer.is_member:
        workshops = upcoming_workshops_for(viewer, limit=HOME_WORKSHOPS, excluding=shown_workshops)
    else:
        workshops = upcoming_public_workshops(limit=HOME_WORKSHOPS)
    return {
        "upcoming_workshops": list(workshops),
        "latest_posts": latest_posts(limit=HOME_POSTS),
        "projects": list(projects_public()[:HOME_PROJECTS]),
    }


def home(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    context: dict = {"viewer": viewer, "bases": Base.objects.filter(is_active=True)}
    if viewer.is_member:
        context["figures"] = {
            "organisations": Organisation.objects.filter(status=MembershipStatus.ACTIVE).count(),
            "people": Person.objects.filter(left_organisation_on__isnull=True).count(),
        }
        if viewer.person is not None:
            context["invitations_awaiting"] = invitations_awaiting_answer(viewer.person)
            context["my_next_registrations"] = list(my_next_registrations(viewer))
            context["progress"] = profile_progress(viewer.person)
            context["teachers"] = teachers_for_interests(viewer)
            context["cases_for_you"] = cases_ranked_for_person(
                viewer.person, k=HOME_CASES_FOR_YOU, viewer=viewer
            )
    shown = [r.workshop_id for r in context.get("my_next_registrations", [])]
    context.update(_public_face(viewer, shown_workshops=shown))
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    """Load balancers and the benchmarks' floor: one trivial query, no template."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: the site's look in both languages, from settings alone.

    No request context, no context processors, no database: whatever failed (the
    database itself, a context processor) cannot fail this page too.
    """
    try:
        page = loader.get_template("500.html").render({"SITE_NAME": settings.SITE_NAME})
    except Exception:  # the page of last resort must answer whatever happens
        logging.getLogger(__name__).exception("The 500 page could not be rendered")
        page = "<h1>Erreur du serveur · Server error</h1>"
    return HttpResponseServerError(page)
