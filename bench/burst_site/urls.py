"""The project's URLs plus `/bench/signed-in/` (see the package docstring)."""

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import include, path
from django.views.decorators.http import require_POST

from compagnon.members.selectors import viewer_for


@require_POST
def signed_in(request: HttpRequest) -> HttpResponseRedirect:
    viewer = viewer_for(request.user)
    assert viewer.person is not None, "the burst's sessions are members"
    return HttpResponseRedirect("/healthz")


urlpatterns = [
    path("bench/signed-in/", signed_in),
    path("", include("compagnon.urls")),
]
