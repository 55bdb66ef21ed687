"""Turn what people type ("machine-learning", "TS", "Séries temporelles") into taxonomy tags."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from compagnon.members.models import Sector, Tag


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation folded to single spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9+#]+", " ", text.lower()).strip()


def split_tag_cell(cell: str) -> list[str]:
    """A spreadsheet cell listing tags, separated by commas, semicolons, pipes or new lines."""
    return [part.strip() for part in re.split(r"[,;|\n]", cell or "") if part.strip()]


class TagResolver:
    """Resolves names against slugs, French and English labels and synonyms, in one pass of the table.

    Works the same for the sectors (anything with slug, label_fr, label_en, synonym_list, pk).
    """

    def __init__(self, tags: Iterable[Any]):
        self.by_key: dict[str, Any] = {}
        for tag in tags:
            for name in (tag.slug, tag.label_fr, tag.label_en, *tag.synonym_list):
                key = normalise(name)
                if key:
                    self.by_key.setdefault(key, tag)
        self._keys = list(self.by_key)

    @classmethod
    def load(cls) -> TagResolver:
        return cls(Tag.objects.all())

    @classmethod
    def load_sectors(cls) -> TagResolver:
        return cls(Sector.objects.all())

    def resolve(self, name: str) -> Tag | None:
        return self.by_key.get(normalise(name))

    def closest(self, name: str) -> Tag | None:
        """The known tag `name` is a misspelling, plural or reordering of; None when unsure.

        Only a close call is proposed (bench/tag_suggestions.py measures it on 200+ real-world
        spellings: a wrong suggestion is worse than none, so the threshold is set for none).
        A name is compared with every label and synonym as a whole, without spaces, and word
        by word (stop words and plural s aside, any order); short names (acronyms) are only
        ever matched exactly. Two different tags nearly as close: no suggestion.
        """
        key = normalise(name)
        if not key:
            return None
        compact = key.replace(" ", "")
        words = _words(key)
        scores: dict[int, tuple[float, Tag]] = {}
        for candidate, tag in self.by_key.items():
            candidate_compact = candidate.replace(" ", "")
            if compact == candidate_compact or (words and words == _words(candidate)):
                return tag
            if len(compact) <= SHORT or len(candidate_compact) <= SHORT:
                continue  # "ML", "OR", "CV": an acronym is never a typo of another word
            score = max(
                difflib.SequenceMatcher(None, compact, candidate_compact).ratio(),
                _word_score(words, _words(candidate)),
            )
            if score > scores.get(tag.pk, (0.0, tag))[0]:
                scores[tag.pk] = (score, tag)
        ranked = sorted(scores.values(), key=lambda item: item[0], reverse=True)
        if not ranked or ranked[0][0] < SUGGESTION_THRESHOLD:
            return None
        if len(ranked) > 1 and ranked[1][0] >= ranked[0][0] - AMBIGUITY_MARGIN:
            return None
        return ranked[0][1]


SHORT = 4
SUGGESTION_THRESHOLD = 0.87
AMBIGUITY_MARGIN = 0.03
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "de",
        "des",
        "du",
        "d",
        "l",
        "la",
        "le",
        "les",
        "et",
        "en",
        "&",
        "pour",
        "for",
    ]
)


def _words(key: str) -> tuple[str, ...]:
    """Meaningful words, plural s/x off, in a fixed order: "series temporelles" ~ "serie temporelle"."""
    words = []
    for word in key.split():
        if word in _STOP_WORDS:
            continue
        if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return tuple(sorted(words))


def _word_score(left: tuple[str, ...], right: tuple[str, ...]) -> float:
    """Same number of words, each close to one of the other's: the mean closeness, else 0."""
    if not left or len(left) != len(right):
        return 0.0
    remaining = list(right)
    total = 0.0
    for word in left:
        best = max(remaining, key=lambda other: difflib.SequenceMatcher(None, word, other).ratio())
        ratio = difflib.SequenceMatcher(None, word, best).ratio()
        if ratio < 0.8:
            return 0.0
        total += ratio
        remaining.remove(best)
    return total / len(left)
