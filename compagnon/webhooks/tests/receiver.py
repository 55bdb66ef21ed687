"""A real HTTP(S) server on 127.0.0.1 that verifies Standard Webhooks signatures.

With `certificate` it speaks HTTPS (Python's ssl, the test's self-signed certificate);
with `redirect_to` set it answers every POST with a 302 to that address.
"""

from __future__ import annotations

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook

from compagnon.webhooks.tests.tls import Certificate


class Receiver:
    def __init__(self, certificate: Certificate | None = None) -> None:
        self.secret = ""
        self.status = 200
        self.redirect_to = ""
        self.received: list[dict] = []
        self.rejected: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                if receiver.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", receiver.redirect_to)
                    self.end_headers()
                    return
                headers = {key.lower(): value for key, value in self.headers.items()}
                try:
                    payload = Webhook(receiver.secret).verify(body, headers)
                except Exception as error:  # the library raises its own WebhookVerificationError
                    receiver.rejected.append(str(error))
                    self.send_response(400)
                else:
                    receiver.received.append(
                        {"id": headers["webhook-id"], "payload": payload, "raw": json.loads(body)}
                    )
                    self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.scheme = "http"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certificate.cert_file, certificate.key_file)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}/hooks/compagnon"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
