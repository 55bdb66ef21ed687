"""A stand-in for the chat server: a real HTTP server on 127.0.0.1 that records what it is sent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class ChatServer:
    url: str = ""
    posts: list[dict] = field(default_factory=list)
    status: int = 200

    def buttons(self, index: int = -1) -> dict[str, dict]:
        """The buttons of a recorded post, by action id: {"interested": {"url", "context"}}."""
        actions = self.posts[index]["attachments"][0]["actions"]
        return {action["id"]: action["integration"] for action in actions}


@contextmanager
def running_chat_server() -> Iterator[ChatServer]:
    chat = ChatServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if chat.status == 200:
                assert self.headers.get("Content-Type") == "application/json"
                chat.posts.append(json.loads(body))
            self.send_response(chat.status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    chat.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/club"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield chat
    finally:
        server.shutdown()
        server.server_close()
