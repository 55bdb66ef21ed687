import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader


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
