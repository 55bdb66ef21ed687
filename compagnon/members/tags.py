"""Turn what people type ("machine-learning", "TS", "Séries temporelles") into taxonomy tags."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from compagnon.members.models import Tag


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation folded to single spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9+#]+", " ", text.lower()).strip()


def split_tag_cell(cell: str) -> list[str]:
    """A spreadsheet cell listing tags, separated by commas, semicolons, pipes or new lines."""
    return [part.strip() for part in re.split(r"[,;|\n]", cell or "") if part.strip()]


class TagResolver:
    """Resolves names against slugs, French and English labels and synonyms, in one pass of the table."""

    def __init__(self, tags: Iterable[Tag]):
        self.by_key: dict[str, Tag] = {}
        for tag in tags:
            for name in (tag.slug, tag.label_fr, tag.label_en, *tag.synonym_list):
                key = normalise(name)
                if key:
                    self.by_key.setdefault(key, tag)
        self._keys = list(self.by_key)

    @classmethod
    def load(cls) -> TagResolver:
        return cls(Tag.objects.all())

    def resolve(self, name: str) -> Tag | None:
        return self.by_key.get(normalise(name))

    def closest(self, name: str) -> Tag | None:
        """The known tag whose name is nearest, to propose when `name` is unknown."""
        matches = difflib.get_close_matches(normalise(name), self._keys, n=1, cutoff=0.5)
        return self.by_key[matches[0]] if matches else None
