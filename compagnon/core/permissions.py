"""Access decorators for views that are not about one member's visibility."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase


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
