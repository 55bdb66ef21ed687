"""The front page: the club's window for visitors, the member's home once signed in."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
    return render(request, "site/home.html", context)
