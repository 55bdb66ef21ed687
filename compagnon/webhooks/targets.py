"""Where a webhook may go: the SSRF rule, and a request pinned to the address checked.

An endpoint's host is resolved, and every address it resolves to must be public:
private (10/8, 172.16/12, 192.168/16, fc00::/7), loopback, link-local (the cloud
metadata address 169.254.169.254), multicast, reserved and unspecified addresses are
refused. `WEBHOOK_ALLOW_LOOPBACK` (on in tests and development only) lets loopback
through, so a test can deliver to a server it starts on 127.0.0.1. The check runs when
staff register an endpoint and again before each attempt, and the connection goes to
the address that was checked (a DNS answer that changes in between is not followed);
redirects are not followed (a 3xx answer is a failed attempt, retried like any other).
The timeout bounds the whole attempt, so a receiver answering a byte at a time holds a
worker no longer than that.

HTTPS certificates are always verified, against the system's CAs (which OpenSSL reads
from SSL_CERT_FILE / SSL_CERT_DIR when set) plus `WEBHOOK_CA_BUNDLE`, a PEM file of
further CAs for receivers behind a private CA. Nothing switches verification off.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings


class TargetRefused(Exception):
    """The URL may not receive webhooks; the message says why (shown to staff)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address wrapped in IPv6 (::ffff:a.b.c.d, 6to4 2002:abcd::) is judged as itself.
        address = address.ipv4_mapped or address.sixtofour or address
    if address.is_loopback:
        return bool(getattr(settings, "WEBHOOK_ALLOW_LOOPBACK", False))
    return not (
        address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def target_check(url: str) -> Target:
    """The URL's target, or TargetRefused when it is not http(s) or resolves to a private host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("Only http and https URLs receive webhooks.")
    if not parts.hostname:
        raise TargetRefused("The URL has no host.")
    if parts.username or parts.password:
        raise TargetRefused("Put no user name or password in the URL.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("The URL's port is not a number.") from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        raise TargetRefused(f"The host {parts.hostname} does not resolve.") from None
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not _allowed(ipaddress.ip_address(address.split("%")[0])):
            raise TargetRefused(
                f"The host {parts.hostname} resolves to {address}, a private or loopback "
                "address: webhooks go to public addresses only."
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])


class _Deadline:
    """The end of the whole attempt: each read waits only for the time left.

    A socket timeout alone bounds each read, so a receiver sending its answer a byte at a
    time would keep a worker for as long as it likes; past the deadline a read fails.
    """

    deadline = float("inf")

    def _time_left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("The receiver took longer than the timeout to answer.")
        return left

    def recv_into(self, buffer: Any, *args: Any, **kwargs: Any) -> int:
        self.settimeout(self._time_left())  # type: ignore[attr-defined]
        return super().recv_into(buffer, *args, **kwargs)  # type: ignore[misc]


class _DeadlineSocket(_Deadline, socket.socket):
    pass


class _DeadlineSSLSocket(_Deadline, ssl.SSLSocket):
    pass


def _connect(address: str, port: int, deadline: float) -> _DeadlineSocket:
    raw = socket.create_connection((address, port), max(deadline - time.monotonic(), 0.001))
    sock = _DeadlineSocket(raw.family, raw.type, raw.proto, fileno=raw.detach())
    sock.deadline = deadline
    sock.settimeout(sock._time_left())
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address
        self._deadline = time.monotonic() + timeout

    def connect(self) -> None:
        self.sock = _connect(self._address, self.port, self._deadline)


def tls_context() -> ssl.SSLContext:
    """Certificate and host name checked; the system's CAs and WEBHOOK_CA_BUNDLE's trusted."""
    context = ssl.create_default_context()
    context.sslsocket_class = _DeadlineSSLSocket
    bundle = getattr(settings, "WEBHOOK_CA_BUNDLE", "")
    if bundle:
        context.load_verify_locations(cafile=bundle)
    return context


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=tls_context())
        self._address = target.address
        self._deadline = time.monotonic() + timeout

    def connect(self) -> None:
        sock = _connect(self._address, self.port, self._deadline)
        tls = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]
        tls.deadline = self._deadline
        self.sock = tls


def post(
    target: Target, *, body: bytes, headers: dict[str, str], timeout: float
) -> tuple[int, str]:
    """POST `body` to the checked address; the status and the start of the answer.

    `timeout` bounds the whole attempt (connect, TLS, send, the answer), not each read.
    """
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(500).decode("utf-8", "replace")
        return response.status, text
    finally:
        connection.close()
