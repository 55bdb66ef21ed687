"""Why a person is proposed: readable reasons, and the same as codes (reasons.py translates).

`_Explain` is a part of `Ranker` (ranker.py): only the k returned people are explained.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np
import scipy.sparse as sp

from compagnon.matching.engine.data import LEVELS, RESEARCH_KINDS, Match
from compagnon.matching.engine.features import _Compiled, _normalise_rows, _Profile, _Rows
from compagnon.matching.text import INTEREST, Analysis, Mention, analyse, char_ngrams

# The mixin reads the ranker's attributes (set in Ranker.__init__); typed as Any here.
_Base: Any = object

IdT = Any
# (English sentence, code): reasons.py turns the code into the reader's language.
Reason = tuple[str, tuple]


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
            if self._shares_concept(cq, self._mentions_of(person_id, analysis, cq)):
                continue  # the concept reason says it; no need to look for near spellings
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

    def _mentions_of(self, person_id: IdT, analysis: Analysis, cq: _Compiled) -> list[Mention]:
        """The person's tag and vocabulary mentions, once per case explained."""
        found = cq.cache.setdefault("mentions", {})
        if person_id not in found:
            found[person_id] = self._matcher.mentions(analysis)
        return found[person_id]

    def _case_concepts_and_tags(self, cq: _Compiled) -> tuple[set[str], set[str]]:
        if "concepts" not in cq.cache:
            concepts = {self.taxonomy.concepts[int(i)] for i in cq.concept_idx}
            tags = {key.split("|", 1)[0] for key in concepts} | set(cq.tags)
            cq.cache["concepts"] = (concepts, tags)
        return cq.cache["concepts"]

    def _shares_concept(self, cq: _Compiled, mentions: list[Mention]) -> bool:
        concepts, tags = self._case_concepts_and_tags(cq)
        return any(
            m.kind != INTEREST and ((m.concept or m.slug) in concepts or m.slug in tags)
            for m in mentions
        )

    def _reasons(self, row: int, person_id: IdT, cq: _Compiled, load) -> list[Reason]:
        """Reasons in a fixed order: per case tag (skill, then wish), concepts, words,
        then the context of the person (organisation, base, language, research, load)."""
        doc = self._docs[person_id]
        analysis = cq.cache.get("analyses", {}).get(person_id) or analyse(doc.text)
        profile = self._profile(doc, analysis, self._mentions_of(person_id, analysis, cq))
        out: list[Reason] = []
        mentioned: list[str] = []
        for slug in cq.tags:
            skill, terms = self._skill_reason(slug, doc, profile)
            out += skill
            mentioned += terms
            out += self._wish_reason(slug, profile)
        concept_reasons, shown = self._concept_reasons(cq, profile.mentions)
        out += concept_reasons
        out += self._words_reason(
            cq, analysis, [m for m in mentioned if not set(m.lower().split()) <= shown], shown
        )
        out += _context_reasons(doc, cq.query, (load or {}).get(person_id, 0))
        return out

    def _best_source(self, t: int, profile: _Profile) -> tuple[int | None, float]:
        """The person's tag whose (hierarchy-credited) strength counts most for case tag t."""
        best, best_value = None, 0.0
        for u, strength in profile.strength.items():
            for target, credit in self._spread[u]:
                if target != u and u not in profile.declared:
                    credit *= self.weights.text_spread
                if target == t and credit * strength > best_value:
                    best, best_value = u, credit * strength
        return best, best_value

    def _skill_reason(self, slug: str, doc, profile: _Profile) -> tuple[list[Reason], list[str]]:
        """ "knows/teaches X (level)" or "related: Y (level) ⊃/⊂ X", and the person's terms."""
        taxonomy = self.taxonomy
        t = taxonomy.index[slug]
        best, value = self._best_source(t, profile)
        if best is None or value < 0.1:
            return [], []
        u_slug = taxonomy.slugs[best]
        terms = [m.surface for m in profile.mentions if m.slug == u_slug and m.kind != INTEREST]
        declared_wins = profile.declared.get(best, 0.0) >= profile.text.get(best, 0.0)
        level = "in profile"
        if declared_wins and best in profile.declared and u_slug in doc.skills:
            level = LEVELS[min(max(int(doc.skills[u_slug]), 1), 4)]
        label = taxonomy.label
        if best == t:
            if not declared_wins:
                return [], terms  # the text says it: the concept reason will
            code = "teaches" if slug in doc.teaches else "knows"
            return [(f"{code} {label(slug)} ({level})", (code, slug, level))], terms
        sign = "⊃" if any(a == u_slug for a, _ in taxonomy.ancestors(slug)) else "⊂"
        text = f"related: {label(u_slug)} ({level}) {sign} {label(slug)}"
        return [(text, ("related", u_slug, level, sign, slug))], terms

    def _wish_reason(self, slug: str, profile: _Profile) -> list[Reason]:
        """ "wants to learn X", or a wish on a neighbour of X."""
        taxonomy = self.taxonomy
        t = taxonomy.index[slug]
        wanted = [u for u, value in profile.interest.items() if value > 0]
        if t in wanted:
            return [(f"wants to learn {taxonomy.label(slug)}", ("wants_to_learn", slug))]
        near = [u for u in wanted for target, _ in self._spread_interest[u] if target == t]
        if not near:
            return []
        u_slug = taxonomy.slugs[near[0]]
        text = f"wants to learn {taxonomy.label(u_slug)} (near {taxonomy.label(slug)})"
        return [(text, ("wants_to_learn_near", u_slug, slug))]

    def _words_reason(
        self, cq: _Compiled, analysis: Analysis, mentioned: list[str], shown: set[str]
    ) -> list[Reason]:
        """ "profile mentions: …": tag phrases, then shared rare words (rarest first, as
        written), then words spelled like a case word; four at most, none shown already."""
        shared: dict[str, float] = {}
        for stem_, surface in zip(analysis.stems, analysis.surfaces, strict=True):
            if stem_ in cq.stems and surface.lower() not in shared:
                column = self._words.get(stem_)
                if column is not None and self._word_idf[column] >= self._common_idf:
                    shared[surface.lower()] = float(self._word_idf[column])
        words = sorted(shared, key=lambda word: -shared[word])
        words += self._close_words(cq, analysis, exclude=set(shared))
        listed = list(dict.fromkeys(mentioned + [w for w in words if w not in shown]))[:4]
        if not listed:
            return []
        return [(f"profile mentions: {', '.join(listed)}", ("mentions", *listed))]

    def _tag_names(self, slug: str) -> set[str]:
        names = self.__dict__.setdefault("_names_cache", {})
        if slug not in names:
            tag = self.taxonomy.tags[slug]
            names[slug] = {name.lower() for name in tag.names}
        return names[slug]

    def _concept_reasons(
        self, cq: _Compiled, mentions: list[Mention]
    ) -> tuple[list[tuple[str, tuple]], set[str]]:
        """ "the profile mentions ARIMA and demand forecasting (Time Series)": the person's
        terms for the concepts of the case (or of its tags), at most two tags, three terms
        each; also the lower-cased terms shown, so the word list does not repeat them."""
        concepts, tags = self._case_concepts_and_tags(cq)
        by_tag: dict[str, list[str]] = {}
        for mention in mentions:
            if mention.kind == INTEREST:
                continue
            if (mention.term or mention.surface).lower() in self._tag_names(mention.slug):
                continue  # the tag's own name: "knows X" already says it
            if (mention.concept or mention.slug) in concepts or mention.slug in tags:
                terms = by_tag.setdefault(mention.slug, [])
                term = mention.term or mention.surface
                if term.lower() not in (t.lower() for t in terms):
                    terms.append(term)
        out: list[tuple[str, tuple]] = []
        shown: set[str] = set()
        for slug, terms in list(by_tag.items())[:2]:
            terms = terms[:3]
            shown.update(word.lower() for term in terms for word in term.split())
            listed = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]
            out.append(
                (
                    f"the profile mentions {listed} ({self.taxonomy.label(slug)})",
                    ("concepts", slug, *terms),
                )
            )
        return out, shown


def _context_reasons(doc, query, load_count: int) -> list[Reason]:
    """Organisation, base, language, research and recent invitations."""
    out: list[Reason] = []
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
    if load_count > 0:
        times = "once" if load_count == 1 else f"{load_count} times"
        out.append((f"invited {times} this month: damped", ("load", load_count)))
    return out
