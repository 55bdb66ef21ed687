"""Shared benchmark helpers: Django on a throwaway database, timings, query counts.

Usage from a benchmark script (run as `uv run python bench/<name>.py`):

    from _common import setup_django, measure, report
    setup_django()            # before importing any model
    ...
    floor = measure(lambda: client.get("/healthz"))
    report("directory_first_page", measure(lambda: client.get("/directory/")), floor)

Without DATABASE_URL the database is SQLite in a temporary directory
(COMPAGNON_VAR_DIR), removed at exit. With a PostgreSQL DATABASE_URL a fresh
database named `compagnon_bench` is created on that server and dropped at exit;
the database named in the URL is only used to connect and is never touched.
"""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "compagnon_bench"


def _postgres_admin_connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def _fresh_postgres_database(url: str) -> str:
    """Create an empty `compagnon_bench` next to the URL's database; return its URL."""
    parts = urlsplit(url)
    with _postgres_admin_connect(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with _postgres_admin_connect(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')

    atexit.register(drop)
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def _fresh_sqlite_directory() -> str:
    var_dir = tempfile.mkdtemp(prefix="compagnon-bench-")
    atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
    return var_dir


def setup_django(*, debug: bool = False) -> str:
    """Point Django at a new empty database, migrate it, and return the engine's name.

    DEBUG is off by default: with it on Django keeps every query in memory,
    which slows the very thing being measured.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
    os.environ["DEBUG"] = "true" if debug else "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
            raise SystemExit("bench: DATABASE_URL must be PostgreSQL (or unset for SQLite).")
        os.environ["DATABASE_URL"] = _fresh_postgres_database(url)
    else:
        os.environ["COMPAGNON_VAR_DIR"] = _fresh_sqlite_directory()
    # WhiteNoise warns that collectstatic never ran; irrelevant to timings.
    warnings.filterwarnings("ignore", message="No directory at")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.db import connection

    return connection.vendor


def bench_client(user=None):
    """A test client that passes ALLOWED_HOSTS with DEBUG off, signed in as `user` if given."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    if user is not None:
        client.force_login(user)
    return client


def measure(call: Callable[[], object], *, runs: int = 30, warmup: int = 3) -> float:
    """Median wall time of `call` in milliseconds, after a few untimed warm-up calls."""
    for _ in range(warmup):
        _check(call())
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        durations.append((time.perf_counter() - start) * 1000)
        _check(result)
    return statistics.median(durations)


def _check(result: object) -> None:
    status = getattr(result, "status_code", 200)
    if status != 200:
        raise SystemExit(f"bench: a measured request answered {status}, not 200.")


def report(name: str, value_ms: float, floor_ms: float, *, floor_name: str = "healthz") -> None:
    """Print `name: 38.2 ms (9.1x floor healthz 4.2 ms)`."""
    ratio = value_ms / floor_ms if floor_ms else float("inf")
    print(
        f"{name}: {value_ms:.1f} ms ({ratio:.1f}x floor {floor_name} {floor_ms:.1f} ms)", flush=True
    )


def count_queries(call: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _check(call())
    return len(queries)


def info(message: str) -> None:
    """Context lines go to stderr so stdout holds only the results."""
    print(f"# {message}", file=sys.stderr, flush=True)
