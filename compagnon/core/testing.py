"""Test helpers shared by every app: a real SMTP server the platform sends to.

Import the fixture into a conftest.py (`from compagnon.core.testing import smtp_server`).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


@dataclass
class ReceivedEmail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


@dataclass
class _Collector:
    received: list[ReceivedEmail] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(
            ReceivedEmail(
                mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos), message=message
            )
        )
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    collector: _Collector

    @property
    def received(self) -> list[ReceivedEmail]:
        return self.collector.received


def free_port(host: str) -> int:
    # aiosmtpd's Controller connects to its own port to check it started, so
    # it needs a real port number up front rather than 0.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpServer]:
    """A local SMTP server, with Django's SMTP backend pointed at it."""
    host = "127.0.0.1"
    collector = _Collector()
    controller = Controller(collector, hostname=host, port=free_port(host))
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = host
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield SmtpServer(host=host, port=controller.port, collector=collector)
    finally:
        controller.stop()
