"""Full-text search over reports and notes: one interface, two databases.

`search(query=..., viewer=..., filters=...)` is all the pages call. Underneath:

* Both databases index the same `SearchDocument` rows, whose text is folded
  (lower case, accents removed) in Python, so "prevision" finds "prévision".
* PostgreSQL: a generated `tsvector` column (migration 0002) built with the
  `french` and `english` configurations; each query word becomes
  `(plainto_tsquery('french', w) || plainto_tsquery('english', w))`, the words
  joined with `&&`; ranked with `ts_rank_cd`.
* SQLite: an FTS5 table whose rowid is the document's id, holding the French
  and English Snowball stems of every word (FTS5's own stemmer is English only);
  each query word becomes `("fr-stem" OR "en-stem")`, joined with AND; ranked
  with `bm25` (title weighted 4, body 1).
* The person's query never reaches the engine's syntax: it is cut into words
  (letters and digits only), so quotes, `NEAR`, `*`, `-` or an unbalanced
  parenthesis are plain text, never an error.
* Snippets are built in Python for both: the text is escaped, then the words
  whose stems match are wrapped in `<mark>`.

Visibility comes first: only documents the viewer may read (see
`selectors.documents_visible_to`) are searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from html import escape
from typing import Any

import snowballstemmer
from django.db import connection
from django.db.models import Exists, FloatField, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from compagnon.knowledge.models import SearchDocument
from compagnon.knowledge.selectors import documents_visible_to
from compagnon.matching.text import STOP_WORDS, fold
from compagnon.members.selectors import Viewer

MAX_TERMS = 8
MAX_QUERY_LENGTH = 200
SNIPPET_WORDS = 36
FTS_TABLE = "knowledge_search_fts"

_WORD = re.compile(r"[^\W_]+")


# --- words and stems ----------------------------------------------------------------------


@cache
def _stemmers() -> tuple[Any, Any]:
    return snowballstemmer.stemmer("french"), snowballstemmer.stemmer("english")


def normalise(text: str) -> str:
    """Lower case without accents: what both databases index."""
    return fold(text).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


@lru_cache(maxsize=200_000)
def stems(word: str) -> frozenset[str]:
    """The French and English stems of one folded word (cached: Snowball in Python is slow)."""
    french, english = _stemmers()
    return frozenset((french.stemWord(word), english.stemWord(word)))


def query_terms(query: str) -> list[str]:
    """The words searched for: at most MAX_TERMS, stop words dropped unless nothing else is left."""
    found = words(query[:MAX_QUERY_LENGTH])
    unique = list(dict.fromkeys(found))
    meaningful = [word for word in unique if word not in STOP_WORDS]
    return (meaningful or unique)[:MAX_TERMS]


def stemmed_text(text: str) -> str:
    """What SQLite's FTS5 table holds: every word's French and English stems."""
    out: list[str] = []
    for word in words(text):
        out.extend(sorted(stems(word)))
    return " ".join(out)


# --- writing the index ------------------------------------------------------------------------


def index_write(document: SearchDocument) -> None:
    """Bring the database's full-text part in step with the document's row."""
    if connection.vendor != "sqlite":
        # PostgreSQL computes its tsvector column from the row itself.
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [document.pk])
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",
            [document.pk, stemmed_text(document.title), stemmed_text(document.index_body)],
        )


def index_clear() -> None:
    """Empty the SQLite full-text table (before a full reindex)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")


# --- searching ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    tag_ids: frozenset[int] = frozenset()
    organisation_id: int | None = None
    year: int | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Hit:
    document: SearchDocument
    title_html: SafeString
    snippet_html: SafeString
    rank: float


@dataclass
class SearchResults:
    query: str
    terms: list[str]
    total: int = 0
    hits: list[Hit] = field(default_factory=list)

    @property
    def searched(self) -> bool:
        return bool(self.terms)


def _filtered(
    documents: QuerySet[SearchDocument], filters: SearchFilters
) -> QuerySet[SearchDocument]:
    # Exists, not joins: a document with two matching tags must not come back twice.
    if filters.tag_ids:
        tagged = SearchDocument.tags.through.objects.filter(
            searchdocument_id=OuterRef("pk"), tag_id__in=filters.tag_ids
        )
        documents = documents.filter(Exists(tagged))
    if filters.organisation_id:
        involved = SearchDocument.organisations.through.objects.filter(
            searchdocument_id=OuterRef("pk"), organisation_id=filters.organisation_id
        )
        documents = documents.filter(Exists(involved))
    if filters.year:
        documents = documents.filter(year=filters.year)
    if filters.kind:
        documents = documents.filter(kind=filters.kind)
    return documents


def _postgres_match(documents: QuerySet[SearchDocument], terms: list[str]) -> QuerySet:
    parts = ["(plainto_tsquery('french', %s) || plainto_tsquery('english', %s))"] * len(terms)
    tsquery = " && ".join(parts)
    params: list[str] = []
    for term in terms:
        params += [term, term]
    return (
        documents.extra(where=[f"search_vector @@ ({tsquery})"], params=params)
        .annotate(
            rank=RawSQL(f"ts_rank_cd(search_vector, {tsquery})", params, output_field=FloatField())
        )
        .order_by("-rank", "-pk")
    )


def _sqlite_match(documents: QuerySet[SearchDocument], terms: list[str]) -> QuerySet:
    groups = []
    for term in terms:
        # Stems are letters and digits only; the quotes make them plain strings for FTS5.
        groups.append("(" + " OR ".join(f'"{stem}"' for stem in sorted(stems(term))) + ")")
    match = " AND ".join(groups)
    return documents.extra(
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = knowledge_searchdocument.id", f"{FTS_TABLE} MATCH %s"],
        params=[match],
        # bm25 is lower for better matches: negate it so both databases sort descending.
        select={"rank": f"-bm25({FTS_TABLE}, 4.0, 1.0)"},
    ).order_by("-rank", "-pk")


def search(
    *,
    query: str,
    viewer: Viewer,
    filters: SearchFilters | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """The documents the viewer may read that match every word of `query`, best first."""
    filters = filters or SearchFilters()
    terms = query_terms(query)
    results = SearchResults(query=query, terms=terms)
    if not terms:
        return results
    documents = _filtered(documents_visible_to(viewer), filters)
    if connection.vendor == "postgresql":
        matched = _postgres_match(documents, terms)
    else:
        matched = _sqlite_match(documents, terms)
    results.total = matched.count()
    wanted = {stem for term in terms for stem in stems(term)}
    shown = matched.only("kind", "report_id", "note_id", "title", "body", "year")
    for document in shown[offset : offset + limit]:
        results.hits.append(
            Hit(
                document=document,
                title_html=highlight(document.title, wanted),
                snippet_html=snippet(document.body, wanted),
                rank=float(document.rank or 0),
            )
        )
    return results


# --- snippets ---------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def _word_stems(word: str) -> frozenset[str]:
    return stems(normalise(word))


def highlight(text: str, wanted: set[str]) -> SafeString:
    """The whole text, escaped, with the matching words in <mark>."""
    out: list[str] = []
    position = 0
    for found in _WORD.finditer(text):
        word = found.group()
        if _word_stems(word) & wanted:
            out.append(escape(text[position : found.start()]))
            out.append(f"<mark>{escape(word)}</mark>")
            position = found.end()
    out.append(escape(text[position:]))
    # Safe: every piece of the text was escaped; only our own <mark> tags are added.
    return mark_safe("".join(out))


def snippet(text: str, wanted: set[str], size: int = SNIPPET_WORDS) -> SafeString:
    """About `size` words of `text` around the first match, escaped, matches in <mark>."""
    spans = list(_WORD.finditer(text))
    if not spans:
        return mark_safe("")
    first = next((i for i, span in enumerate(spans) if _word_stems(span.group()) & wanted), 0)
    start = max(0, first - size // 3)
    end = min(len(spans), start + size)
    begin_at = spans[start].start()
    end_at = spans[end - 1].end()
    piece = " ".join(text[begin_at:end_at].split())
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(spans) else ""
    return mark_safe(prefix + highlight(piece, wanted) + suffix)
