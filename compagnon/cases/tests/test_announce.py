"""An opened case is announced on the club's chat: a JSON POST to a real local HTTP server."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from compagnon.cases.models import CaseStatus, Confidentiality
from compagnon.cases.services import case_transition
from compagnon.cases.tasks import case_announce
from compagnon.cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@dataclass
class Received:
    path: str
    content_type: str
    body: dict


@dataclass
class Webhook:
    url: str
    received: list[Received] = field(default_factory=list)
    status: int = 200


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    """A chat server on 127.0.0.1 (a free port) that records what it is sent."""
    hook = Webhook(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            hook.received.append(
                Received(
                    path=self.path,
                    content_type=self.headers.get("Content-Type", ""),
                    body=json.loads(self.rfile.read(length)),
                )
            )
            self.send_response(hook.status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/abc"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield hook
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def configured(settings, webhook):
    settings.CHAT_WEBHOOK_URL = webhook.url
    settings.SITE_URL = "https://club.example"
    return webhook


def open_it(case, staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=case, to_status=CaseStatus.OPEN, actor=staff_user)


def test_opening_a_case_announces_it(
    configured, member_a, staff_user, django_capture_on_commit_callbacks
):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED, title="Forecasts broke")
    open_it(case, staff_user, django_capture_on_commit_callbacks)
    (request,) = configured.received
    assert request.path == "/hooks/abc"
    assert request.content_type == "application/json"
    assert request.body == {
        "text": "New case open for interest: Forecasts broke (Alpha Corp) — "
        f"https://club.example/cases/{case.pk}/"
    }


def test_an_anonymised_case_does_not_name_its_organisation(
    configured, member_a, staff_user, django_capture_on_commit_callbacks
):
    case = CaseFactory(
        brought_by=member_a,
        status=CaseStatus.SUBMITTED,
        title="Secret forecasts",
        confidentiality=Confidentiality.ANONYMISED,
    )
    open_it(case, staff_user, django_capture_on_commit_callbacks)
    (request,) = configured.received
    assert "Alpha Corp" not in request.body["text"]
    assert request.body["text"].startswith("New case open for interest: Secret forecasts — ")


def test_a_named_organisations_case_is_not_announced(
    configured, member_a, org_b, staff_user, django_capture_on_commit_callbacks
):
    case = CaseFactory(
        brought_by=member_a,
        status=CaseStatus.SUBMITTED,
        confidentiality=Confidentiality.NAMED_ORGANISATIONS,
        shared_with=[org_b],
    )
    open_it(case, staff_user, django_capture_on_commit_callbacks)
    assert configured.received == []
    assert case_announce.call(case.pk) is False


def test_mentions_in_a_title_do_not_ping_the_channel(
    configured, member_a, staff_user, django_capture_on_commit_callbacks
):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED, title="@channel help")
    open_it(case, staff_user, django_capture_on_commit_callbacks)
    assert "@channel" not in configured.received[0].body["text"]


def test_nothing_is_sent_without_a_webhook(
    settings, webhook, member_a, staff_user, django_capture_on_commit_callbacks
):
    settings.CHAT_WEBHOOK_URL = ""
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    open_it(case, staff_user, django_capture_on_commit_callbacks)
    assert webhook.received == []


def test_a_case_that_moved_on_is_not_announced(configured, member_a):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.CLOSED)
    assert case_announce.call(case.pk) is False
    assert configured.received == []


def test_only_http_webhooks_are_called(settings, member_a):
    settings.CHAT_WEBHOOK_URL = "file:///etc/passwd"
    case = CaseFactory(brought_by=member_a, opened=True)
    assert case_announce.call(case.pk) is False


def test_a_chat_server_down_does_not_undo_the_opening(
    settings, member_a, staff_user, django_capture_on_commit_callbacks
):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CHAT_WEBHOOK_URL = f"http://127.0.0.1:{port}/hook"
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    open_it(case, staff_user, django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    with pytest.raises(OSError):
        case_announce.call(case.pk)
