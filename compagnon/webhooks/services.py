"""Webhooks: endpoints (staff), events emitted by the other apps' services, deliveries.

`event_emit` is the one call the other apps make, inside their transaction: it does no
query there; once the transaction commits it writes one `Delivery` per active endpoint
that takes the event and hands each to the task queue. A delivery is signed in the
Standard Webhooks format (`webhook-id`, `webhook-timestamp`, `webhook-signature`);
a failed attempt is retried with exponential backoff (WEBHOOK_RETRY_BASE_SECONDS x 2ⁿ)
up to WEBHOOK_MAX_ATTEMPTS; WEBHOOK_DISABLE_AFTER_FAILURES failures in a row switch the
endpoint off and tell staff by email.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import secrets
import ssl
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from standardwebhooks import Webhook

from compagnon.core.email import email_queue
from compagnon.webhooks import targets
from compagnon.webhooks.models import Delivery, DeliveryStatus, Endpoint, Event

logger = logging.getLogger(__name__)


def _require_staff(actor: Any) -> None:
    if actor is None or not (actor.is_active and actor.is_staff):
        raise PermissionDenied("Only staff manage webhooks.")


def secret_new() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _endpoint_errors(*, url: str, events: list[str]) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    unknown = sorted(set(events) - set(Event.values))
    if unknown:
        errors["events"] = [_("Unknown events: %(events)s.") % {"events": ", ".join(unknown)}]
    elif not events:
        errors["events"] = [_("Choose at least one event.")]
    try:
        targets.target_check(url)
    except targets.TargetRefused as refused:
        errors["url"] = [str(refused)]
    return errors


def endpoint_create(*, url: str, events: list[str], actor: Any, description: str = "") -> Endpoint:
    _require_staff(actor)
    url = (url or "").strip()
    errors = _endpoint_errors(url=url, events=events)
    if errors:
        raise ValidationError(errors)
    endpoint = Endpoint(
        url=url,
        events=[event for event in Event.values if event in set(events)],
        description=(description or "").strip(),
        secret=secret_new(),
        created_by=actor,
    )
    with transaction.atomic():
        endpoint.full_clean()
        endpoint.save()
    return endpoint


def endpoint_set_active(*, endpoint: Endpoint, active: bool, actor: Any) -> Endpoint:
    """Staff switch an endpoint off, or back on (which forgets its failures)."""
    _require_staff(actor)
    with transaction.atomic():
        locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.is_active = active
        if active:
            locked.consecutive_failures = 0
            locked.disabled_at = None
            locked.disabled_reason = ""
        else:
            locked.disabled_at = timezone.now()
            locked.disabled_reason = "Switched off by staff."
        locked.save()
    return locked


def endpoint_delete(*, endpoint: Endpoint, actor: Any) -> None:
    _require_staff(actor)
    endpoint.delete()


# --- emitting ---------------------------------------------------------------------------


def event_emit(*, event: str, data: dict[str, Any]) -> None:
    """Announce `event` once the caller's transaction commits (nothing if it rolls back)."""
    if event not in Event.values:
        raise ValueError(f"Unknown webhook event: {event}")
    occurred_at = timezone.now()
    transaction.on_commit(lambda: deliveries_create(event=event, data=data, at=occurred_at))


def deliveries_create(*, event: str, data: dict[str, Any], at: datetime) -> list[Delivery]:
    """One delivery per active endpoint that takes `event`, each handed to the queue."""
    endpoints = [e for e in Endpoint.objects.filter(is_active=True) if event in e.events]
    if not endpoints:
        return []
    payload = json.loads(
        json.dumps({"type": event, "timestamp": at, "data": data}, cls=DjangoJSONEncoder)
    )
    message_id = f"msg_{uuid.uuid4().hex}"
    with transaction.atomic():
        deliveries = [
            Delivery.objects.create(
                endpoint=endpoint, event=event, message_id=message_id, payload=payload
            )
            for endpoint in endpoints
        ]
        for delivery in deliveries:
            _enqueue_after_commit(delivery.pk)
    return deliveries


def _enqueue_after_commit(delivery_id: int, run_after: datetime | None = None) -> None:
    from compagnon.webhooks.tasks import webhook_deliver

    def enqueue() -> None:
        task = webhook_deliver
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return  # `webhooks_tick` picks it up when it is due
            task = task.using(run_after=run_after)
        task.enqueue(delivery_id)

    transaction.on_commit(enqueue)


# --- delivering -------------------------------------------------------------------------


def signed_headers(*, secret: str, message_id: str, body: str, at: datetime) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": "compagnon-webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
    }


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: base, 2xbase, 4xbase… (capped at a day)."""
    seconds = settings.WEBHOOK_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, 86400))


def _claim(delivery_id: int, now: datetime) -> Delivery | None:
    """The delivery, if it is still to be attempted now (a second task gets None)."""
    delivery = (
        Delivery.objects.select_for_update()
        .select_related("endpoint")
        .filter(pk=delivery_id, status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRYING))
        .first()
    )
    if delivery is None:
        return None
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        return None
    # Claimed: another worker that reads it now sees it not yet due.
    delivery.next_attempt_at = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3)
    delivery.save(update_fields=["next_attempt_at"])
    return delivery


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> str:
    """Try one delivery once: delivered, retrying (with its next time), failed, or skipped."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = _claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return _record(delivery, now=now, code=None, error="Endpoint disabled.", final=True)
    body = json.dumps(delivery.payload, separators=(",", ":"))
    headers = signed_headers(
        secret=endpoint.secret, message_id=delivery.message_id, body=body, at=now
    )
    try:
        target = targets.target_check(endpoint.url)
        code, _text = targets.post(
            target,
            body=body.encode(),
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        )
    except targets.TargetRefused as refused:
        return _failed(delivery, now=now, code=None, error=str(refused))
    except ssl.SSLCertVerificationError as error:
        return _failed(
            delivery,
            now=now,
            code=None,
            error=(
                f"TLS: the receiver's certificate is not trusted ({error.verify_message}); "
                "its CA must be in the system's store or in WEBHOOK_CA_BUNDLE."
            ),
        )
    except OSError as error:  # refused, reset, timed out, other TLS errors
        return _failed(delivery, now=now, code=None, error=f"{type(error).__name__}: {error}")
    except http.client.HTTPException as error:  # an answer that is not HTTP, or too big
        return _failed(
            delivery,
            now=now,
            code=None,
            error=f"The answer is not valid HTTP ({type(error).__name__}: {error})"[:500],
        )
    if 200 <= code < 300:
        return _record(delivery, now=now, code=code, error="", ok=True)
    if 300 <= code < 400:
        return _failed(
            delivery, now=now, code=code, error=f"HTTP {code}: redirects are not followed."
        )
    return _failed(delivery, now=now, code=code, error=f"HTTP {code}")


def _failed(delivery: Delivery, *, now: datetime, code: int | None, error: str) -> str:
    status = _record(delivery, now=now, code=code, error=error)
    logger.warning(
        "webhook delivery %s to endpoint %s failed (%s): %s",
        delivery.pk,
        delivery.endpoint_id,
        status,
        error,
    )
    return status


def _record(
    delivery: Delivery,
    *,
    now: datetime,
    code: int | None,
    error: str,
    ok: bool = False,
    final: bool = False,
) -> str:
    with transaction.atomic():
        row = Delivery.objects.select_for_update().get(pk=delivery.pk)
        endpoint = Endpoint.objects.select_for_update().get(pk=row.endpoint_id)
        row.attempts += 1
        row.last_attempt_at = now
        row.last_status_code = code
        row.last_error = error[:500]
        if ok:
            row.status = DeliveryStatus.DELIVERED
            row.delivered_at = now
            row.next_attempt_at = None
            endpoint.consecutive_failures = 0
            endpoint.save(update_fields=["consecutive_failures"])
        else:
            if not final:
                endpoint.consecutive_failures += 1
                if (
                    endpoint.is_active
                    and endpoint.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES
                ):
                    _endpoint_auto_disable(endpoint, now=now, error=error)
                endpoint.save()
            if final or row.attempts >= settings.WEBHOOK_MAX_ATTEMPTS or not endpoint.is_active:
                row.status = DeliveryStatus.FAILED
                row.next_attempt_at = None
            else:
                row.status = DeliveryStatus.RETRYING
                row.next_attempt_at = now + backoff(row.attempts)
                _enqueue_after_commit(row.pk, run_after=row.next_attempt_at)
        row.save()
    return row.status


def _endpoint_auto_disable(endpoint: Endpoint, *, now: datetime, error: str) -> None:
    from django.contrib.auth import get_user_model

    endpoint.is_active = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = (
        f"{endpoint.consecutive_failures} failures in a row; the last: {error}"
    )[:300]
    staff = list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if staff:
        email_queue(
            to=staff,
            subject=f"Webhook endpoint switched off: {endpoint.url}"[:150],
            text=(
                f"The webhook endpoint {endpoint.url} failed {endpoint.consecutive_failures} "
                f"times in a row and was switched off.\n\nLast error: {error}\n\n"
                f"Fix the receiver, then switch it back on and replay the failed deliveries: "
                f"{settings.SITE_URL}/staff/webhooks/{endpoint.pk}/\n"
            ),
            key=f"webhooks:endpoint-disabled:{endpoint.pk}:{now.isoformat()}",
        )
    logger.warning("webhook endpoint %s switched off after repeated failures", endpoint.pk)


def delivery_replay(*, delivery: Delivery, actor: Any) -> Delivery:
    """Staff send a delivered or failed message again: a new row, the same webhook-id."""
    _require_staff(actor)
    if not delivery.endpoint.is_active:
        raise ValidationError(_("Switch the endpoint back on before replaying to it."))
    with transaction.atomic():
        replay = Delivery.objects.create(
            endpoint=delivery.endpoint,
            event=delivery.event,
            message_id=delivery.message_id,
            payload=delivery.payload,
            replay_of=delivery,
        )
        _enqueue_after_commit(replay.pk)
    return replay


def deliveries_retry_due(*, now: datetime | None = None) -> int:
    """Hand the due retries to the queue (for backends that cannot defer a task, and as a
    sweep after a worker crash). Safe at any time: an attempt claims its row first."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(
            status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRYING),
            next_attempt_at__lte=now,
        ).values_list("pk", flat=True)[:1000]
    )
    from compagnon.webhooks.tasks import webhook_deliver

    for delivery_id in due:
        webhook_deliver.enqueue(delivery_id)
    return len(due)
