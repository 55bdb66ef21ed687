"""Access decorators that hand the view a `Viewer`: members only, or any signed-in person."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from compagnon.core.permissions import View, to_sign_in
from compagnon.members.selectors import viewer_for


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
