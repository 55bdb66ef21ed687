"""Request ids, JSON log lines, metrics behind a token, and Sentry off by default."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from compagnon.ops.logs import JsonFormatter, RequestIdFilter
from compagnon.ops.requestid import current_request_id

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db


def test_a_request_gets_an_id_and_keeps_a_proxys(client):
    fresh = client.get("/healthz")["X-Request-ID"]
    assert len(fresh) == 32
    kept = client.get("/healthz", headers={"X-Request-ID": "caddy-1234abcd"})
    assert kept["X-Request-ID"] == "caddy-1234abcd"
    odd = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert odd["X-Request-ID"] != "bad id\nwith newline"
    assert len(odd["X-Request-ID"]) == 32


def test_log_lines_carry_the_request_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/no-such-page/", headers={"X-Request-ID": "trace-abcdef12"})
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.request_id == "trace-abcdef12"


def test_json_formatter_writes_one_object_per_line():
    token = current_request_id.set("req-12345678")
    try:
        record = logging.LogRecord(
            "compagnon.x", logging.ERROR, __file__, 1, "boom %s", ("x",), None
        )
        record.case_id = 7
        RequestIdFilter().filter(record)
        try:
            raise ValueError("bad")
        except ValueError:
            record.exc_info = sys.exc_info()
        line = JsonFormatter().format(record)
    finally:
        current_request_id.reset(token)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "boom x"
    assert entry["level"] == "ERROR"
    assert entry["request_id"] == "req-12345678"
    assert entry["case_id"] == 7
    assert "ValueError: bad" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_metrics_only_with_the_token(client, settings):
    assert client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = "scrape-token-123"
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 404
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-token-123"})
    assert response.status_code == 200
    assert b"python_info" in response.content


def _settings_in_a_fresh_process(**env: str) -> dict:
    script = """
import json, django, sentry_sdk
django.setup()
from django.conf import settings
from django.core.files.storage import storages

private = storages["private"]
print(json.dumps({
    "sentry": sentry_sdk.is_initialized(),
    "prometheus": "django_prometheus" in settings.INSTALLED_APPS,
    "middleware": settings.MIDDLEWARE[:2],
    "log": settings.LOG_FORMAT,
    "sessions": settings.SESSION_ENGINE,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "media_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["media-src"],
    "private": {
        "class": type(private).__name__,
        "location": private.location,
        "acl": getattr(private, "default_acl", None),
        "signed": getattr(private, "querystring_auth", None),
        "domain": getattr(private, "custom_domain", None),
        "expire": getattr(private, "querystring_expire", None),
    },
}))
"""
    environ = {
        k: v for k, v in os.environ.items() if k not in {"SENTRY_DSN", "METRICS_TOKEN", "REDIS_URL"}
    }
    environ.update(DJANGO_SETTINGS_MODULE="compagnon.settings", COMPAGNON_ENV="development", **env)
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_sentry_metrics_redis_and_s3_are_off_unless_configured(tmp_path):
    plain = _settings_in_a_fresh_process(COMPAGNON_VAR_DIR=str(tmp_path))
    assert plain["sentry"] is False
    assert plain["prometheus"] is False
    assert plain["middleware"][0] == "compagnon.ops.requestid.RequestIdMiddleware"
    assert plain["sessions"] == "django.contrib.sessions.backends.db"
    assert plain["storage"] == "django.core.files.storage.FileSystemStorage"
    assert plain["private"]["class"] == "PrivateStorage"
    assert plain["private"]["location"] == str(tmp_path / "private")
    assert plain["media_src"] == ["'self'"]

    on = _settings_in_a_fresh_process(
        COMPAGNON_VAR_DIR=str(tmp_path),
        SENTRY_DSN="https://public@127.0.0.1:9/1",
        METRICS_TOKEN="t",
        LOG_FORMAT="json",
        REDIS_URL="redis://127.0.0.1:6379/13",
        S3_BUCKET="uploads",
        S3_CUSTOM_DOMAIN="cdn.example.org",
        S3_QUERYSTRING_AUTH="false",
    )
    assert on["sentry"] is True
    assert on["prometheus"] is True
    assert on["middleware"][0] == "django_prometheus.middleware.PrometheusBeforeMiddleware"
    assert on["log"] == "json"
    assert on["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert on["storage"] == "storages.backends.s3.S3Storage"
    # Private files: same bucket, under private/, never public, whatever the media options say.
    assert on["private"] == {
        "class": "PrivateS3Storage",
        "location": "private",
        "acl": "private",
        "signed": True,
        "domain": None,
        "expire": 60,
    }
    assert on["media_src"] == ["'self'", "https://*.amazonaws.com"]
