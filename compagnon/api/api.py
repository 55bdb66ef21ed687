"""The REST API, version 1, at /api/v1/ (django-ninja).

Every route reads through the owning app's selectors and writes through its
services; this module only wires the routers, the token auth, the per-token rate
limit and the JSON errors. The interactive docs page is off (it loads Swagger from
a CDN, which the CSP forbids); the schema is served at /api/v1/openapi.json and
committed at docs/api/openapi.json (`manage.py api_schema` rewrites it).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from compagnon.api.auth import TokenRateThrottle
from compagnon.api.routers import (
    cases,
    challenges,
    organisations,
    people,
    posts,
    reports,
    workshops,
)

api = NinjaAPI(
    title="compagnon API",
    version="1",
    description=(
        "The club's data for member tools. Authenticate with a personal access token "
        "(`Authorization: Bearer cpat_…`), made on the account page. See docs/api.md."
    ),
    urls_namespace="api_v1",
    docs_url=None,
    throttle=[TokenRateThrottle()],
)


def _messages(error: ValidationError) -> tuple[str, dict[str, list[str]]]:
    if hasattr(error, "error_dict"):
        fields = {
            name: [str(message) for message in ValidationError(items).messages]
            for name, items in error.error_dict.items()
        }
        first = next((m for ms in fields.values() for m in ms), "Invalid input.")
        return first, fields
    messages = [str(message) for message in error.messages]
    return (messages[0] if messages else "Invalid input."), {}


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    detail, fields = _messages(error)
    return api.create_response(request, {"detail": detail, "errors": fields}, status=400)


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    detail = str(error) or "You may not do this."
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": "A valid personal access token is needed (Authorization: Bearer …)."},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


api.add_router("/people", people.router)
api.add_router("/organisations", organisations.router)
api.add_router("/workshops", workshops.router)
api.add_router("/registrations", workshops.registrations_router)
api.add_router("/cases", cases.router)
api.add_router("/invitations", cases.invitations_router)
api.add_router("/reports", reports.router)
api.add_router("/posts", posts.router)
api.add_router("/challenges", challenges.router)
