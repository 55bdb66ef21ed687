"""Answer rules: pure functions, no ORM, so they are tested on their own.

Every rule compares normalised text: case folded, accents removed, spaces
collapsed, typographic quotes and apostrophes made plain. Numbers accept a
decimal comma, spaces (also thin and no-break) between thousands, and a trailing
`%` or unit-less sign.

    exact    {"accept": ["age", "l'age du client"]}
    set      {"items": ["age", "code postal|postcode"]}   # "|" separates synonyms
    number   {"value": 0.72, "tolerance": 0.01}
    pattern  {"regex": "v?2\\.3(\\.0)?"}                   # full match, on normalised text
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from django.utils.translation import gettext as _

MAX_ANSWER = 300
SET_SEPARATORS = re.compile(r"\s*(?:[,;/\n+&]|\bet\b|\band\b)\s*")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
QUOTES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)[:MAX_ANSWER].translate(QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = " ".join(text.casefold().split())
    return text.strip(" .!?\"'")


def parse_number(text: str) -> float | None:
    cleaned = str(text)[:MAX_ANSWER].strip()
    for space in (" ", "\u00a0", "\u202f", "\u2009", "_"):
        cleaned = cleaned.replace(space, "")
    cleaned = cleaned.rstrip("%").replace(",", ".")
    if not NUMBER.match(cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def _synonyms(item: str) -> set[str]:
    return {normalise(word) for word in str(item).split("|") if normalise(word)}


def is_correct(rule: str, answer: dict[str, Any], given: str) -> bool:
    if rule == "exact":
        target = normalise(given)
        return any(target in _synonyms(accepted) for accepted in answer.get("accept", []))
    if rule == "set":
        parts = {normalise(part) for part in SET_SEPARATORS.split(normalise(given))} - {""}
        items = [_synonyms(item) for item in answer.get("items", [])]
        if len(parts) != len(items):
            return False
        return all(any(part in synonyms for part in parts) for synonyms in items) and all(
            any(part in synonyms for synonyms in items) for part in parts
        )
    if rule == "number":
        value = parse_number(given)
        if value is None:
            return False
        return abs(value - float(answer["value"])) <= float(answer.get("tolerance", 0)) + 1e-9
    if rule == "pattern":
        return re.fullmatch(answer["regex"], normalise(given), flags=re.IGNORECASE) is not None
    return False


def answer_problems(rule: str, answer: Any) -> list[str]:
    """What is wrong with an author's rule, in words; an empty list when it can be used."""
    if not isinstance(answer, dict):
        return [_("The answer must be a JSON object.")]
    if rule == "exact":
        accepted = answer.get("accept")
        if not isinstance(accepted, list) or not [a for a in accepted if normalise(str(a))]:
            return [_('An exact rule needs {"accept": ["…", …]} with at least one answer.')]
    elif rule == "set":
        items = answer.get("items")
        if not isinstance(items, list) or len(items) < 2 or not all(_synonyms(i) for i in items):
            return [_('A set rule needs {"items": ["…", "…"]} with at least two items.')]
    elif rule == "number":
        try:
            value = float(answer["value"])
            tolerance = float(answer.get("tolerance", 0))
        except (KeyError, TypeError, ValueError):
            return [_('A number rule needs {"value": 0.72, "tolerance": 0.01}.')]
        if not math.isfinite(value) or not math.isfinite(tolerance) or tolerance < 0:
            return [_("The value and the tolerance must be finite; the tolerance not negative.")]
    elif rule == "pattern":
        regex = answer.get("regex")
        if not isinstance(regex, str) or not regex:
            return [_('A pattern rule needs {"regex": "…"}.')]
        try:
            re.compile(regex)
        except re.error as error:
            return [_("The pattern does not compile: %(error)s") % {"error": error}]
    else:
        return [_("Unknown answer rule.")]
    return []
