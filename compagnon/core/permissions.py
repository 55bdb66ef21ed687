"""Access decorators: who may reach a view at all. What they then see is for the selectors.

The decorators that need to know who is a member (`member_required`,
`signed_in_viewer`) live in `compagnon.members.permissions`: core imports no other app.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django_htmx.http import HttpResponseClientRedirect


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
