"""The vocabulary of the permission table: personas, expectations, and `Case`.

`test_permissions.py` holds the table for the foundation's URLs; each app adds its
own in `<app>/tests/url_table.py` (a dict named `URL_TABLE` built with these
helpers). The objects a row needs come from the `World` passed to its lambdas;
an app makes what else it needs lazily from it, once per world.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"
REDIRECT = "redirect"
PERSONAS = ("anonymous", "guest", "lapsed", "member_a", "manager_a", "member_b", "staff")


def everyone(expected) -> dict[str, Any]:
    return dict.fromkeys(PERSONAS, expected)


def members_only(member=200, guest=403) -> dict[str, Any]:
    return {
        "anonymous": LOGIN,
        "guest": guest,
        "lapsed": guest,
        "member_a": member,
        "manager_a": member,
        "member_b": member,
        "staff": member,
    }


def signed_in(expected=200) -> dict[str, Any]:
    return {**everyone(expected), "anonymous": LOGIN}


def staff_only(staff=200) -> dict[str, Any]:
    return {**everyone(403), "anonymous": LOGIN, "staff": staff}


def org_a_private(ok=200) -> dict[str, Any]:
    """Organisation A's private data: its managers and staff; 404 for everyone else."""
    return {
        "anonymous": LOGIN,
        "guest": 404,
        "lapsed": 404,
        "member_a": 404,
        "manager_a": ok,
        "member_b": 404,
        "staff": ok,
    }


@dataclass
class Case:
    expect: dict[str, Any]
    kwargs: Callable[[Any], dict[str, Any]] = lambda world: {}
    method: str = "get"
    note: str = ""
    data: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})
    # What must not appear in the page for the personas in `hidden_from` (when they get it):
    # for derived objects, what the object they come from hides (an anonymised case's bringer).
    hides: Callable[[Any], list[str]] = field(default=lambda world: [])
    hidden_from: tuple[str, ...] = ()
