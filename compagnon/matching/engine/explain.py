"""Why a person is proposed: readable reasons, and the same as codes (reasons.py translates).

`_Explain` is a part of `Ranker` (ranker.py): only the k returned people are explained.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from compagnon.matching.engine.data import LEVELS, RESEARCH_KINDS, Match
from compagnon.matching.engine.features import _Compiled, _normalise_rows, _Rows
from compagnon.matching.text import INTEREST, Analysis, Mention, analyse, char_ngrams

if TYPE_CHECKING:
    from compagnon.matching.engine.ranker import Ranker

    _Base = Ranker[Any]
else:
    _Base = object

IdT = Any


class _Explain(_Base):
    """Reasons for the returned people (mixed into `Ranker`)."""

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
