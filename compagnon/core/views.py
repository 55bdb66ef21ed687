from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from compagnon.members.selectors import viewer_for


def home(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    return render(request, "core/home.html", {"viewer": viewer})


def healthz(request: HttpRequest) -> JsonResponse:
    """Load balancers and the benchmarks' floor: one trivial query, no template."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
