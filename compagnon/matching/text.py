"""Text analysis for matching, French and English, with no downloaded data.

Accent folding, a light suffix-stripping stemmer that merges inflections and
many French/English cognates ("statistiques", "statistics", "statistical" ->
"statist"), stop words of both languages, and `ConceptMatcher`, which finds
taxonomy tags in free text through their labels and synonyms, tolerates one
typo in long words, and reads the words around a mention to tell "expert in
X" from "I would like to learn X".

Pure Python: imported by `engine` and usable without Django.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import NamedTuple

# --- folding, tokens, stems ---------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+|[.!?;:,\n]")
_BOUNDARIES = frozenset(".!?;:,\n")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})

_STOP_WORDS = """
    a an and are as at be been but by can could did do does for from had has have he her his how
    i if in into is it its me more most my no nor not of on once only or our out over own same she
    so some such than that the their them then there these they this those through to too under
    until up very was we were what when where which while who whom why will with you your also
    using use used via per etc within across about after before both each other any all just
    au aux avec ce ces cet cette dans de des du elle en et eux il ils je la le les leur leurs lui
    ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur
    ta te tes toi ton tu un une vos votre vous c d j l m n s t y ete etre avoir sont est suis
    sommes etes ai as avons avez ont fait faire plus tres aussi comme dont ainsi chez entre vers
    sans sous leur cela ca ici tout tous toute toutes autre autres afin lors depuis pendant
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def fold(text: str) -> str:
    """The text without accents (keeps case and non-Latin letters): 'Prévision' -> 'Prevision'."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in text if not unicodedata.combining(c))


# (suffix, replacement), longest first. A plural keeps three letters ("llms" -> "llm"),
# a derivation four.
_PLURALS = (("eaux", "eau"), ("aux", "al"), ("sses", "ss"), ("ies", "i"), ("s", ""), ("x", ""))
_DERIVATIONS = sorted(
    [
        ("isation", "is"),
        ("ization", "is"),
        ("ational", "at"),
        ("ation", "at"),
        ("ements", ""),
        ("ement", ""),
        ("iques", ""),
        ("ique", ""),
        ("ical", ""),
        ("ic", ""),
        ("ienne", "ien"),
        ("elle", "el"),
        ("euse", "eu"),
        ("izing", "is"),
        ("ising", "is"),
        ("izer", "is"),
        ("iser", "is"),
        ("ize", "is"),
        ("ise", "is"),
        ("ing", ""),
        ("ies", "i"),
        ("ee", ""),
        ("ie", ""),
        ("ed", ""),
        ("er", ""),
        ("ly", ""),
        ("y", "i"),
        ("e", ""),
    ],
    key=lambda rule: -len(rule[0]),
)
_MIN_STEM = 4
_stem_cache: dict[str, str] = {}


def _strip(word: str, rules: Iterable[tuple[str, str]], shortest: int) -> str:
    for suffix, replacement in rules:
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: -len(suffix)] + replacement
    return word


def stem(word: str) -> str:
    """Light French/English stem of a folded lower-case word (plural, then one derivation)."""
    cached = _stem_cache.get(word)
    if cached is not None:
        return cached
    if len(word) <= 3 or not word.isalpha():
        result = word
    else:
        result = _strip(_strip(word, _PLURALS, 3), _DERIVATIONS, _MIN_STEM)
    if len(_stem_cache) > 500_000:  # a long-lived process meets many typos; start again
        _stem_cache.clear()
    _stem_cache[word] = result
    return result


class Analysis(NamedTuple):
    """Content tokens of a text (stop words removed), in order."""

    stems: list[str]
    words: list[str]  # folded, lower case, not stemmed (for character n-grams)
    surfaces: list[str]  # as written (for reasons people read)
    upper: list[bool]  # written in capitals (acronyms)
    segments: list[int]  # clause number: mentions and cues must share one

    def features(self) -> list[str]:
        """Word unigrams and within-clause bigrams of stems, the TF-IDF vocabulary."""
        stems, segments = self.stems, self.segments
        bigrams = [
            f"{stems[i]} {stems[i + 1]}"
            for i in range(len(stems) - 1)
            if segments[i] == segments[i + 1]
        ]
        return stems + bigrams


_BOUNDARY = ("",)
_STOP: tuple = ()
_token_cache: dict[str, tuple] = {b: _BOUNDARY for b in _BOUNDARIES}


def _token_info(token: str) -> tuple:
    """(stem, folded lower-case word, written in capitals) of a token; () for a stop word."""
    folded = fold(token)
    lower = folded.lower()
    capitals = len(folded) > 1 and folded.isupper()
    if len(lower) < 2 or (lower in STOP_WORDS and not capitals):
        info = _STOP
    else:
        info = (stem(lower), lower, capitals)
    if len(_token_cache) > 500_000:  # a long-lived process meets many typos; start again
        _token_cache.clear()
        _token_cache.update({b: _BOUNDARY for b in _BOUNDARIES})
    _token_cache[token] = info
    return info


def analyse(text: str) -> Analysis:
    stems: list[str] = []
    words: list[str] = []
    surfaces: list[str] = []
    upper: list[bool] = []
    segments: list[int] = []
    segment = 0
    known = _token_cache.get
    for token in _TOKEN.findall(text or ""):
        info = known(token)
        if info is None:
            info = _token_info(token)
        if info is _BOUNDARY:
            segment += 1
        elif info:
            stems.append(info[0])
            words.append(info[1])
            surfaces.append(token)
            upper.append(info[2])
            segments.append(segment)
    return Analysis(stems, words, surfaces, upper, segments)


def char_ngrams(word: str, low: int = 3, high: int = 5) -> list[str]:
    """scikit-learn's `char_wb` n-grams of one word: padded with spaces, lengths low..high."""
    padded = f" {word} "
    grams: list[str] = []
    for n in range(low, high + 1):
        if n > len(padded):
            break
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


# --- concepts: taxonomy tags found in text --------------------------------------------------------

EXPERT, NEUTRAL, INTEREST = "expert", "neutral", "interest"

_CUE_WORDS = {
    EXPERT: """
        expert experts expertise expertises lead leading led head senior principal specialist
        specialised specialized years decade phd thesis taught teach teaching teacher mentor
        built designed deployed advanced extensive architect published publications professor
        specialiste specialisee specialise ans annees these doctorat docteur enseigne enseigner
        enseignant formateur formatrice dirige dirigeant pilote concu deploye avance avancee
        confirme confirmee responsable publie chercheur chercheuse researcher maitre referent
        referente maitrise master mastered
    """,
    INTEREST: """
        learn learning discover discovering curious interested interest explore exploring beginner
        novice wish want wants keen eager hope hoping newcomer starting
        apprendre decouvrir curieux curieuse interesse interessee interesse interesser debutant
        debutante debuter initier initiation explorer aimerais voudrais souhaite souhaiterais
        envie progresser novice decouverte
    """,
}
# "learning" is also a content word ("machine learning"): a cue only outside a tag phrase.
CUES: dict[str, str] = {
    stem(word): kind for kind, words in _CUE_WORDS.items() for word in words.split()
}


class Mention(NamedTuple):
    slug: str
    kind: str  # EXPERT, NEUTRAL or INTEREST, from the nearest cue in the clause
    weight: float  # 1 for an exact label or synonym, less for a typo or a short acronym
    surface: str  # the words as written
    concept: str = ""  # "slug" or "slug|sub-area": the vocabulary entry that matched
    term: str = ""  # the name or vocabulary term that matched, as the vocabulary writes it


class ConceptMatcher:
    """Finds tags in analysed text from their slugs, French and English labels, and synonyms.

    `names` maps slug -> names (labels and synonyms). Acronyms of two letters (ML, CV, OR)
    only count written in capitals, and weigh less: "mon CV" is a résumé. Words of six
    letters or more also match with one typo (insertion, deletion, substitution, swap).
    """

    SHORT_ACRONYM_WEIGHT = 0.6
    TYPO_WEIGHT = 0.8

    def __init__(self, names: Mapping[str, Iterable[str]]):
        self._phrases: dict[str, list[tuple[tuple[str, ...], str, bool, float, str]]] = {}
        self._vocabulary: set[str] = set()
        for slug, tag_names in names.items():
            for name in tag_names:
                analysis = analyse(name.replace("-", " ").replace("/", " "))
                phrase = tuple(analysis.stems)
                if not phrase:
                    continue
                raw = fold(name).strip()
                short_acronym = len(phrase) == 1 and len(raw) <= 2 and raw.isupper()
                weight = self.SHORT_ACRONYM_WEIGHT if short_acronym else 1.0
                self._phrases.setdefault(phrase[0], []).append(
                    (phrase, slug, short_acronym, weight, name.strip())
                )
                self._vocabulary.update(phrase)
        for entries in self._phrases.values():
            entries.sort(key=lambda entry: -len(entry[0]))
        self._deletions: dict[str, str] = {}
        for word in sorted(self._vocabulary):
            if len(word) >= 6:
                for variant in self._deletes(word):
                    self._deletions.setdefault(variant, word)
        self._canonical: dict[str, tuple[str, float]] = {}

    @staticmethod
    def _deletes(word: str) -> list[str]:
        return [word[:i] + word[i + 1 :] for i in range(len(word))]

    def _canon(self, token: str) -> tuple[str, float]:
        """The taxonomy word `token` stands for, and 1 (exact) or TYPO_WEIGHT."""
        hit = self._canonical.get(token)
        if hit is not None:
            return hit
        if token in self._vocabulary or len(token) < 6:
            hit = (token, 1.0)
        else:
            hit = (token, 1.0)
            for variant in (token, *self._deletes(token)):
                word = self._deletions.get(variant)
                if word is not None and word[0] == token[0] and abs(len(word) - len(token)) <= 1:
                    hit = (word, self.TYPO_WEIGHT)
                    break
        if len(self._canonical) > 500_000:
            self._canonical.clear()
        self._canonical[token] = hit
        return hit

    def mentions(self, analysis: Analysis) -> list[Mention]:
        stems = analysis.stems
        known = self._canonical.get
        canon = [known(s) or self._canon(s) for s in stems]
        tokens = [c[0] for c in canon]
        phrases = self._phrases
        starts = [i for i, token in enumerate(tokens) if token in phrases]
        if not starts:
            return []
        spans: list[tuple[int, int, str, float, str]] = []
        covered: set[int] = set()
        free = 0  # first position not inside an earlier match
        for i in starts:
            if i < free:
                continue
            matched = 0
            for phrase, slug, needs_capitals, weight, term in phrases[tokens[i]]:
                n = len(phrase)
                if tuple(tokens[i : i + n]) != phrase:
                    continue
                if needs_capitals and not analysis.upper[i]:
                    continue
                typo = min(c[1] for c in canon[i : i + n])
                spans.append((i, n, slug, weight * typo, term))
                matched = max(matched, n)
            if matched:
                covered.update(range(i, i + matched))
                free = i + matched
        if not spans:
            return []
        # "learning" is a cue in "I want to learn", not inside "machine learning".
        cues = [(j, CUES[s]) for j, s in enumerate(stems) if s in CUES and j not in covered]
        return [
            Mention(
                key.split("|", 1)[0],
                self._cue(cues, start, analysis.segments),
                weight,
                " ".join(analysis.surfaces[start : start + n]),
                key,
                term,
            )
            for start, n, key, weight, term in spans
        ]

    @staticmethod
    def _cue(cues: list[tuple[int, str]], position: int, segments: list[int]) -> str:
        """The kind of the nearest cue word in the same clause as the mention, else NEUTRAL."""
        best, kind = None, NEUTRAL
        for index, cue_kind in cues:
            if segments[index] != segments[position]:
                continue
            distance = abs(index - position)
            if best is None or distance < best:
                best, kind = distance, cue_kind
        return kind
