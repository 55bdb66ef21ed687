"""Turning people and cases into the rows and vectors of the score.

A person is one row `[tag block (G) | W (T) | concepts (C) | word TF-IDF (V) | raw words]`,
the tag block being `[H (T) | any sub-area (T) | each sub-area (S)]`
(docs/matching.md); a case is compiled into the weights that meet those columns.
`_Features` is a part of `Ranker` (ranker.py), split out for reading.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp

from compagnon.matching.engine.data import CaseQuery, IdT, PersonDoc
from compagnon.matching.text import EXPERT, INTEREST, Analysis, Mention, analyse, char_ngrams

# The mixin reads the ranker's attributes (set in Ranker.__init__); typed as Any here.
_Base: Any = object

BM25_K1, BM25_B = 1.2, 0.75  # Okapi BM25, when Weights.word_scoring is "bm25"


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
    # (G,) the tag part's case weights over the tag block: tag_weights on H; on each tag,
    # its named sub-areas' columns, or its "any sub-area" column when it names none.
    tag_block: np.ndarray
    # Weights.sub_area_tags when the case text names a vocabulary sub-area, else 1: it scales
    # the tag part (declared skills name tags, not the sub-area the case is about).
    tag_scale: float = 1.0
    # Weights.unrevealed_chars when the case text names no vocabulary sub-area, else 1, times
    # Weights.uncovered_chars ** (1 - coverage): it scales the characters part after per-case
    # normalisation.
    chars_scale: float = 1.0


class _Profile(NamedTuple):
    """One person's tag values, before the hierarchy spreads them."""

    declared: dict[int, float]
    text: dict[int, float]
    strength: dict[int, float]  # S(u) = max(declared, text) + c * min(...)
    interest: dict[int, float]
    mentions: list[Mention]
    general: dict[int, float]  # text evidence from the tag's names and general terms
    sub_text: dict[int, float]  # sub-area column -> text evidence from its terms


class _Features(_Base):
    """How rows and case vectors are built (mixed into `Ranker`)."""

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
            tags.csr(self._G + self._T),
            concepts.csr(self._C),
            words.csr(len(word_vocab)),
            raw.csr(len(raw_vocab)),
        )

    def _concept_counts(self, mentions: Iterable[Mention]) -> tuple[list[int], list[float]]:
        """Concept columns and counts of mentions (a sub-area's term also counts for its tag)."""
        index = self.taxonomy.concept_index
        counts: dict[int, float] = {}
        for mention in mentions:
            key = mention.concept or mention.slug
            counts[index[key]] = counts.get(index[key], 0.0) + mention.weight
            if key != mention.slug:
                column = index[mention.slug]
                counts[column] = counts.get(column, 0.0) + 0.5 * mention.weight
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
        """Sublinear tf x idf, rows of unit length (scikit-learn's TfidfVectorizer defaults);
        with `Weights.word_scoring == "bm25"`, Okapi BM25's saturated term frequencies."""
        counts = counts.astype(np.float32)
        if self.weights.word_scoring == "bm25":
            k1, b = BM25_K1, BM25_B
            lengths = np.asarray(counts.sum(axis=1)).ravel()
            norm = k1 * (1 - b + b * lengths / max(self._avgdl, 1e-9))
            rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
            counts.data = counts.data * (k1 + 1) / (counts.data + norm[rows]) / (k1 + 1)
            return counts
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

    def _profile(
        self,
        doc: PersonDoc[IdT],
        analysis: Analysis | None = None,
        mentions: list[Mention] | None = None,
    ) -> _Profile:
        w, index = self.weights, self.taxonomy.index
        declared: dict[int, float] = {}
        for slug, level in doc.skills.items():
            u = index.get(slug)
            if u is None:
                continue
            level = min(max(int(level), 0), 4)
            declared[u] = w.level[level] + (w.teaches if slug in doc.teaches and level else 0.0)
        if mentions is None:
            mentions = self._matcher.mentions(analysis or analyse(doc.text))
        text: dict[int, float] = {}
        general: dict[int, float] = {}
        sub_text: dict[int, float] = {}
        interest = {index[slug]: 1.0 for slug in sorted(doc.interests) if slug in index}
        for mention in mentions:
            u = index[mention.slug]
            # A plain mention of a tag the person said they want to learn (and did not
            # declare as a skill) is that wish again, not expertise.
            wish = mention.kind != EXPERT and mention.slug in doc.interests
            if mention.kind == INTEREST or (wish and mention.slug not in doc.skills):
                interest[u] = max(interest.get(u, 0.0), w.text_interest * mention.weight)
            else:
                value = (
                    w.text_expert if mention.kind == EXPERT else w.text_mention
                ) * mention.weight
                text[u] = max(text.get(u, 0.0), value)
                j = self._sub_index.get(mention.concept)
                if j is None:
                    general[u] = max(general.get(u, 0.0), value)
                else:
                    sub_text[j] = max(sub_text.get(j, 0.0), value)
        strength = {}
        for u in declared.keys() | text.keys():
            a, b = declared.get(u, 0.0), text.get(u, 0.0)
            strength[u] = max(a, b) + w.corroboration * min(a, b)
        return _Profile(declared, text, strength, interest, mentions, general, sub_text)

    def _tag_values(
        self, doc: PersonDoc[IdT], analysis: Analysis
    ) -> tuple[list[int], list[float], list[Mention]]:
        """The person's tag columns: expertise spread over the hierarchy, then interests."""
        profile = self._profile(doc, analysis)
        w, T = self.weights, self._T
        scale = 1.0 if profile.declared else w.undeclared_text
        spread = self._spread_strength(profile.strength, scale, profile.declared)
        sub_columns: dict[int, float] = {}
        if w.sibling_text != 1.0 and profile.sub_text:
            # Text read from a sub-area counts per sub-area (docs/matching.md): the tag
            # column credits it at the sibling share; the "any sub-area" column adds back
            # what makes a case naming none of the tag's sub-areas score as per tag; each
            # sub-area's column adds the rest of that sub-area's text value, on top of a
            # declaration (which names the tag, not the sub-area).
            best_sub: dict[int, float] = {}
            for j, value in profile.sub_text.items():
                u = self.taxonomy.index[self._sub_keys[j].split("|", 1)[0]]
                best_sub[u] = max(best_sub.get(u, 0.0), value)
                spread_sub = (1.0 - w.sibling_text) * value * scale
                if spread_sub > 0:
                    sub_columns[2 * T + j] = spread_sub
            sibling = {}
            for u in profile.strength:
                a = profile.declared.get(u, 0.0)
                b = max(profile.general.get(u, 0.0), w.sibling_text * best_sub.get(u, 0.0))
                sibling[u] = max(a, b) + w.corroboration * min(a, b)
            per_tag, spread = spread, self._spread_strength(sibling, scale, profile.declared)
            for t, value in per_tag.items():
                if value > spread.get(t, 0.0) + 1e-9:
                    spread[T + t] = value - spread.get(t, 0.0)
            spread.update(sub_columns)
        wanted: dict[int, float] = {}
        for u, s in profile.interest.items():
            for t, credit in self._spread_interest[u]:
                if credit * s > wanted.get(t, 0.0):
                    wanted[t] = credit * s
        columns = list(spread) + [self._G + t for t in wanted]
        return columns, list(spread.values()) + list(wanted.values()), profile.mentions

    def _spread_strength(
        self, strength: dict[int, float], scale: float, declared: dict[int, float]
    ) -> dict[int, float]:
        """H(t) = max_u credit(t, u) * S(u) * scale over the hierarchy; the credit of a tag
        read from the text alone (not declared) x `Weights.text_spread` off its own tag."""
        spread: dict[int, float] = {}
        text_spread = self.weights.text_spread
        for u, s in strength.items():
            for t, credit in self._spread[u]:
                if t != u and u not in declared:
                    credit *= text_spread
                if credit * s * scale > spread.get(t, 0.0):
                    spread[t] = credit * s * scale
        return spread

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
        mentions = self._matcher.mentions(analysis)
        for mention in mentions:
            u = index[mention.slug]
            value = inferred_weight * mention.weight
            if mention.slug not in explicit and value > weights[u]:
                weights[u] = value
                if mention.slug not in inferred:
                    inferred.append(mention.slug)
        total = weights.sum()
        if total > 0:
            weights /= total
        concept_idx, concept_val = self._case_concepts(mentions)
        revealed = any("|" in mention.concept for mention in mentions)
        T = self._T
        tag_block = np.zeros(self._G, np.float32)
        tag_block[:T] = weights
        named: dict[int, set[int]] = {}
        for mention in mentions:
            j = self._sub_index.get(mention.concept)
            if j is not None:
                named.setdefault(index[mention.slug], set()).add(j)
        for t in np.flatnonzero(weights).tolist():
            if t in named:
                tag_block[2 * T + np.array(sorted(named[t]))] = weights[t]
            else:
                tag_block[T + t] = weights[t]
        # words
        counts = Counter(f for f in analysis.features() if f in self._words)
        word_idx = np.array([self._words[f] for f in counts], np.int64)
        word_val = np.array([1 + math.log(c) for c in counts.values()], np.float32)
        if word_idx.size and self.weights.word_scoring == "bm25":
            word_val = self._bm25_idf[word_idx].astype(np.float32)
            word_val /= max(float(word_val.sum()), 1e-9)  # a perfect match scores 1
        elif word_idx.size:
            word_val *= self._word_idf[word_idx]
            word_val /= np.linalg.norm(word_val)
        if word_idx.size:
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
            tag_block=tag_block,
            tag_scale=w.sub_area_tags if revealed else 1.0,
            chars_scale=(1.0 if revealed else w.unrevealed_chars)
            * (
                w.uncovered_chars ** (1.0 - _coverage(analysis, mentions))
                if w.uncovered_chars != 1
                else 1.0
            ),
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

    def query_vector(self, query: CaseQuery | _Compiled, weights: Any = None) -> np.ndarray:
        """The case as one dense float32 vector over the matrix's columns: `X @ q` is every
        person's unnormalised base score (the parts' sum before per-case normalisation)."""
        cq = query if isinstance(query, _Compiled) else self._compile(query)
        w = weights or self.weights
        q = np.zeros(self._n_features, np.float32)
        q[: self._G] = w.tags * cq.tag_scale * cq.tag_block
        q[self._G : self._G + self._T] = w.interests * cq.tag_weights
        q[self._off_concepts + cq.concept_idx] = w.concepts * cq.concept_val
        q[self._off_words + cq.word_idx] = w.words * cq.word_val
        if cq.char_idx.size and len(self._raw):
            q[self._off_raw :] = w.chars * (self._Mt[cq.char_idx].T @ cq.char_val)
        return q


# --- sparse helpers ------------------------------------------------------------


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


def _coverage(analysis: Analysis, mentions: list[Mention]) -> float:
    """Share of a text's content words inside the tag names and vocabulary terms found in it
    (1 when it has none: nothing is left unread)."""
    if not analysis.words:
        return 1.0
    found = {word for mention in mentions for word in analyse(mention.surface).words}
    return sum(word in found for word in analysis.words) / len(analysis.words)
