"""A receiver that answers a byte at a time keeps no worker past WEBHOOK_TIMEOUT_SECONDS:
the timeout bounds the whole attempt, not each read (a real socket server on 127.0.0.1)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from compagnon.webhooks.models import Delivery, DeliveryStatus
from compagnon.webhooks.services import endpoint_create, event_emit

pytestmark = pytest.mark.django_db


class DrippingServer:
    """Reads the request, then sends its answer one byte every `pause` seconds."""

    def __init__(self, answer: bytes, pause: float = 0.2) -> None:
        self.answer = answer
        self.pause = pause
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stop.is_set():
            try:
                connection, _address = self.listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)
                for byte in self.answer:
                    if self.stop.is_set():
                        return
                    try:
                        connection.sendall(bytes([byte]))
                    except OSError:
                        break
                    time.sleep(self.pause)

    def __enter__(self) -> DrippingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(5)
        self.listener.close()


@pytest.mark.parametrize(
    "answer",
    [
        # Endless headers, a byte at a time.
        b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 400 + b"\r\n\r\n",
        # Headers at once, then the body a byte at a time.
        b"HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n" + b"b" * 400,
    ],
    ids=["headers", "body"],
)
def test_a_receiver_dripping_its_answer_fails_the_attempt_within_the_timeout(
    answer, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    with DrippingServer(answer) as server:
        endpoint_create(
            url=f"http://127.0.0.1:{server.port}/hook", events=["member.joined"], actor=staff_user
        )
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            event_emit(event="member.joined", data={"person_id": 5})
        elapsed = time.monotonic() - started
    delivery = Delivery.objects.get()
    assert elapsed < 3, f"the attempt held the worker {elapsed:.1f} s"
    assert delivery.status != DeliveryStatus.DELIVERED
    assert "Timeout" in delivery.last_error


@pytest.mark.parametrize(
    "answer",
    [
        b"NOT HTTP AT ALL\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n" + b"X-Many: 1\r\n" * 101 + b"\r\n",
        b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n",
    ],
    ids=["not-http", "too-many-headers", "header-too-long"],
)
def test_a_receiver_answering_nonsense_is_a_recorded_failed_attempt(
    answer, staff_user, settings, django_capture_on_commit_callbacks
):
    """Not a crash of the task: the attempt is counted, its reason kept, and it is retried
    with the back-off like any failure (else it would be re-sent forever, never counted)."""
    with DrippingServer(answer, pause=0) as server:
        endpoint_create(
            url=f"http://127.0.0.1:{server.port}/hook", events=["member.joined"], actor=staff_user
        )
        with django_capture_on_commit_callbacks(execute=True):
            event_emit(event="member.joined", data={"person_id": 5})
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_error
