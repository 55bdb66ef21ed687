"""Odd query strings never crash a page: every URL of the table, as a visitor and as staff.

Hypothesis draws values for every GET parameter the project reads (found in the source:
`request.GET.get("x")`, `getlist`, `request.GET["x"]`, and the fields of the forms bound
to `request.GET`): huge and negative numbers, NUL, long unicode, impossible dates, empty
values and repeated keys. Any 5xx (or an exception out of a view) fails. Derandomised
and bounded, so it runs the same in CI and in a few seconds per persona.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django import forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_permissions import URL_TABLE, World

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = 3

_READ = re.compile(r"""GET(?:\.get|\.getlist)?[\[(]\s*["']([A-Za-z_][\w-]*)["']""")
_BOUND_FORM = re.compile(r"(\w+Form)\(\s*request\.GET")


def _parameter_names() -> list[str]:
    names = {"page", "next", "q", "sort", "lang", "format"}
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        names.update(_READ.findall(source))
        for form_name in _BOUND_FORM.findall(source):
            module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
            form = getattr(importlib.import_module(module), form_name, None)
            if isinstance(form, type) and issubclass(form, forms.BaseForm):
                names.update(form.base_fields)
    return sorted(names)


PARAMETERS = _parameter_names()

_odd_value = st.one_of(
    st.sampled_from(
        [
            "99999999999999999999",
            "-99999999999999999999",
            str(2**63),
            "-1",
            "0",
            "1e309",
            "nan",
            "-inf",
            "\x00",
            "a\x00b",
            "",
            " ",
            "2026-13-45",
            "0000-00-00",
            "../../etc/passwd",
            "//evil.example/",
            "javascript:alert(1)",
            "%",
            "é" * 2000,
            "🦜" * 500,
            "<script>",
            "' OR 1=1 --",
            "[]",
            "{}",
        ]
    ),
    st.text(min_size=0, max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
# Repeated keys: one, two or three values for the same name.
_query = st.dictionaries(
    st.sampled_from(PARAMETERS), st.lists(_odd_value, min_size=1, max_size=3), max_size=8
)
# Every parameter at once with the same value: the classes of odd values each URL meets
# whatever the draw.
# (`.get()` reads the last of repeated values, `getlist()` all of them.)
_ALL_AT_ONCE = [
    {name: ["99999999999999999999"] for name in PARAMETERS},
    {name: ["é" * 300, "\x00", "-99999999999999999999"] for name in PARAMETERS},
    {name: ["a\x00b"] for name in PARAMETERS},
]


def _urls(world) -> list[tuple[str, str]]:
    """One URL per named route, its objects made from the world (GET rows preferred)."""
    urls = []
    for name, cases in sorted(URL_TABLE.items()):
        rows = cases if isinstance(cases, list) else [cases]
        case = next((row for row in rows if row.method == "get"), rows[0])
        urls.append((name, reverse(name, kwargs=case.kwargs(world))))
    return urls


def test_the_parameters_found_include_the_known_ones():
    assert {"page", "year", "month", "next"} <= set(PARAMETERS)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "staff"])
def test_odd_query_strings_never_give_a_server_error(client, persona):
    world = World()
    user = world.user_of(persona)
    if user is not None:
        client.force_login(user)
    urls = _urls(world)

    def check(query):
        for name, url in urls:
            path = f"{url}?{urlencode(query, doseq=True)}"
            response = client.get(path)
            assert response.status_code < 500, f"{persona} GET {path[:300]!r} ({name})"

    for query in _ALL_AT_ONCE:
        check(query)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=_query)
    def every_url(query):
        check(query)

    every_url()
