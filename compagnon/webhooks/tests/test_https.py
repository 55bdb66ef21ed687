"""Webhooks over HTTPS to a real local server (Python's http.server + ssl) with a throwaway
self-signed certificate: verified against WEBHOOK_CA_BUNDLE, refused when not trusted."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from compagnon.webhooks.models import Delivery, DeliveryStatus
from compagnon.webhooks.services import endpoint_create, event_emit
from compagnon.webhooks.targets import tls_context
from compagnon.webhooks.tests.receiver import Receiver
from compagnon.webhooks.tests.tls import self_signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(tmp_path):
    return self_signed(tmp_path)


@pytest.fixture
def https_receiver(certificate):
    with Receiver(certificate) as running:
        yield running


def _endpoint(receiver, staff_user):
    endpoint = endpoint_create(url=receiver.url, events=["member.joined"], actor=staff_user)
    receiver.secret = endpoint.secret
    return endpoint


def test_a_signed_event_is_delivered_over_verified_https(
    https_receiver, certificate, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_CA_BUNDLE = str(certificate.cert_file)
    assert tls_context().verify_mode.name == "CERT_REQUIRED"
    assert tls_context().check_hostname is True
    _endpoint(https_receiver, staff_user)
    assert https_receiver.url.startswith("https://127.0.0.1:")
    with django_capture_on_commit_callbacks(execute=True):
        event_emit(event="member.joined", data={"person_id": 5})
    assert https_receiver.rejected == []
    [message] = https_receiver.received
    assert message["payload"]["data"] == {"person_id": 5}
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.last_status_code == 200


def test_an_untrusted_certificate_fails_the_attempt_with_a_reason_and_is_retried(
    https_receiver, staff_user, settings, tmp_path, caplog, django_capture_on_commit_callbacks
):
    # Trusted: another throwaway CA, not the one the receiver's certificate comes from.
    settings.WEBHOOK_CA_BUNDLE = str(self_signed(tmp_path, name="other").cert_file)
    endpoint = _endpoint(https_receiver, staff_user)
    with (
        caplog.at_level(logging.WARNING, logger="compagnon.webhooks.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        event_emit(event="member.joined", data={})
    assert https_receiver.received == []  # the body was never sent
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING  # the ordinary backoff, not a crash
    assert delivery.attempts == 1 and delivery.next_attempt_at is not None
    assert delivery.last_status_code is None
    assert delivery.last_error.startswith("TLS: the receiver's certificate is not trusted (")
    assert "WEBHOOK_CA_BUNDLE" in delivery.last_error
    [record] = [r for r in caplog.records if "webhook delivery" in r.getMessage()]
    assert f"endpoint {endpoint.pk} failed (retrying): TLS:" in record.getMessage()


def test_without_the_bundle_the_system_store_does_not_trust_a_self_signed_receiver(
    https_receiver, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_CA_BUNDLE = ""
    _endpoint(https_receiver, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        event_emit(event="member.joined", data={})
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert "not trusted" in delivery.last_error and https_receiver.received == []


def test_a_redirect_to_another_host_is_not_followed(
    https_receiver, certificate, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_CA_BUNDLE = str(certificate.cert_file)
    _endpoint(https_receiver, staff_user)
    with Receiver() as elsewhere:
        elsewhere.secret = https_receiver.secret
        https_receiver.redirect_to = elsewhere.url.replace("127.0.0.1", "localhost")
        with django_capture_on_commit_callbacks(execute=True):
            event_emit(event="member.joined", data={})
        assert elsewhere.received == [] and elsewhere.rejected == []
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.last_status_code == 302
    assert delivery.last_error == "HTTP 302: redirects are not followed."


def test_the_ssrf_rule_holds_for_https_too(
    https_receiver, certificate, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_CA_BUNDLE = str(certificate.cert_file)
    _endpoint(https_receiver, staff_user)
    settings.WEBHOOK_ALLOW_LOOPBACK = False  # as in production
    with django_capture_on_commit_callbacks(execute=True):
        event_emit(event="member.joined", data={})
    delivery = Delivery.objects.get()
    assert https_receiver.received == [] and "loopback" in delivery.last_error
    assert delivery.status == DeliveryStatus.RETRYING


def test_a_missing_ca_bundle_stops_the_start_with_a_clear_message(tmp_path):
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "compagnon.settings",
        "COMPAGNON_ENV": "development",
        "COMPAGNON_VAR_DIR": str(tmp_path),
        "WEBHOOK_CA_BUNDLE": str(tmp_path / "no-such-ca.pem"),
    }
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(__file__).resolve().parents[3],
        env=environ,
        capture_output=True,
        text=True,
    )
    assert started.returncode != 0
    assert f"WEBHOOK_CA_BUNDLE={tmp_path}/no-such-ca.pem is not a readable file." in started.stderr
