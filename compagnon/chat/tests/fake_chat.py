"""A stand-in for the chat server: a real HTTP server on 127.0.0.1 that records what it is sent.

Two doors, as on Mattermost: the incoming webhook (`url`, records `posts`), and the REST
API under `/api/v4` for a bot (`api_url`, records every request in `api_requests`):
`GET /users/me`, `POST /channels/direct` (two user ids) and `POST /posts`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BOT_TOKEN = "bot-token-for-tests"
BOT_USER_ID = "mm-bot"


@dataclass
class ApiRequest:
    method: str
    path: str
    authorization: str
    body: object


@dataclass
class ChatServer:
    url: str = ""
    api_url: str = ""
    posts: list[dict] = field(default_factory=list)
    status: int = 200
    api_requests: list[ApiRequest] = field(default_factory=list)
    # The API answers this status to requests whose path ends with one of these keys.
    api_failures: dict[str, int] = field(default_factory=dict)

    def buttons(self, index: int = -1) -> dict[str, dict]:
        """The buttons of a recorded post, by action id: {"interested": {"url", "context"}}."""
        post = self.posts[index]
        attachments = post.get("attachments") or post["props"]["attachments"]
        actions = attachments[0]["actions"]
        return {action["id"]: action["integration"] for action in actions}

    def api(self, method: str, path: str) -> list[ApiRequest]:
        return [r for r in self.api_requests if (r.method, r.path) == (method, "/api/v4" + path)]


def _direct_channel_id(user_ids: list[str]) -> str:
    return "dm__" + "__".join(sorted(user_ids))


@contextmanager
def running_chat_server() -> Iterator[ChatServer]:
    chat = ChatServer()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _api(self, method: str, body: object) -> None:
            chat.api_requests.append(
                ApiRequest(method, self.path, self.headers.get("Authorization", ""), body)
            )
            if self.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
                return self._answer(401, {"id": "api.context.session_expired.app_error"})
            for suffix, status in chat.api_failures.items():
                if self.path.endswith(suffix):
                    return self._answer(status, {"message": "failing on purpose"})
            if (method, self.path) == ("GET", "/api/v4/users/me"):
                return self._answer(200, {"id": BOT_USER_ID, "username": "club-bot"})
            if (method, self.path) == ("POST", "/api/v4/channels/direct"):
                assert isinstance(body, list) and len(body) == 2
                return self._answer(201, {"id": _direct_channel_id(body), "type": "D"})
            if (method, self.path) == ("POST", "/api/v4/posts"):
                assert isinstance(body, dict)
                chat.posts.append(body)
                return self._answer(201, {"id": f"post-{len(chat.posts)}", **body})
            return self._answer(404, {"message": "no such route"})

        def do_GET(self):
            if self.path.startswith("/api/v4/"):
                return self._api("GET", None)
            self._answer(404, {})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if self.path.startswith("/api/v4/"):
                assert self.headers.get("Content-Type") == "application/json"
                return self._api("POST", json.loads(body))
            if chat.status == 200:
                assert self.headers.get("Content-Type") == "application/json"
                chat.posts.append(json.loads(body))
            self.send_response(chat.status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    chat.api_url = f"http://127.0.0.1:{server.server_address[1]}"
    chat.url = f"{chat.api_url}/hooks/club"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield chat
    finally:
        server.shutdown()
        server.server_close()
