"""Readiness and metrics: for operators and their tools, never for the public.

- /healthz/ready: the detailed health report (JSON). A request with the header
  `Authorization: Bearer <HEALTHCHECK_TOKEN>` (a monitor) or a staff session (a person).
- /metrics: Prometheus, with `Authorization: Bearer <METRICS_TOKEN>`. Without the token
  set, metrics are off and the URL answers 404. The proxy does not route it either.
"""

from __future__ import annotations

import hmac
import os

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from compagnon.ops.health import checks_run, report


def _bearer_matches(request: HttpRequest, secret: str) -> bool:
    if not secret:
        return False
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(given) and hmac.compare_digest(given.encode(), secret.encode())


@never_cache
def readiness(request: HttpRequest) -> HttpResponse:
    if not _bearer_matches(request, settings.HEALTHCHECK_TOKEN):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
    body = report(checks_run())
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _bearer_matches(request, settings.METRICS_TOKEN):
        raise Http404
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
    from prometheus_client import REGISTRY as registry

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several gunicorn processes: add up what each one wrote to the shared folder.
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
