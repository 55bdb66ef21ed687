"""Who should be invited to a case, and which cases suit a person: the matching engine.

Pure Python + numpy/scipy on plain data (no Django): the database side turns
people and cases into `PersonDoc` and `CaseQuery`, calls `Ranker.fit` once,
keeps the ranker in memory and feeds it `upsert`/`remove` as profiles change.

Every person is one row of a combined sparse matrix; a case is one dense
vector; the base score of everyone is one sparse mat-vec. Per-person factors
(exclusions, organisation, base, language, research, load) are vectorised
over all rows, so the top k is exact; only the k returned rows are explained.
The formula is in docs/matching.md.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np
import scipy.sparse as sp

from compagnon.matching.text import (
    EXPERT,
    INTEREST,
    Analysis,
    ConceptMatcher,
    Mention,
    analyse,
    char_ngrams,
)

__all__ = [
    "LEVELS",
    "PARTS",
    "CaseMatch",
    "CaseQuery",
    "Match",
    "PersonDoc",
    "Ranker",
    "TagInfo",
    "Taxonomy",
    "Weights",
]

LEVELS = {1: "notions", 2: "practitioner", 3: "advanced", 4: "expert"}
# The base score's parts, in `Ranker.parts` column order; each has a weight of that name.
PARTS = ("tags", "interests", "words", "chars", "concepts")
RESEARCH_KINDS = ("researcher", "resident")
_KIND_CODES = {"member": 0, "researcher": 1, "resident": 2}

# A person's id, whatever the caller uses (database primary keys, strings in tests).
IdT = TypeVar("IdT", bound=Hashable)
# A case's id in `Ranker.rank_cases`.
CaseIdT = TypeVar("CaseIdT", bound=Hashable)


# --- plain data in and out ----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonDoc(Generic[IdT]):
    """One person as the engine sees them. `skills`: tag slug -> level 1-4."""

    id: IdT
    text: str
    skills: Mapping[str, int]
    interests: Collection[str]
    organisation: str
    base: str | None
    languages: Collection[str]
    teaches: Collection[str] = frozenset()
    kind: str = "member"  # "member", "researcher" or "resident"
    remote_ok: bool = True


@dataclass(frozen=True)
class CaseQuery:
    """A case to staff. `tags` are slugs (unknown ones are ignored)."""

    text: str
    tags: Collection[str]
    organisation: str | None = None
    base: str | None = None
    language: str | None = None
    exclude_organisations: Collection[str] = frozenset()
    remote_ok: bool = True
    wants_research: bool = False


@dataclass(frozen=True)
class Match(Generic[IdT]):
    person_id: IdT
    score: float
    reasons: list[str]
    # The same reasons as (code, *arguments), for a caller that translates them.
    reason_codes: tuple[tuple[Any, ...], ...] = ()


class _CaseMatchFields(NamedTuple):
    case_id: Hashable
    score: float
    reasons: list[str]


class CaseMatch(_CaseMatchFields):
    """A (case_id, score, reasons) tuple; `reason_codes` rides along as an attribute."""

    reason_codes: tuple[tuple[Any, ...], ...] = ()

    @classmethod
    def of(cls, case_id: Hashable, match: Match[Any]) -> CaseMatch:
        item = cls(case_id, match.score, match.reasons)
        item.reason_codes = match.reason_codes
        return item


@dataclass(frozen=True)
class Weights:
    """Every constant of the score, in one place (see docs/matching.md)."""

    level: tuple[float, ...] = (0.0, 0.25, 0.55, 0.85, 1.0)  # declared level 0..4
    teaches: float = 0.15  # added to a declared skill the person can teach
    text_expert: float = 0.8  # profile text mentions the tag near "expert", "10 ans"...
    text_mention: float = 0.45  # plain mention
    text_interest: float = 0.7  # mention near "learn", "découvrir"... counts as interest
    corroboration: float = 0.25  # S = max(declared, text) + c * min(declared, text)
    parent: float = 0.5  # credit per level when the skill is on an ancestor of the case tag
    child: float = 0.6  # credit per level when the skill is on a descendant
    interest_related: float = 0.4  # interest on the parent or a child of the case tag
    inferred_case_tag: float = 0.5  # tag found in the case text, when the case has tags
    # The parts' weights were fitted on the dev set by bench/matching_tune.py (docs/matching.md);
    # a learned model (learn.py) replaces them once the club has enough answered invitations.
    tags: float = 1.0
    interests: float = 0.05
    concepts: float = 0.119  # cosine of vocabulary concepts (tag and sub-area terms) TF-IDF
    words: float = 0.06  # cosine of word uni+bigram TF-IDF
    chars: float = 0.119  # cosine of character 3-5-gram TF-IDF
    same_organisation: float = 0.92  # diversity: prefer peers from other organisations
    other_base_remote: float = 0.95
    other_base_onsite: float = 0.6
    no_language: float = 0.6
    unknown_language: float = 0.9
    research: float = 1.15  # researcher or resident, when the case welcomes research
    load: float = 0.25  # score / (1 + load * recent invitations)
    strong: float = 0.5  # tag value that "covers" a case tag in an invitation set
    min_score: float = 0.02  # below: a few shared character n-grams, noise


# --- taxonomy -----------------------------------------------------------------------------------


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


# --- the ranker ---------------------------------------------------------------------------------


class _Compiled(NamedTuple):
    """A case turned into what scoring needs."""

    query: CaseQuery
    tag_weights: np.ndarray  # (T,) sums to 1, or all zero
    concept_idx: np.ndarray  # concept-block columns
    concept_val: np.ndarray  # unit-length TF-IDF of the case's concepts
    tags: list[str]  # known explicit tags, then tags found in the text
    word_idx: np.ndarray  # word-block columns, sorted
    word_val: np.ndarray
    char_idx: np.ndarray  # character n-gram ids
    char_val: np.ndarray  # q_g * idf_g^2 / |q|
    stems: frozenset[str]
    words: tuple[str, ...]
    cache: dict  # filled while explaining
    organisation: int
    excluded: np.ndarray
    base: int
    language_bit: int  # 0: no language asked; -1: a language nobody declared


class _Profile(NamedTuple):
    """One person's tag values, before the hierarchy spreads them."""

    declared: dict[int, float]
    text: dict[int, float]
    strength: dict[int, float]  # S(u) = max(declared, text) + c * min(...)
    interest: dict[int, float]
    mentions: list[Mention]


class Ranker(Generic[IdT]):
    """Index of people; see the module docstring and docs/matching.md."""

    COMPACT_DEAD_SHARE = 0.2
    CHUNK = 8192

    def __init__(self, taxonomy: Taxonomy, weights: Weights):
        self.taxonomy = taxonomy
        self.weights = weights
        self._matcher = ConceptMatcher(taxonomy.concept_names())
        T = len(taxonomy)
        self._spread: list[list[tuple[int, float]]] = []
        self._spread_interest: list[list[tuple[int, float]]] = []
        for slug in taxonomy.slugs:
            u = taxonomy.index[slug]
            # A skill on u counts for case tag t: fully when t == u, partly when t is a
            # descendant (u is more general) or an ancestor (u is a specialty of t).
            spread = [(u, 1.0)]
            spread += [
                (taxonomy.index[t], weights.parent**d) for t, d in taxonomy.descendants(slug)
            ]
            spread += [(taxonomy.index[t], weights.child**d) for t, d in taxonomy.ancestors(slug)]
            self._spread.append(spread)
            near = [taxonomy.index[t] for t, d in taxonomy.descendants(slug) if d == 1]
            parent = taxonomy.parent[slug]
            if parent is not None:
                near.append(taxonomy.index[parent])
            self._spread_interest.append([(u, 1.0)] + [(t, weights.interest_related) for t in near])
        self._T = T
        self._C = len(taxonomy.concepts)
        self._concept_idf = np.ones(self._C, np.float32)
        # text vocabularies
        self._words: dict[str, int] = {}
        self._word_idf = np.zeros(0, np.float32)
        self._common_idf = 0.0
        self._raw: dict[str, int] = {}
        self._grams: dict[str, int] = {}
        self._gram_idf = np.zeros(0, np.float32)
        self._M = sp.csr_matrix((0, 0), dtype=np.float32)  # raw word -> char n-gram counts
        self._Mt = sp.csr_matrix((0, 0), dtype=np.float32)
        # rows
        self._main = sp.csr_matrix((0, 0), dtype=np.float32)
        self._delta: sp.csr_matrix | None = None
        self._ids: list[IdT] = []
        self._row_of: dict[IdT, int] = {}
        self._docs: dict[IdT, PersonDoc[IdT]] = {}
        self._alive = np.zeros(0, bool)
        self._org = np.zeros(0, np.int32)
        self._base = np.zeros(0, np.int32)
        self._lang = np.zeros(0, np.int64)
        self._kind = np.zeros(0, np.int8)
        self._remote = np.zeros(0, bool)
        self._org_codes: dict[str, int] = {}
        self._base_codes: dict[str, int] = {}
        self._lang_bits: dict[str, int] = {}

    # --- building -------------------------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        people: Iterable[PersonDoc[IdT]],
        *,
        taxonomy: Taxonomy | None = None,
        weights: Weights | None = None,
    ) -> Ranker[IdT]:
        ranker = cls(taxonomy or Taxonomy.default(), weights or Weights())
        ranker._fit(_unique(people))
        return ranker

    @property
    def _off_concepts(self) -> int:
        return 2 * self._T

    @property
    def _off_words(self) -> int:
        return 2 * self._T + self._C

    @property
    def _off_raw(self) -> int:
        return self._off_words + len(self._words)

    @property
    def _n_features(self) -> int:
        return self._off_raw + len(self._raw)

    def _fit(self, docs: list[PersonDoc[IdT]]) -> None:
        n = len(docs)
        tag_block, concept_counts, counts, raw_counts = self._encode(docs, fitting=True)
        # Concepts carry no idf: there are few of them, each already chosen to mean something,
        # and an idf fitted on a small club would drift with every upsert.
        concept_block = self._concept_rows(concept_counts)
        df = np.bincount(counts.indices, minlength=len(self._words))
        self._word_idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        # words in more than a quarter of profiles ("data", "projets") explain nothing
        self._common_idf = float(np.log((1 + n) / (1 + 0.25 * n)) + 1) if n >= 20 else 0.0
        word_block = self._tfidf_rows(counts)
        self._build_grams(raw_counts)
        raw_block = self._char_normalised(raw_counts)
        self._main = _hstack([tag_block, concept_block, word_block, raw_block])
        self._delta = None
        self._append_people(docs)

    def _encode(
        self, docs: list[PersonDoc[IdT]], *, fitting: bool
    ) -> tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix, sp.csr_matrix]:
        """Tag values, concept counts, word-feature counts and raw-word counts of `docs`.

        Fitting grows the word vocabulary; afterwards unknown word features are dropped.
        The raw-word vocabulary always grows (a new word's character n-grams are known).
        """
        tags, concepts, words, raw = _Rows(), _Rows(), _Rows(), _Rows()
        word_vocab, raw_vocab = self._words, self._raw
        for doc in docs:
            analysis = analyse(doc.text)
            columns, values, mentions = self._tag_values(doc, analysis)
            tags.add(columns, values)
            concepts.add(*self._concept_counts(mentions))
            features = Counter(analysis.features())
            if fitting:
                for feature in features:
                    if feature not in word_vocab:
                        word_vocab[feature] = len(word_vocab)
                words.add([word_vocab[f] for f in features], features.values())
            else:
                known = [(word_vocab[f], c) for f, c in features.items() if f in word_vocab]
                words.add([j for j, _ in known], [c for _, c in known])
            counts = Counter(analysis.words)
            for word in counts:
                if word not in raw_vocab:
                    raw_vocab[word] = len(raw_vocab)
            raw.add([raw_vocab[w] for w in counts], counts.values())
        return (
            tags.csr(2 * self._T),
            concepts.csr(self._C),
            words.csr(len(word_vocab)),
            raw.csr(len(raw_vocab)),
        )

    def _concept_counts(self, mentions: Iterable[Mention]) -> tuple[list[int], list[float]]:
        """Concept columns and counts of mentions (a sub-area's term also counts for its tag)."""
        index = self.taxonomy.concept_index
        counts: Counter[int] = Counter()
        for mention in mentions:
            key = mention.concept or mention.slug
            counts[index[key]] += mention.weight
            if key != mention.slug:
                counts[index[mention.slug]] += 0.5 * mention.weight
        return list(counts), list(counts.values())

    def _concept_rows(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        counts = counts.astype(np.float32)
        counts.data = (1 + np.log(np.maximum(counts.data, 1e-6)).clip(min=0)) * self._concept_idf[
            counts.indices
        ]
        return _normalise_rows(counts)

    def _build_grams(self, raw_counts: sp.csr_matrix) -> None:
        """Character n-grams of every raw word, and their idf over people (as char_wb would)."""
        words = sorted(self._raw, key=self._raw.__getitem__)
        self._M = self._gram_rows(words, grow=True)
        df = np.zeros(len(self._grams), np.int64)
        for start in range(0, raw_counts.shape[0], self.CHUNK):
            product = raw_counts[start : start + self.CHUNK] @ self._M
            df += np.bincount(product.indices, minlength=len(self._grams))
        n = raw_counts.shape[0]
        self._gram_idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        self._Mt = self._M.T.tocsr()

    def _gram_rows(self, words: list[str], *, grow: bool) -> sp.csr_matrix:
        rows, grams = _Rows(), self._grams
        for word in words:
            counts = Counter(char_ngrams(word))
            if grow:
                for gram in counts:
                    if gram not in grams:
                        grams[gram] = len(grams)
            else:
                counts = Counter({g: c for g, c in counts.items() if g in grams})
            rows.add([grams[g] for g in counts], counts.values())
        return rows.csr(len(grams))

    def _tfidf_rows(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear tf x idf, rows of unit length (scikit-learn's TfidfVectorizer defaults)."""
        counts = counts.astype(np.float32)
        counts.data = (1 + np.log(counts.data)) * self._word_idf[counts.indices]
        return _normalise_rows(counts)

    def _char_normalised(self, raw_counts: sp.csr_matrix) -> sp.csr_matrix:
        """Raw word counts divided by the norm of the person's character TF-IDF vector.

        The character vector of a text is the sum of its words' n-gram vectors, so
        cos(case, person) = (case char-vector weighted by idf^2, mapped back onto words)
        . (person word counts) / (|case| |person|): the matrix keeps one column per
        word instead of hundreds of n-grams per person.
        """
        norms = np.zeros(raw_counts.shape[0], np.float64)
        idf = self._gram_idf.astype(np.float64)
        for start in range(0, raw_counts.shape[0], self.CHUNK):
            product = (raw_counts[start : start + self.CHUNK] @ self._M).tocsr()
            values = product.data.astype(np.float64) * idf[product.indices]
            row_of_value = np.repeat(np.arange(product.shape[0]), np.diff(product.indptr))
            norms[start : start + product.shape[0]] = np.sqrt(
                np.bincount(row_of_value, weights=values**2, minlength=product.shape[0])
            )
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        block = sp.csr_matrix(raw_counts, dtype=np.float32, copy=True)
        block.data *= np.repeat(scale, np.diff(block.indptr)).astype(np.float32)
        return block

    def _profile(self, doc: PersonDoc[IdT], analysis: Analysis | None = None) -> _Profile:
        w, index = self.weights, self.taxonomy.index
        declared: dict[int, float] = {}
        for slug, level in doc.skills.items():
            u = index.get(slug)
            if u is None:
                continue
            level = min(max(int(level), 0), 4)
            declared[u] = w.level[level] + (w.teaches if slug in doc.teaches and level else 0.0)
        mentions = self._matcher.mentions(analysis or analyse(doc.text))
        text: dict[int, float] = {}
        interest = {index[slug]: 1.0 for slug in sorted(doc.interests) if slug in index}
        for mention in mentions:
            u = index[mention.slug]
            # A plain mention of a tag the person said they want to learn (and did not
            # declare as a skill) is that wish again, not expertise.
            wish = mention.kind != EXPERT and mention.slug in doc.interests
            if mention.kind == INTEREST or (wish and mention.slug not in doc.skills):
                interest[u] = max(interest.get(u, 0.0), w.text_interest * mention.weight)
            else:
                value = w.text_expert if mention.kind == EXPERT else w.text_mention
                text[u] = max(text.get(u, 0.0), value * mention.weight)
        strength = {}
        for u in declared.keys() | text.keys():
            a, b = declared.get(u, 0.0), text.get(u, 0.0)
            strength[u] = max(a, b) + w.corroboration * min(a, b)
        return _Profile(declared, text, strength, interest, mentions)

    def _tag_values(
        self, doc: PersonDoc[IdT], analysis: Analysis
    ) -> tuple[list[int], list[float], list[Mention]]:
        """The person's tag columns: expertise spread over the hierarchy, then interests."""
        profile = self._profile(doc, analysis)
        spread: dict[int, float] = {}
        for u, s in profile.strength.items():
            for t, credit in self._spread[u]:
                if credit * s > spread.get(t, 0.0):
                    spread[t] = credit * s
        wanted: dict[int, float] = {}
        for u, s in profile.interest.items():
            for t, credit in self._spread_interest[u]:
                if credit * s > wanted.get(t, 0.0):
                    wanted[t] = credit * s
        columns = list(spread) + [self._T + t for t in wanted]
        return columns, list(spread.values()) + list(wanted.values()), profile.mentions

    def _append_people(self, docs: list[PersonDoc[IdT]]) -> None:
        start = len(self._ids)
        self._ids.extend(doc.id for doc in docs)
        for offset, doc in enumerate(docs):
            self._row_of[doc.id] = start + offset
            self._docs[doc.id] = doc
        self._alive = np.concatenate([self._alive, np.ones(len(docs), bool)])
        self._org = np.concatenate(
            [
                self._org,
                np.array([self._code(self._org_codes, d.organisation) for d in docs], np.int32),
            ]
        )
        self._base = np.concatenate(
            [self._base, np.array([self._code(self._base_codes, d.base) for d in docs], np.int32)]
        )
        self._lang = np.concatenate(
            [self._lang, np.array([self._language_mask(d.languages) for d in docs], np.int64)]
        )
        self._kind = np.concatenate(
            [self._kind, np.array([_KIND_CODES.get(d.kind, 0) for d in docs], np.int8)]
        )
        self._remote = np.concatenate([self._remote, np.array([d.remote_ok for d in docs], bool)])

    @staticmethod
    def _code(codes: dict[str, int], value: str | None) -> int:
        if not value:
            return -1
        return codes.setdefault(value, len(codes))

    def _language_mask(self, languages: Iterable[str]) -> int:
        mask = 0
        for language in languages:
            key = language.strip().lower()
            if not key:
                continue
            bit = self._lang_bits.get(key)
            if bit is None:
                if len(self._lang_bits) >= 62:
                    continue
                bit = self._lang_bits[key] = len(self._lang_bits)
            mask |= 1 << bit
        return mask

    # --- incremental updates --------------------------------------------------------------------

    def upsert(self, docs: Iterable[PersonDoc[IdT]]) -> None:
        """Add new people and replace changed ones, with the fitted vocabulary and idf.

        Words never seen at fit time get a character column (their n-grams are known);
        they add nothing to the word TF-IDF until the next full fit.
        """
        docs = _unique(docs)
        if not docs:
            return
        for doc in docs:
            old = self._row_of.pop(doc.id, None)
            if old is not None:
                self._alive[old] = False
        known_raw = len(self._raw)
        tag_block, concept_counts, counts, raw_counts = self._encode(docs, fitting=False)
        if len(self._raw) > known_raw:
            new_words = sorted(self._raw, key=self._raw.__getitem__)[known_raw:]
            self._M = sp.vstack([self._M, self._gram_rows(new_words, grow=False)], format="csr")
            self._Mt = self._M.T.tocsr()
        word_block = self._tfidf_rows(counts)
        raw_block = self._char_normalised(raw_counts)
        rows = _hstack([tag_block, self._concept_rows(concept_counts), word_block, raw_block])
        if self._delta is None:
            self._delta = rows
        else:
            self._delta = sp.vstack([_widen(self._delta, rows.shape[1]), rows], format="csr")
        self._append_people(docs)
        self._maybe_compact()

    def remove(self, ids: Iterable[IdT]) -> None:
        for person_id in ids:
            row = self._row_of.pop(person_id, None)
            if row is not None:
                self._alive[row] = False
                self._docs.pop(person_id, None)
        self._maybe_compact()

    def _maybe_compact(self) -> None:
        total = len(self._ids)
        dead = total - int(self._alive.sum())
        delta_rows = 0 if self._delta is None else self._delta.shape[0]
        if dead > self.COMPACT_DEAD_SHARE * total or delta_rows > max(2000, 0.1 * total):
            self.compact()

    def compact(self) -> None:
        """Drop removed rows and merge rows added since the fit into the main matrix."""
        keep = np.flatnonzero(self._alive)
        matrix = _widen(self._main, self._n_features)
        if self._delta is not None:
            matrix = sp.vstack([matrix, _widen(self._delta, self._n_features)], format="csr")
        self._main = matrix[keep]
        self._delta = None
        self._ids = [self._ids[i] for i in keep]
        self._row_of = {person_id: row for row, person_id in enumerate(self._ids)}
        for name in ("_alive", "_org", "_base", "_lang", "_kind", "_remote"):
            setattr(self, name, getattr(self, name)[keep])

    # --- queries --------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, person_id: object) -> bool:
        return person_id in self._row_of

    @property
    def ids(self) -> list[IdT]:
        return list(self._row_of)

    def _compile(self, query: CaseQuery) -> _Compiled:
        w, index = self.weights, self.taxonomy.index
        analysis = analyse(query.text)
        weights = np.zeros(self._T, np.float32)
        explicit = sorted(
            (slug for slug in set(query.tags) if slug in index), key=index.__getitem__
        )
        for slug in explicit:
            weights[index[slug]] = 1.0
        inferred_weight = w.inferred_case_tag if explicit else 1.0
        inferred: list[str] = []
        for mention in self._matcher.mentions(analysis):
            u = index[mention.slug]
            value = inferred_weight * mention.weight
            if mention.slug not in explicit and value > weights[u]:
                weights[u] = value
                if mention.slug not in inferred:
                    inferred.append(mention.slug)
        total = weights.sum()
        if total > 0:
            weights /= total
        concept_idx, concept_val = self._case_concepts(self._matcher.mentions(analysis))
        # words
        counts = Counter(f for f in analysis.features() if f in self._words)
        word_idx = np.array([self._words[f] for f in counts], np.int64)
        word_val = np.array([1 + math.log(c) for c in counts.values()], np.float32)
        if word_idx.size:
            word_val *= self._word_idf[word_idx]
            word_val /= np.linalg.norm(word_val)
            order = np.argsort(word_idx)
            word_idx, word_val = word_idx[order], word_val[order]
        # characters
        grams = Counter(
            self._grams[g] for word in analysis.words for g in char_ngrams(word) if g in self._grams
        )
        char_idx = np.fromiter(grams.keys(), np.int64, len(grams))
        char_val = np.fromiter(grams.values(), np.float32, len(grams))
        if char_idx.size:
            idf = self._gram_idf[char_idx]
            norm = np.linalg.norm(char_val * idf)
            char_val = char_val * idf * idf / norm
        excluded = np.array(
            [self._org_codes[o] for o in query.exclude_organisations if o in self._org_codes],
            np.int32,
        )
        language_bit = 0
        if query.language:
            bit = self._lang_bits.get(query.language.strip().lower())
            language_bit = -1 if bit is None else 1 << bit
        return _Compiled(
            query=query,
            tag_weights=weights,
            concept_idx=concept_idx,
            concept_val=concept_val,
            tags=explicit + inferred,
            word_idx=word_idx,
            word_val=word_val,
            char_idx=char_idx,
            char_val=char_val,
            stems=frozenset(analysis.stems),
            words=tuple(analysis.words),
            cache={},
            organisation=self._org_codes.get(query.organisation or "", -2),
            excluded=excluded,
            base=self._base_codes.get(query.base or "", -2) if query.base else -3,
            language_bit=language_bit,
        )

    def _case_concepts(self, mentions: list[Mention]) -> tuple[np.ndarray, np.ndarray]:
        columns, counts = self._concept_counts(mentions)
        if not columns:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        idx = np.array(columns, np.int64)
        val = np.array([1 + math.log(max(c, 1.0)) for c in counts], np.float32)
        val *= self._concept_idf[idx]
        val /= np.linalg.norm(val)
        return idx, val

    def query_vector(self, query: CaseQuery | _Compiled) -> np.ndarray:
        """The case as one dense float32 vector over the matrix's columns."""
        cq = query if isinstance(query, _Compiled) else self._compile(query)
        w = self.weights
        q = np.zeros(self._n_features, np.float32)
        q[: self._T] = w.tags * cq.tag_weights
        q[self._T : 2 * self._T] = w.interests * cq.tag_weights
        q[self._off_concepts + cq.concept_idx] = w.concepts * cq.concept_val
        q[self._off_words + cq.word_idx] = w.words * cq.word_val
        if cq.char_idx.size and len(self._raw):
            q[self._off_raw :] = w.chars * (self._Mt[cq.char_idx].T @ cq.char_val)
        return q

    def feature_matrix(self) -> sp.csr_matrix:
        """All rows, removed ones included (diagnostics and benchmarks)."""
        if self._delta is None:
            return self._main
        return sp.vstack(
            [_widen(self._main, self._n_features), _widen(self._delta, self._n_features)],
            format="csr",
        )

    def _base_scores(self, q: np.ndarray) -> np.ndarray:
        main = self._main
        scores = main @ q[: main.shape[1]] if main.shape[0] else np.zeros(0, np.float32)
        if self._delta is not None:
            scores = np.concatenate([scores, self._delta @ q[: self._delta.shape[1]]])
        return scores

    def _factors(
        self,
        cq: _Compiled,
        rows: np.ndarray | None = None,
        *,
        load: Mapping[IdT, int] | None = None,
        unavailable: Collection[IdT] = (),
    ) -> np.ndarray:
        """Per-person multipliers; 0 for people who must not be proposed."""
        w, q = self.weights, cq.query
        pick = (lambda a: a) if rows is None else (lambda a: a[rows])
        factor = pick(self._alive).astype(np.float32)
        org = pick(self._org)
        if cq.excluded.size:
            factor[np.isin(org, cq.excluded)] = 0.0
        if cq.organisation >= 0:
            factor[org == cq.organisation] *= w.same_organisation
        if cq.base != -3:  # the case prefers a base
            other = pick(self._base) != cq.base
            if q.remote_ok:
                factor[other & pick(self._remote)] *= w.other_base_remote
                factor[other & ~pick(self._remote)] *= w.other_base_onsite
            else:
                factor[other] *= w.other_base_onsite
        if cq.language_bit:
            lang = pick(self._lang)
            speaks = (
                (lang & cq.language_bit) != 0 if cq.language_bit > 0 else np.zeros_like(lang, bool)
            )
            factor[(lang == 0)] *= w.unknown_language
            factor[~speaks & (lang != 0)] *= w.no_language
        if q.wants_research:
            factor[pick(self._kind) > 0] *= w.research
        if load or unavailable:
            position = (
                None if rows is None else {int(r): i for i, r in enumerate(np.atleast_1d(rows))}
            )

            def where(person_id):
                row = self._row_of.get(person_id)
                if row is None or position is None:
                    return row
                return position.get(row)

            for person_id, count in (load or {}).items():
                i = where(person_id)
                if i is not None and count > 0:
                    factor[i] /= 1 + w.load * count
            for person_id in unavailable:
                i = where(person_id)
                if i is not None:
                    factor[i] = 0.0
        return factor

    def _best(self, cq: _Compiled, k: int, load, unavailable) -> tuple[np.ndarray, np.ndarray]:
        """Rows and final scores of the k best people, best first (exact).

        Factors never exceed `ceiling`, so once the k-th final score among the C best base
        scores beats ceiling x the best base score left out, nobody outside can enter;
        otherwise C grows. One mat-vec, then work on C rows only.
        """
        base = self._base_scores(self.query_vector(cq))
        n = base.shape[0]
        w = self.weights
        ceiling = max(
            1.0,
            w.same_organisation,
            w.other_base_remote,
            w.other_base_onsite,
            w.no_language,
            w.unknown_language,
        ) * (max(1.0, w.research) if cq.query.wants_research else 1.0)
        size = max(4 * k, 256)
        while True:
            if size < n:
                part = np.argpartition(-base, size)
                candidates, left_out = part[:size], float(base[part[size]])
            else:
                candidates, left_out = np.arange(n), 0.0
            candidates = candidates[base[candidates] >= self.weights.min_score]
            final = base[candidates] * self._factors(
                cq, candidates, load=load, unavailable=unavailable
            )
            top = _top(final, k)
            if left_out < self.weights.min_score:
                break
            if len(top) == k and final[top[-1]] >= ceiling * left_out:
                break
            size *= 4
        return candidates[top], final[top]

    def rank(
        self,
        query: CaseQuery,
        k: int = 20,
        *,
        load: Mapping[IdT, int] | None = None,
        unavailable: Collection[IdT] = (),
    ) -> list[Match[IdT]]:
        """The k best people for the case, best first, each with reasons; only scores > 0."""
        if k <= 0 or not self._row_of:
            return []
        cq = self._compile(query)
        rows, scores = self._best(cq, k, load, unavailable)
        self._prepare(rows, cq)
        return [self._match(int(r), float(v), cq, load) for r, v in zip(rows, scores, strict=True)]

    def invitation_set(
        self,
        query: CaseQuery,
        size: int = 8,
        *,
        per_organisation_cap: int = 2,
        load: Mapping[IdT, int] | None = None,
        unavailable: Collection[IdT] = (),
        wants_research: bool | None = None,
    ) -> list[Match[IdT]]:
        """A group to invite: covers the case's tags, mixes organisations, then best scores.

        Greedy: (1) the best researcher or resident when the case wants research; (2) for
        each case tag not yet covered, scarcest first, the best-scoring person strong on it;
        (3) fill by score, each further person of an organisation already in the set
        weighing 0.85x. Never more than `per_organisation_cap` per organisation.
        """
        if size <= 0 or not self._row_of:
            return []
        if wants_research is not None and wants_research != query.wants_research:
            query = replace(query, wants_research=wants_research)
        cq = self._compile(query)
        pool, pool_scores = self._best(cq, max(200, 30 * size), load, unavailable)
        if pool.size == 0:
            return []
        tag_slugs = [s for s in cq.tags if s in query.tags] or cq.tags
        tag_cols = [self.taxonomy.index[s] for s in tag_slugs]
        strength = self._rows(pool)[:, tag_cols].toarray() if tag_cols else np.zeros((len(pool), 0))
        taken: list[int] = []  # positions in pool
        per_org: Counter[int] = Counter()
        covers: dict[int, list[str]] = {}

        def allowed(i: int) -> bool:
            org = int(self._org[pool[i]])
            return i not in taken and (org < 0 or per_org[org] < per_organisation_cap)

        def take(i: int) -> None:
            taken.append(i)
            org = int(self._org[pool[i]])
            if org >= 0:
                per_org[org] += 1

        if query.wants_research:
            for i in range(len(pool)):
                if self._kind[pool[i]] > 0 and allowed(i):
                    take(i)
                    break
        covered = {
            j for j in range(len(tag_cols)) for i in taken if strength[i, j] >= self.weights.strong
        }
        while len(taken) < size:
            open_tags = [j for j in range(len(tag_cols)) if j not in covered]
            if not open_tags:
                break
            choice = None
            for threshold in (self.weights.strong, 1e-6):
                options = {
                    j: [i for i in range(len(pool)) if strength[i, j] >= threshold and allowed(i)]
                    for j in open_tags
                }
                options = {j: c for j, c in options.items() if c}
                if options:
                    j = min(options, key=lambda j: (len(options[j]), j))
                    choice = (j, max(options[j], key=lambda i: (pool_scores[i], -i)))
                    break
            if choice is None:
                break
            j, i = choice
            take(i)
            newly = [j] + [
                other
                for other in open_tags
                if other != j and strength[i, other] >= self.weights.strong
            ]
            covered.update(newly)
            covers[i] = [tag_slugs[c] for c in newly]
        while len(taken) < size:
            best, best_value = None, 0.0
            for i in range(len(pool)):
                if not allowed(i):
                    continue
                org = int(self._org[pool[i]])
                value = pool_scores[i] * 0.85 ** (per_org[org] if org >= 0 else 0)
                if value > best_value:
                    best, best_value = i, value
            if best is None:
                break
            take(best)
        taken.sort(key=lambda i: (-pool_scores[i], i))
        self._prepare(pool[taken], cq)
        matches = []
        for i in taken:
            match = self._match(int(pool[i]), float(pool_scores[i]), cq, load)
            extra = [(f"covers {self.taxonomy.label(s)}", ("covers", s)) for s in covers.get(i, [])]
            matches.append(
                Match(
                    match.person_id,
                    match.score,
                    [text for text, _ in extra] + match.reasons,
                    tuple(code for _, code in extra) + match.reason_codes,
                )
            )
        return matches

    def rank_cases(
        self, person_id: IdT, cases: Mapping[CaseIdT, CaseQuery], k: int = 10
    ) -> list[CaseMatch]:
        """The k cases that suit one indexed person best (same score as `rank`)."""
        row = self._row_of.get(person_id)
        if row is None or k <= 0:
            return []
        rows = np.array([row])
        found = []
        for case_id, query in cases.items():
            cq = self._compile(query)
            factor = float(self._factors(cq, rows)[0])
            if factor <= 0:
                continue
            base = float(self._parts(rows, cq).sum())
            if base >= self.weights.min_score:
                score = base * factor
                found.append((score, case_id, cq))
        found.sort(key=lambda item: -item[0])
        return [
            CaseMatch.of(case_id, self._explained(row, score, cq))
            for score, case_id, cq in found[:k]
        ]

    # --- explaining -----------------------------------------------------------------------------

    def _rows(self, rows: np.ndarray) -> sp.csr_matrix:
        """The matrix rows of `rows`, in that order, all as wide as the current vocabulary."""
        rows = np.atleast_1d(rows).astype(np.int64)
        n_main, width = self._main.shape[0], self._n_features
        in_main = rows < n_main
        if in_main.all():
            return _widen(self._main[rows], width)
        assert self._delta is not None  # some rows are past the main matrix
        stacked = sp.vstack(
            [
                _widen(self._main[rows[in_main]], width),
                _widen(self._delta[rows[~in_main] - n_main], width),
            ],
            format="csr",
        )
        order = np.concatenate([np.flatnonzero(in_main), np.flatnonzero(~in_main)])
        return stacked[np.argsort(order)]

    def _parts(self, rows: np.ndarray, cq: _Compiled, weights: Weights | None = None) -> np.ndarray:
        """Score parts per row, in PARTS order (their sum is the base score)."""
        sub = self._rows(rows)
        T, w = self._T, weights or self.weights
        parts = np.zeros((sub.shape[0], len(PARTS)), np.float64)
        row_of_value = np.repeat(np.arange(sub.shape[0]), np.diff(sub.indptr))
        cols, data = sub.indices, sub.data.astype(np.float64)
        tag = cols < T
        np.add.at(parts[:, 0], row_of_value[tag], data[tag] * w.tags * cq.tag_weights[cols[tag]])
        interest = (cols >= T) & (cols < 2 * T)
        np.add.at(
            parts[:, 1],
            row_of_value[interest],
            data[interest] * w.interests * cq.tag_weights[cols[interest] - T],
        )
        concept = (cols >= self._off_concepts) & (cols < self._off_words)
        if cq.concept_idx.size and concept.any():
            dense_concepts = np.zeros(self._C, np.float64)
            dense_concepts[cq.concept_idx] = cq.concept_val
            np.add.at(
                parts[:, 4],
                row_of_value[concept],
                data[concept] * w.concepts * dense_concepts[cols[concept] - self._off_concepts],
            )
        word = (cols >= self._off_words) & (cols < self._off_raw)
        if cq.word_idx.size and word.any():
            local = cols[word] - self._off_words
            at = np.searchsorted(cq.word_idx, local)
            at = np.minimum(at, cq.word_idx.size - 1)
            hit = cq.word_idx[at] == local
            values = np.where(hit, cq.word_val[at], 0.0)
            np.add.at(parts[:, 2], row_of_value[word], data[word] * w.words * values)
        raw = cols >= self._off_raw
        if cq.char_idx.size and raw.any():
            dense = np.zeros(len(self._grams), np.float64)
            dense[cq.char_idx] = cq.char_val
            u = self._M[cols[raw] - self._off_raw] @ dense
            np.add.at(parts[:, 3], row_of_value[raw], data[raw] * w.chars * u)
        return parts

    def features(
        self, query: CaseQuery, person_ids: Collection[IdT] | None = None
    ) -> tuple[list[IdT], np.ndarray, np.ndarray]:
        """(ids, unweighted parts (n, len(PARTS)), factors) of indexed people for one case.

        The base score is `parts @ [weights.<part> for part in PARTS]`, the final score that
        times the factor: what `learn` fits weights on. All indexed people when `person_ids`
        is None.
        """
        if person_ids is None:
            ids = [self._ids[r] for r in np.flatnonzero(self._alive)]
        else:
            ids = [p for p in person_ids if p in self._row_of]
        if not ids:
            return [], np.zeros((0, len(PARTS))), np.zeros(0)
        rows = np.array([self._row_of[p] for p in ids])
        cq = self._compile(query)
        unit = replace(self.weights, **dict.fromkeys(PARTS, 1.0))
        return ids, self._parts(rows, cq, unit), self._factors(cq, rows).astype(np.float64)

    def _word_vectors(self, words: list[str]) -> sp.csr_matrix:
        """Unit-length idf-weighted character n-gram vectors of single words."""
        known = [self._raw.get(word, -1) for word in words]
        if all(column >= 0 for column in known):
            matrix = self._M[known].astype(np.float32)
        else:
            rows = _Rows()
            for word in words:
                grams = Counter(g for g in char_ngrams(word) if g in self._grams)
                rows.add([self._grams[g] for g in grams], grams.values())
            matrix = rows.csr(len(self._grams))
        matrix.data *= self._gram_idf[matrix.indices]
        return _normalise_rows(matrix)

    def _prepare(self, rows: Iterable[int], cq: _Compiled) -> None:
        """Analyse the people about to be explained, and measure in one sparse product how
        close each of their words is spelled to a word of the case."""
        analyses = cq.cache.setdefault("analyses", {})
        close = cq.cache.setdefault("close", {})
        pending: set[str] = set()
        for row in rows:
            person_id = self._ids[int(row)]
            analysis = analyses.get(person_id)
            if analysis is None:
                analysis = analyses[person_id] = analyse(self._docs[person_id].text)
            if len(cq.stems.intersection(analysis.stems)) >= 2:
                continue  # enough shared words to show; spelling-close ones are not needed
            pending.update(
                word
                for word, stem_ in zip(analysis.words, analysis.stems, strict=True)
                if len(word) >= 4 and stem_ not in cq.stems and word not in close
            )
        if not pending:
            return
        if "case_words" not in cq.cache:
            case_words = [w for w in dict.fromkeys(cq.words) if len(w) >= 4]
            cq.cache["case_words"] = (
                self._word_vectors(case_words).T.tocsr() if case_words else None
            )
        words = sorted(pending)
        if cq.cache["case_words"] is None:
            close.update(dict.fromkeys(words, 0.0))
            return
        similarity = (self._word_vectors(words) @ cq.cache["case_words"]).toarray()
        close.update(zip(words, similarity.max(axis=1).tolist(), strict=True))

    def _close_words(self, cq: _Compiled, analysis: Analysis, exclude: set[str]) -> list[str]:
        """Up to two profile words, as written, spelled like a word of the case (a typo,
        another inflection) without sharing its stem; `_prepare` measured them."""
        close = cq.cache.get("close", {})
        found: dict[str, float] = {}
        for word, stem_, surface in zip(
            analysis.words, analysis.stems, analysis.surfaces, strict=True
        ):
            value = close.get(word, 0.0) if stem_ not in cq.stems else 0.0
            if value >= 0.5 and surface.lower() not in exclude:
                found.setdefault(surface.lower(), value)
        return sorted(found, key=lambda w: -found[w])[:2]

    def _explained(self, row: int, score: float, cq: _Compiled) -> Match[IdT]:
        self._prepare([row], cq)
        return self._match(row, score, cq, None)

    def _match(self, row: int, score: float, cq: _Compiled, load) -> Match[IdT]:
        person_id = self._ids[row]
        reasons = self._reasons(row, person_id, cq, load)
        return Match(person_id, score, [r for r, _ in reasons], tuple(c for _, c in reasons))

    def _reasons(self, row: int, person_id: IdT, cq: _Compiled, load) -> list[tuple[str, tuple]]:
        doc = self._docs[person_id]
        taxonomy, index = self.taxonomy, self.taxonomy.index
        query = cq.query
        analysis = cq.cache.get("analyses", {}).get(person_id) or analyse(doc.text)
        profile = self._profile(doc, analysis)
        out: list[tuple[str, tuple]] = []
        mentioned: list[str] = []

        def level_of(u: int) -> str:
            slug = taxonomy.slugs[u]
            if u in profile.declared and slug in doc.skills:
                level = min(max(int(doc.skills[slug]), 1), 4)
                return LEVELS[level]
            return "in profile"

        for slug in cq.tags:
            t = index[slug]
            best, best_value = None, 0.0
            for u, s in profile.strength.items():
                for target, credit in self._spread[u]:
                    if target == t and credit * s > best_value:
                        best, best_value = u, credit * s
            if best is not None and best_value >= 0.1:
                u_slug = taxonomy.slugs[best]
                mentioned += [
                    m.surface for m in profile.mentions if m.slug == u_slug and m.kind != INTEREST
                ]
                declared_wins = profile.declared.get(best, 0.0) >= profile.text.get(best, 0.0)
                if best == t and declared_wins:
                    level = level_of(best)
                    if slug in doc.teaches:
                        out.append(
                            (f"teaches {taxonomy.label(slug)} ({level})", ("teaches", slug, level))
                        )
                    else:
                        out.append(
                            (f"knows {taxonomy.label(slug)} ({level})", ("knows", slug, level))
                        )
                elif best != t:
                    level = level_of(best) if declared_wins else "in profile"
                    sign = "⊃" if any(a == u_slug for a, _ in taxonomy.ancestors(slug)) else "⊂"
                    out.append(
                        (
                            f"related: {taxonomy.label(u_slug)} ({level}) {sign} {taxonomy.label(slug)}",
                            ("related", u_slug, level, sign, slug),
                        )
                    )
            wanted = [u for u, value in profile.interest.items() if value > 0]
            if t in wanted:
                out.append((f"wants to learn {taxonomy.label(slug)}", ("wants_to_learn", slug)))
            else:
                near = [
                    u for u in wanted for target, credit in self._spread_interest[u] if target == t
                ]
                if near:
                    u_slug = taxonomy.slugs[near[0]]
                    out.append(
                        (
                            f"wants to learn {taxonomy.label(u_slug)} (near {taxonomy.label(slug)})",
                            ("wants_to_learn_near", u_slug, slug),
                        )
                    )
        concept_reasons, conceptual = self._concept_reasons(cq, profile.mentions)
        out += concept_reasons
        mentioned = [m for m in mentioned if m.lower() not in conceptual]
        # shared words, rarest first, as the person wrote them
        shared: dict[str, float] = {}
        for stem_, surface in zip(analysis.stems, analysis.surfaces, strict=True):
            if stem_ in cq.stems and surface.lower() not in shared:
                column = self._words.get(stem_)
                if column is not None and self._word_idf[column] >= self._common_idf:
                    shared[surface.lower()] = float(self._word_idf[column])
        words = [s for s, _ in sorted(shared.items(), key=lambda item: -item[1])]
        words += self._close_words(cq, analysis, exclude=set(shared))
        words = [w for w in words if w not in conceptual]
        listed = list(dict.fromkeys(mentioned + words))[:4]
        if listed:
            out.append((f"profile mentions: {', '.join(listed)}", ("mentions", *listed)))
        if query.organisation and doc.organisation and doc.organisation != query.organisation:
            out.append(("another organisation than the case's", ("other_organisation",)))
        if query.base:
            if doc.base == query.base:
                out.append((f"based in {doc.base}", ("based_in", doc.base)))
            elif query.remote_ok and doc.remote_ok:
                out.append(("joins remotely", ("remote",)))
            else:
                out.append((f"based elsewhere than {query.base}", ("other_base", query.base)))
        if query.language:
            spoken = {language.strip().lower() for language in doc.languages}
            language = query.language.strip().lower()
            if language in spoken:
                out.append((f"speaks {language}", ("speaks", language)))
            elif spoken:
                out.append((f"does not speak {language}", ("does_not_speak", language)))
        if query.wants_research and doc.kind in RESEARCH_KINDS:
            out.append((f"{doc.kind}: the case welcomes research", ("research", doc.kind)))
        count = (load or {}).get(person_id, 0)
        if count > 0:
            times = "once" if count == 1 else f"{count} times"
            out.append((f"invited {times} this month: damped", ("load", count)))
        return out

    def _concept_reasons(
        self, cq: _Compiled, mentions: list[Mention]
    ) -> tuple[list[tuple[str, tuple]], set[str]]:
        """ "the profile mentions ARIMA and demand forecasting (Time Series)": the person's
        terms for the concepts of the case (or of its tags), at most two tags, three terms
        each; also the lower-cased terms shown, so the word list does not repeat them."""
        concepts = {self.taxonomy.concepts[int(i)] for i in cq.concept_idx}
        tags = {key.split("|", 1)[0] for key in concepts} | set(cq.tags)
        by_tag: dict[str, list[str]] = {}
        for mention in mentions:
            if mention.kind == INTEREST:
                continue
            if (mention.concept or mention.slug) in concepts or mention.slug in tags:
                terms = by_tag.setdefault(mention.slug, [])
                if mention.surface.lower() not in (t.lower() for t in terms):
                    terms.append(mention.surface)
        out: list[tuple[str, tuple]] = []
        shown: set[str] = set()
        for slug, terms in list(by_tag.items())[:2]:
            terms = terms[:3]
            shown.update(t.lower() for t in terms)
            listed = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]
            out.append(
                (
                    f"the profile mentions {listed} ({self.taxonomy.label(slug)})",
                    ("concepts", slug, *terms),
                )
            )
        return out, shown


# --- helpers ------------------------------------------------------------------------------------


class _Rows:
    """A CSR matrix built one row at a time, in compact arrays."""

    def __init__(self):
        self.indptr, self.indices, self.data = array("i", [0]), array("i"), array("f")

    def add(self, columns: Iterable[int], values: Iterable[float]) -> None:
        self.indices.extend(columns)
        self.data.extend(values)
        self.indptr.append(len(self.indices))

    def csr(self, n_cols: int) -> sp.csr_matrix:
        matrix = sp.csr_matrix(
            (
                np.frombuffer(self.data, np.float32).copy(),
                np.frombuffer(self.indices, np.int32).copy(),
                np.frombuffer(self.indptr, np.int32).copy(),
            ),
            shape=(len(self.indptr) - 1, n_cols),
        )
        matrix.sum_duplicates()
        return matrix


def _unique(docs: Iterable[PersonDoc[IdT]]) -> list[PersonDoc[IdT]]:
    """The last document of each id, in first-seen order."""
    by_id: dict[IdT, PersonDoc[IdT]] = {}
    for doc in docs:
        by_id[doc.id] = doc
    return list(by_id.values())


def _normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    squares = np.bincount(
        np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr)),
        weights=matrix.data.astype(np.float64) ** 2,
        minlength=matrix.shape[0],
    )
    norms = np.sqrt(squares)
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    matrix.data *= np.repeat(scale, np.diff(matrix.indptr)).astype(np.float32)
    return matrix


def _hstack(blocks: list[sp.csr_matrix]) -> sp.csr_matrix:
    matrix = sp.hstack(blocks, format="csr", dtype=np.float32)
    matrix.sort_indices()
    return matrix


def _widen(matrix: sp.csr_matrix, n_cols: int) -> sp.csr_matrix:
    """The same rows with empty columns added on the right (new words after the fit)."""
    if matrix.shape[1] == n_cols:
        return matrix
    return sp.csr_matrix(
        (matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], n_cols)
    )


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the k best positive scores, best first (ties: earlier row first)."""
    positive = np.flatnonzero(scores > 0)
    if positive.size > k:
        chosen = np.argpartition(-scores[positive], k - 1)[:k]
        # keep every row tied with the k-th so the order does not depend on argpartition
        threshold = scores[positive[chosen]].min()
        positive = positive[scores[positive] >= threshold]
    order = np.lexsort((positive, -scores[positive]))
    return positive[order][:k]
