"""Start the test OpenID Connect provider (tests/idp/) in its own process, for one test module."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "compagnon-test-client"
CLIENT_SECRET = "compagnon-test-secret-0123456789"
PASSWORD = "idp-password-42"


@dataclass
class IdP:
    url: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rsa_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@contextmanager
def running_idp(*, users: list[dict], redirect_uris: list[str]):
    """An IdP at http://127.0.0.1:<port>, its discovery answering, stopped on exit."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        config = {
            "db": str(Path(folder) / "idp.sqlite3"),
            "port": port,
            "rsa_private_key": _rsa_private_key_pem(),
            "users": [{"password": PASSWORD, **user} for user in users],
            "client": {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": redirect_uris,
            },
        }
        env = {**os.environ, "IDP_CONFIG": json.dumps(config)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        log = open(Path(folder) / "idp.log", "w")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(
            [sys.executable, "-m", "compagnon.sso.tests.idp.serve"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        idp = IdP(url=f"http://127.0.0.1:{port}")
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    log.flush()
                    raise RuntimeError(
                        "the test IdP stopped: " + (Path(folder) / "idp.log").read_text()
                    )
                try:
                    if requests.get(f"{idp.issuer}/.well-known/openid-configuration", timeout=2).ok:
                        break
                except requests.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the test IdP did not answer within 60 s")
                time.sleep(0.2)
            yield idp
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
