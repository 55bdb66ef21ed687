"""The REST client as the bot: its token goes to the configured chat server only."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from compagnon.chat.client import ChatPostFailed, api_call, webhook_post


@contextmanager
def _server(answer) -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server answering with `answer(handler)`; the Authorization headers seen."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization", ""))
            answer(self)

        do_POST = do_GET

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_a_failure_and_the_token_does_not_follow_it(status):
    def elsewhere(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        handler.wfile.write(b'{"id": "someone-else"}')

    with _server(elsewhere) as (other_url, other_seen):

        def redirect(handler) -> None:
            handler.send_response(status)
            handler.send_header("Location", other_url + "/api/v4/users/me")
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        with _server(redirect) as (chat_url, chat_seen):
            with pytest.raises(ChatPostFailed):
                api_call(chat_url, "secret-bot-token", "/api/v4/users/me")
            with pytest.raises(ChatPostFailed):
                api_call(chat_url, "secret-bot-token", "/api/v4/posts", {"message": "hi"})
    assert chat_seen == ["Bearer secret-bot-token"] * 2
    assert other_seen == []


def test_a_token_that_cannot_be_a_header_is_a_failure_that_does_not_spell_it():
    with pytest.raises(ChatPostFailed) as failure:
        api_call("http://127.0.0.1:9", "secret\nbot-token", "/api/v4/users/me")
    assert "secret" not in str(failure.value)


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("ftp://chat.example/hooks/x", "http(s) address"),
        ("file:///etc/passwd", "http(s) address"),
        ("http://127.0.0.1:9/hooks/x y\nHost: elsewhere", "malformed"),
    ],
)
def test_a_webhook_url_that_is_not_a_plain_http_address_is_a_failure_not_a_crash(url, said):
    """The tick counts a failed post and goes on; an odd setting must not end it."""
    with pytest.raises(ChatPostFailed) as failure:
        webhook_post(url, {"text": "hello"})
    assert said in str(failure.value)


def test_an_answer_that_is_not_http_is_a_failure_not_a_crash():
    """A server on the chat's address that does not speak HTTP: the post failed, said so."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def answer_garbage() -> None:
        connection, _ = listener.accept()
        connection.recv(65536)
        connection.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
        connection.close()

    thread = threading.Thread(target=answer_garbage, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/hooks/x"
    try:
        with pytest.raises(ChatPostFailed) as failure:
            webhook_post(url, {"text": "hello"})
    finally:
        thread.join(timeout=5)
        listener.close()
    assert "not HTTP" in str(failure.value)
