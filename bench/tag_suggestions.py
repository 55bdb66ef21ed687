"""How often the member import's "did you mean …?" is right: `uv run python bench/tag_suggestions.py`.

bench/data/tag_spellings.tsv holds 200+ spellings people type in the Tags / Intérêt cells
(typos, plurals, French/English, word order, words that are no tag at all) with the tag
each one means ("-": none). For each, the import either recognises a tag outright, proposes
one (`TagResolver.closest`), or says nothing. Printed:

    tag_suggestions_right: 93.9% (199/212; target >= 90%)
    tag_suggestions_wrong: 0 (target 0)
    tag_suggestions_silent: 13 (a tag was meant, nothing proposed)

and the same for the matcher it replaced (difflib, cutoff 0.5) as the floor. No database:
the taxonomy is the club's starting list (members/taxonomy.py), held in memory.
"""

from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "tag_spellings.tsv"


def load_cases() -> list[tuple[str, str | None]]:
    cases = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        spelling, expected = line.split("\t")
        cases.append((spelling, None if expected == "-" else expected))
    return cases


def main(verbose: bool = False) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
    import django

    django.setup()
    from compagnon.members.models import Tag
    from compagnon.members.tags import TagResolver, normalise
    from compagnon.members.taxonomy import TAXONOMY

    tags = [
        Tag(pk=index, slug=slug, label_fr=fr, label_en=en, synonyms=synonyms)
        for index, (slug, fr, en, synonyms, _parent) in enumerate(TAXONOMY, start=1)
    ]
    resolver = TagResolver(tags)

    def old_closest(name: str) -> Tag | None:
        matches = difflib.get_close_matches(normalise(name), resolver._keys, n=1, cutoff=0.5)
        return resolver.by_key[matches[0]] if matches else None

    cases = load_cases()
    results = {}
    for label, closest in (("tag_suggestions", resolver.closest), ("floor_difflib", old_closest)):
        right = wrong = silent = 0
        for spelling, expected in cases:
            tag = resolver.resolve(spelling) or closest(spelling)
            answer = tag.slug if tag is not None else None
            if answer == expected:
                right += 1
            elif answer is None:
                silent += 1
                if verbose and label == "tag_suggestions":
                    print(f"  silent: {spelling!r} (meant {expected})")
            else:
                wrong += 1
                if verbose and label == "tag_suggestions":
                    print(f"  WRONG: {spelling!r} -> {answer} (meant {expected})")
        share = 100 * right / len(cases)
        results[label] = share
        if label == "tag_suggestions":
            print(f"{label}_right: {share:.1f}% ({right}/{len(cases)}; target >= 90%)")
            print(f"{label}_wrong: {wrong} (target 0)")
            print(f"{label}_silent: {silent} (a tag was meant, nothing proposed)")
            results["wrong"] = wrong
        else:
            print(
                f"{label}_right: {share:.1f}% ({right}/{len(cases)}), wrong: {wrong}, "
                f"silent: {silent} (the matcher it replaced)"
            )
    return results


if __name__ == "__main__":
    main(verbose="-v" in sys.argv)
