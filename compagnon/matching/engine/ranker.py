"""The index of people: fit, incremental updates, the exact top k, and case ranking.

Every person is one row of a combined sparse matrix; a case is one dense
vector; the unnormalised base score of everyone is one sparse mat-vec. With
per-case normalisation of the parts (`Weights.normalise`, on), the four
smaller parts (tags, interests, concepts, words) are also read column-wise for
the case's non-zero columns only (a gather over a CSC copy), the characters part
is the rest, and each part is divided by its largest value among the people
the case may be offered to. Per-person factors
(exclusions, organisation, base, language, research, load) are vectorised
over all rows, so the top k is exact; only the k returned rows are explained.
The formula is in docs/matching.md. Building rows is in features.py, reasons in
explain.py, the invitation set in selection.py.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from itertools import pairwise
from typing import Any, Generic

import numpy as np
import scipy.sparse as sp
from scipy.sparse import _sparsetools  # csc_matvec / csr_matvec add into the sums given

from compagnon.matching.engine.data import (
    PARTS,
    CaseIdT,
    CaseMatch,
    CaseQuery,
    IdT,
    Match,
    PersonDoc,
    Weights,
)
from compagnon.matching.engine.embeddings import SentenceEncoder
from compagnon.matching.engine.embeddings import normalised as unit_rows
from compagnon.matching.engine.explain import _Explain
from compagnon.matching.engine.features import _Compiled, _Features, _hstack, _unique, _widen
from compagnon.matching.engine.selection import _Selection
from compagnon.matching.engine.taxonomy import Taxonomy
from compagnon.matching.text import ConceptMatcher

_KIND_CODES = {"member": 0, "researcher": 1, "resident": 2}
# The matrix's column blocks before the characters, in order, as indices into PARTS.
_BLOCK_PARTS = np.array([PARTS.index(p) for p in ("tags", "interests", "concepts", "words")])
_CHARS = PARTS.index("chars")
_MULTIPLIER_CACHE = 1024  # cases whose part multipliers rank_cases/features keep


class Ranker(_Features, _Explain, _Selection, Generic[IdT]):
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
        # Sub-area columns of the tag block: [H (T) | any sub-area (T) | each sub-area (S)].
        self._sub_keys = [key for key in taxonomy.concepts if "|" in key]
        self._sub_index = {key: j for j, key in enumerate(self._sub_keys)}
        self._G = 2 * T + len(self._sub_keys)  # width of the tag block
        self._encoder: SentenceEncoder | None = None
        self._embedded: np.ndarray | None = None  # (rows, d) unit sentence embeddings
        self._C = len(taxonomy.concepts)
        self._concept_idf = np.ones(self._C, np.float32)
        # text vocabularies
        self._words: dict[str, int] = {}
        self._word_idf = np.zeros(0, np.float32)
        self._bm25_idf = np.zeros(0, np.float32)
        self._avgdl = 1.0
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
        # column-wise copies of the rows' blocks before the characters (per-case normalisation)
        self._csc: sp.csc_matrix | None = None
        self._delta_csc: sp.csc_matrix | None = None
        # and row-wise copies of the characters' columns (the rest of `X @ q`)
        self._chars: sp.csr_matrix | None = None
        self._delta_chars: sp.csr_matrix | None = None
        self._multipliers: dict[tuple, np.ndarray] = {}

    @classmethod
    def fit(
        cls,
        people: Iterable[PersonDoc[IdT]],
        *,
        taxonomy: Taxonomy | None = None,
        weights: Weights | None = None,
        encoder: SentenceEncoder | None = None,
    ) -> Ranker[IdT]:
        """Index `people`. `encoder` (optional, off by default): a sentence-embedding model
        the operator installed (embeddings.py); used when `weights.embedding` > 0."""
        ranker = cls(taxonomy or Taxonomy.default(), weights or Weights())
        if encoder is not None and ranker.weights.embedding > 0:
            ranker._encoder = encoder
        ranker._fit(_unique(people))
        return ranker

    @property
    def _off_concepts(self) -> int:
        return self._G + self._T

    @property
    def _off_words(self) -> int:
        return self._G + self._T + self._C

    @property
    def _off_raw(self) -> int:
        return self._off_words + len(self._words)

    @property
    def _n_features(self) -> int:
        return self._off_raw + len(self._raw)

    def _fit(self, docs: list[PersonDoc[IdT]]) -> None:
        n = len(docs)
        tag_block, concept_counts, counts, raw_counts = self._encode(docs, fitting=True)
        # Concepts carry no idf by default: there are few of them, each already chosen to mean
        # something, and an idf fitted on a small club would drift with every upsert.
        if self.weights.concept_idf and n:
            concept_df = np.bincount(concept_counts.indices, minlength=self._C)
            self._concept_idf = (np.log((1 + n) / (1 + concept_df)) + 1).astype(np.float32)
        concept_block = self._concept_rows(concept_counts)
        df = np.bincount(counts.indices, minlength=len(self._words))
        self._word_idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        self._bm25_idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        self._avgdl = float(lengths.mean()) if n else 1.0
        # words in more than a quarter of profiles ("data", "projets") explain nothing
        self._common_idf = float(np.log((1 + n) / (1 + 0.25 * n)) + 1) if n >= 20 else 0.0
        word_block = self._tfidf_rows(counts)
        self._build_grams(raw_counts)
        raw_block = self._char_normalised(raw_counts)
        self._main = _hstack([tag_block, concept_block, word_block, raw_block])
        self._delta = None
        self._changed(main=True)
        self._append_people(docs)

    def _changed(self, *, main: bool) -> None:
        """Forget what was derived from the rows: the CSC copies and the cached multipliers.
        The copies are rebuilt here (a write) rather than on the first read."""
        if main:
            self._csc = self._chars = None
        self._delta_csc = self._delta_chars = None
        self._multipliers = {}
        if self.weights.normalise:
            self._column_copies()

    def _append_people(self, docs: list[PersonDoc[IdT]]) -> None:
        if self._encoder is not None:
            vectors = unit_rows(self._encoder.encode([d.text for d in docs]))
            self._embedded = (
                vectors if self._embedded is None else np.vstack([self._embedded, vectors])
            )
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
        self._changed(main=False)
        self._append_people(docs)
        self._maybe_compact()

    def remove(self, ids: Iterable[IdT]) -> None:
        for person_id in ids:
            row = self._row_of.pop(person_id, None)
            if row is not None:
                self._alive[row] = False
                self._docs.pop(person_id, None)
                self._multipliers = {}
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
        self._changed(main=True)
        self._ids = [self._ids[i] for i in keep]
        self._row_of = {person_id: row for row, person_id in enumerate(self._ids)}
        for name in ("_alive", "_org", "_base", "_lang", "_kind", "_remote"):
            setattr(self, name, getattr(self, name)[keep])
        if self._embedded is not None:
            self._embedded = self._embedded[keep]

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, person_id: object) -> bool:
        return person_id in self._row_of

    @property
    def ids(self) -> list[IdT]:
        return list(self._row_of)

    def feature_matrix(self) -> sp.csr_matrix:
        """All rows, removed ones included (diagnostics and benchmarks)."""
        if self._delta is None:
            return self._main
        return sp.vstack(
            [_widen(self._main, self._n_features), _widen(self._delta, self._n_features)],
            format="csr",
        )

    def _embedding_scores(
        self, cq: _Compiled, rows: np.ndarray | None = None
    ) -> np.ndarray | float:
        """Weights.embedding x cosine of the sentence embeddings (0 without an encoder)."""
        if self._encoder is None or self._embedded is None:
            return 0.0
        case = unit_rows(self._encoder.encode([cq.query.text]))[0]
        matrix = self._embedded if rows is None else self._embedded[rows]
        return self.weights.embedding * (matrix @ case)

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
        otherwise C grows. One mat-vec (and the per-part gather when normalising), then work
        on C rows only.
        """
        allowed = self._allowed(cq, unavailable)
        raw, base, _ = self._score_vectors(cq, self.weights, allowed)
        embedded = self._embedding_scores(cq)
        if not isinstance(embedded, float):  # an encoder is on (off by default)
            raw, base = raw + embedded, base + embedded
        # min_score is a floor on the evidence (the unnormalised base), not on the rank
        base = base.astype(np.float32)  # a copy: the caller's vectors are not changed
        base[raw < self.weights.min_score] = 0.0  # rows not allowed: 0 here or by their factor
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
            candidates = candidates[base[candidates] > 0]
            final = base[candidates] * self._factors(
                cq, candidates, load=load, unavailable=unavailable
            )
            top = _top(final, k)
            if left_out <= 0:
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
            parts = self._parts(rows, cq)[0]
            embedded = float(np.sum(self._embedding_scores(cq, rows)))
            if float(parts.sum()) + embedded >= self.weights.min_score:
                base = float(parts @ self._case_multipliers(cq)) + embedded
                found.append((base * factor, case_id, cq))
        found.sort(key=lambda item: -item[0])
        return [
            CaseMatch.of(case_id, self._explained(row, score, cq))
            for score, case_id, cq in found[:k]
        ]

    def _allowed(self, cq: _Compiled, unavailable: Collection[IdT] = ()) -> np.ndarray | None:
        """Rows the case may be offered to (alive, organisation not excluded, available);
        None when that is every row."""
        mask = None if self._alive.all() else self._alive.copy()
        if cq.excluded.size:
            kept = ~np.isin(self._org, cq.excluded)
            mask = kept if mask is None else mask & kept
        if unavailable:
            rows = [r for r in (self._row_of.get(p) for p in unavailable) if r is not None]
            if rows:
                mask = self._alive.copy() if mask is None else mask
                mask[rows] = False
        return mask

    def _column_copies(self) -> list[tuple[sp.csc_matrix, sp.csr_matrix, int]]:
        """Per range of rows (the fitted ones, then the upserted ones): a CSC copy of the
        blocks before the characters, a CSR copy of the characters' columns, the first row."""
        width = self._off_raw
        if self._csc is None or self._chars is None:
            main = _widen(self._main, self._n_features)
            self._csc, self._chars = main[:, :width].tocsc(), main[:, width:].tocsr()
        copies = [(self._csc, self._chars, 0)]
        if self._delta is not None:
            if self._delta_csc is None or self._delta_chars is None:
                delta = _widen(self._delta, self._n_features)
                self._delta_csc, self._delta_chars = delta[:, :width].tocsc(), delta[:, width:]
            copies.append((self._delta_csc, self._delta_chars, self._main.shape[0]))
        return copies

    def _raw_and_blocks(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(raw base `X @ q` of every row, (4, rows) weighted tags, interests, concepts and
        words parts), reading the blocks before the characters at the case's non-zero columns
        only (a gather over the CSC copies).

        The raw base is `X @ q` to the last bit without reading the block columns the case
        leaves at 0 (three quarters of X's non-zeros): `X @ q` adds each row's products in
        float32, in column order, and the block columns come first. So `csc_matvec` adds the
        case's block columns, in order, into zeros, and `csr_matvec` goes on over the
        characters' columns from those sums (both add into the vector they are given).
        Each part is the float64 sum of the same float32 products, in the same column order
        (`csc_matvec` again, over that block's columns, times 1).
        """
        n = len(self._ids)
        raw = np.zeros(n, np.float32)
        blocks = np.zeros((4, n))
        cols = np.flatnonzero(q[: self._off_raw])
        bounds = np.array([0, self._G, self._off_concepts, self._off_words])
        # the case's columns of each block, a run of `cols` (sorted, blocks in column order)
        runs = [*np.searchsorted(cols, bounds).tolist(), cols.size]
        weights = q[cols]
        for matrix, chars, first in self._column_copies():
            rows = raw[first : first + matrix.shape[0]]  # a view: the matvecs write into it
            starts, ends = matrix.indptr[cols], matrix.indptr[cols + 1]
            lengths = ends - starts
            if int(lengths.sum()):
                indptr = np.zeros(cols.size + 1, matrix.indptr.dtype)
                np.cumsum(lengths, out=indptr[1:])
                indices = np.concatenate(
                    [matrix.indices[a:b] for a, b in zip(starts, ends, strict=True)]
                )
                data = np.concatenate([matrix.data[a:b] for a, b in zip(starts, ends, strict=True)])
                _sparsetools.csc_matvec(
                    matrix.shape[0], cols.size, indptr, indices, data, weights, rows
                )
                products = (data * np.repeat(weights, lengths)).astype(np.float64)
                for part, (lo, hi) in enumerate(pairwise(runs)):
                    if lo == hi:
                        continue
                    start, end = indptr[lo], indptr[hi]
                    _sparsetools.csc_matvec(
                        matrix.shape[0],
                        hi - lo,
                        indptr[lo : hi + 1] - start,
                        indices[start:end],
                        products[start:end],
                        np.ones(hi - lo),
                        blocks[part, first : first + matrix.shape[0]],
                    )
            tail = q[self._off_raw : self._off_raw + chars.shape[1]]
            _sparsetools.csr_matvec(
                chars.shape[0], chars.shape[1], chars.indptr, chars.indices, chars.data, tail, rows
            )
        return raw, blocks

    def _score_vectors(
        self, cq: _Compiled, weights: Weights, allowed: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(raw base, normalised base, multipliers in PARTS order) of every row.

        Raw: one mat-vec. Normalised: each weighted part times 1 / (its largest unweighted
        value over the allowed rows), so the best allowed person on a part gets its weight.
        """
        q = self.query_vector(cq, weights)
        multipliers = np.ones(len(PARTS))
        if not weights.normalise or not self._ids:
            raw = self._base_scores(q)
            return raw, raw, multipliers
        raw, blocks = self._raw_and_blocks(q)
        chars = raw - blocks.sum(axis=0)
        np.maximum(chars, 0.0, out=chars)  # rounding: the parts are never negative
        if allowed is not None:  # usually a few rows: zero them rather than copy the rest
            out = np.flatnonzero(~allowed)
            blocks[:, out] = 0.0
            chars[out] = 0.0
        tops = np.append(blocks.max(axis=1), chars.max())
        part_weights = np.array([getattr(weights, p) for p in PARTS])
        order = np.append(_BLOCK_PARTS, _CHARS)
        # tops are of weighted parts: 1 / unweighted top = weight / weighted top
        for j, top in zip(order, tops, strict=True):
            if top > 0 and part_weights[j] > 0:
                multipliers[j] = part_weights[j] / top
        if weights.part_idf:  # a part many people share tells less about this case
            n = raw.size if allowed is None else int(np.count_nonzero(allowed))
            high = np.append(
                np.count_nonzero(blocks >= 0.5 * tops[:4, None], axis=1),
                np.count_nonzero(chars >= 0.5 * tops[4]),
            )
            for j, top, count in zip(order, tops, high, strict=True):
                if top > 0 and n > 1:
                    multipliers[j] *= (math.log1p(n / count) / math.log1p(n)) ** weights.part_idf
        multipliers[_CHARS] *= cq.chars_scale  # after normalisation (Weights.unrevealed_chars)
        # `@` with the four blocks (0.07 ms at 100k people here); a five-block product went to
        # the threaded BLAS (1.3 ms idle, 7 ms busy), which an einsum avoided, but einsum sums in
        # another order (results differ in the last bit), so it stays out while there are four
        scaled = chars * multipliers[_CHARS] + multipliers[_BLOCK_PARTS] @ blocks
        return raw, scaled, multipliers

    def _case_multipliers(self, cq: _Compiled) -> np.ndarray:
        """The case's part multipliers over every person it may be offered to (cached until
        the rows change): what `rank` uses when no one is unavailable."""
        if not self.weights.normalise:
            return np.ones(len(PARTS))
        q = cq.query
        key = (q.text, frozenset(q.tags), frozenset(q.exclude_organisations))
        found = self._multipliers.get(key)
        if found is None:
            if len(self._multipliers) >= _MULTIPLIER_CACHE:
                self._multipliers.clear()
            # unit weights: the multipliers do not depend on the weights (parts at 0 aside)
            ones: dict[str, Any] = dict.fromkeys(PARTS, 1.0)
            unit = replace(self.weights, **ones)
            found = self._score_vectors(cq, unit, self._allowed(cq))[2]
            self._multipliers[key] = found
        return found

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
        G, T, w = self._G, self._T, weights or self.weights
        parts = np.zeros((sub.shape[0], len(PARTS)), np.float64)
        row_of_value = np.repeat(np.arange(sub.shape[0]), np.diff(sub.indptr))
        cols, data = sub.indices, sub.data.astype(np.float64)
        tag = cols < G
        tag_weights = w.tags * cq.tag_scale * cq.tag_block
        np.add.at(parts[:, 0], row_of_value[tag], data[tag] * tag_weights[cols[tag]])
        interest = (cols >= G) & (cols < G + T)
        np.add.at(
            parts[:, 1],
            row_of_value[interest],
            data[interest] * w.interests * cq.tag_weights[cols[interest] - G],
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
        self,
        query: CaseQuery,
        person_ids: Collection[IdT] | None = None,
        *,
        normalised: bool = True,
    ) -> tuple[list[IdT], np.ndarray, np.ndarray]:
        """(ids, unweighted parts (n, len(PARTS)), factors) of indexed people for one case.

        The base score is `parts @ [weights.<part> for part in PARTS]`, the final score that
        times the factor: what `learn` fits weights on. All indexed people when `person_ids`
        is None. With `Weights.normalise` the parts are the normalised ones (divided by their
        largest value over the people the case may be offered to, as `rank_cases` scores);
        `normalised=False` gives them raw (`min_score` is tested on the raw ones).
        """
        normalised = normalised and self.weights.normalise
        if person_ids is None:
            ids = [self._ids[r] for r in np.flatnonzero(self._alive)]
        else:
            ids = [p for p in person_ids if p in self._row_of]
        if not ids:
            return [], np.zeros((0, len(PARTS))), np.zeros(0)
        rows = np.array([self._row_of[p] for p in ids])
        cq = self._compile(query)
        ones: dict[str, Any] = dict.fromkeys(PARTS, 1.0)
        unit = replace(self.weights, **ones)
        parts = self._parts(rows, cq, unit)
        if normalised:
            parts *= self._case_multipliers(cq)
        return ids, parts, self._factors(cq, rows).astype(np.float64)


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
