""" "Did you mean …?" only when truly close: measured on 200+ spellings (bench/data/tag_spellings.tsv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from compagnon.members.models import Tag
from compagnon.members.tags import TagResolver

SPELLINGS = Path(__file__).resolve().parents[3] / "bench" / "data" / "tag_spellings.tsv"

pytestmark = pytest.mark.django_db


def _cases() -> list[tuple[str, str | None]]:
    cases = []
    for line in SPELLINGS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            spelling, expected = line.split("\t")
            cases.append((spelling, None if expected == "-" else expected))
    return cases


def test_suggestions_are_right_at_least_nine_times_in_ten_and_never_wrong():
    resolver = TagResolver.load()
    cases = _cases()
    assert len(cases) >= 200
    answers = {}
    for spelling, _expected in cases:
        tag = resolver.resolve(spelling) or resolver.closest(spelling)
        answers[spelling] = tag.slug if tag is not None else None
    wrong = [(s, answers[s], e) for s, e in cases if answers[s] is not None and answers[s] != e]
    right = sum(1 for s, e in cases if answers[s] == e)
    assert wrong == []
    assert right / len(cases) >= 0.9


@pytest.mark.parametrize("sector", ["Finance", "Research", "Food", "Telecom", "Banque"])
def test_a_sector_is_never_taken_for_a_tag(sector):
    assert TagResolver.load().closest(sector) is None
    assert Tag.objects.exists()
