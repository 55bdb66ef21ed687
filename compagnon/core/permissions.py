"""Access decorators: who may reach a view at all. What they then see is for the selectors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect

from compagnon.members.selectors import viewer_for


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Club staff only: anonymous visitors go to the sign-in page, signed-in others get 403.

    Unlike Django's `staff_member_required`, the sign-in page is the site's own
    (allauth), not the admin's, and a signed-in member is told plainly that
    the page is not for them instead of being asked to sign in again.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


View = Callable[..., HttpResponseBase]


def wants_partial(request: HttpRequest) -> bool:
    # A history restore (back button after a cache miss) needs the whole page.
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def to_sign_in(request: HttpRequest, next_url: str | None = None) -> HttpResponseBase:
    response = redirect_to_login(next_url or request.get_full_path())
    if wants_partial(request):
        # A session that expired mid-page: load the sign-in page whole, not inside a fragment.
        return HttpResponseClientRedirect(response["Location"])
    return response


def member_required(view: View) -> View:
    """Visitors go to sign-in; signed-in non-members get a 403 page that says why."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return to_sign_in(request)
        viewer = viewer_for(request.user)
        if not viewer.is_member:
            return render(request, "members/members_only.html", {"viewer": viewer}, status=403)
        return view(request, viewer, *args, **kwargs)

    return wrapper


def signed_in_viewer(view: View) -> View:
    """Visitors go to sign-in; everyone else reaches the view, whose selector answers 404.

    For private organisation pages: a members-only 403 would not leak anything,
    but one answer (404) for "not yours" keeps the rule simple to state and test.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return to_sign_in(request)
        return view(request, viewer_for(request.user), *args, **kwargs)

    return wrapper
