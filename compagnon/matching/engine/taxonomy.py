"""Tags, their hierarchy and their vocabulary, as the engine sees them (plain data)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class TagInfo:
    slug: str
    label_fr: str
    label_en: str
    synonyms: tuple[str, ...] = ()
    parent: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.slug, self.label_fr, self.label_en, *self.synonyms)


class Taxonomy:
    """Tags with labels, synonyms and a parent; rows are `TagInfo` or 5-tuples like TAXONOMY."""

    MAX_DEPTH = 2  # hierarchy credit reaches grandparents and grandchildren

    def __init__(
        self,
        tags: Iterable[TagInfo | tuple],
        vocabulary: Iterable[tuple[str, str, str, str]] | None = None,
    ):
        """`vocabulary`: (slug, sub-area, French terms, English terms) rows, terms separated
        by commas or new lines; sub-area "" is the tag's general vocabulary."""
        self.tags: dict[str, TagInfo] = {}
        for tag in tags:
            if not isinstance(tag, TagInfo):
                slug, label_fr, label_en, synonyms, parent = tag
                if isinstance(synonyms, str):
                    synonyms = [s.strip() for s in synonyms.split(",")]
                tag = TagInfo(slug, label_fr, label_en, tuple(s for s in synonyms if s), parent)
            self.tags[tag.slug] = tag
        self.slugs = list(self.tags)
        self.index = {slug: i for i, slug in enumerate(self.slugs)}
        self.parent: dict[str, str | None] = {}
        for slug, tag in self.tags.items():
            parent = tag.parent if tag.parent in self.tags and tag.parent != slug else None
            self.parent[slug] = parent
        self.children: dict[str, list[str]] = {slug: [] for slug in self.slugs}
        for slug, parent in self.parent.items():
            if parent is not None:
                self.children[parent].append(slug)
        # concept key ("slug" or "slug|sub-area") -> terms
        self.vocabulary: dict[str, list[str]] = {}
        for slug, sub, french, english in vocabulary or ():
            if slug not in self.tags:
                continue
            key = f"{slug}|{sub}" if sub else slug
            terms = [t.strip() for t in f"{french}\n{english}".replace(",", "\n").split("\n")]
            self.vocabulary.setdefault(key, []).extend(t for t in terms if t)
        self.concepts = sorted({*self.slugs, *self.vocabulary})
        self.concept_index = {key: i for i, key in enumerate(self.concepts)}

    @classmethod
    def default(cls) -> Taxonomy:
        from compagnon.matching.vocabulary import vocabulary_rows
        from compagnon.members.taxonomy import TAXONOMY

        return cls(TAXONOMY, vocabulary_rows())

    def __contains__(self, slug: object) -> bool:
        return slug in self.tags

    def __len__(self) -> int:
        return len(self.slugs)

    def label(self, slug: str) -> str:
        tag = self.tags.get(slug)
        return tag.label_en if tag else slug

    def ancestors(self, slug: str) -> list[tuple[str, int]]:
        found, seen, current, depth = [], {slug}, self.parent.get(slug), 1
        while current is not None and depth <= self.MAX_DEPTH and current not in seen:
            found.append((current, depth))
            seen.add(current)
            current, depth = self.parent.get(current), depth + 1
        return found

    def descendants(self, slug: str) -> list[tuple[str, int]]:
        found: list[tuple[str, int]] = []
        frontier, seen = [slug], {slug}
        for depth in range(1, self.MAX_DEPTH + 1):
            frontier = [c for s in frontier for c in self.children.get(s, ()) if c not in seen]
            seen.update(frontier)
            found.extend((c, depth) for c in frontier)
        return found

    def concept_names(self) -> dict[str, list[str]]:
        """concept key -> names: a tag's labels, synonyms and general terms; a sub-area's terms."""
        names = {slug: list(tag.names) for slug, tag in self.tags.items()}
        for key, terms in self.vocabulary.items():
            names.setdefault(key, []).extend(terms)
        return names
