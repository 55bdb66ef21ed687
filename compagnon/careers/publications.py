"""Publications read from a BibTeX file or an ORCID record (JSON), without a library.

The BibTeX reader is small and strict about what it keeps: entries `@type{key, field = value,
...}` whose values are `{...}` (nested braces allowed), `"..."` or a bare number; `@comment`,
`@preamble` and `@string` are skipped; LaTeX braces and the common accents are undone. An
entry with no title is skipped. The ORCID reader takes the record JSON a researcher downloads
from orcid.org (`activities-summary.works.group[].work-summary[]`) or the `/works` list.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

MAX_ENTRIES = 500


class PublicationsError(ValueError):
    """The file cannot be read; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class ParsedPublication:
    title: str
    authors: str = ""
    venue: str = ""
    year: int | None = None
    doi: str = ""
    url: str = ""


_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "c": "\u0327",
}
_ACCENT = re.compile(r"\\([`'^\"~c])\s*\{?([A-Za-z])\}?")


def _latex_plain(value: str) -> str:
    import unicodedata

    value = re.sub(r"\\([ij])(?![a-zA-Z])", r"\1", value)  # dotless i and j
    value = _ACCENT.sub(
        lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]), value
    )
    value = value.replace("\\&", "&").replace("\\%", "%").replace("\\_", "_").replace("~", " ")
    value = re.sub(r"\\[a-zA-Z]+\s*", "", value)
    value = value.replace("{", "").replace("}", "")
    return " ".join(value.split())


def _read_value(text: str, i: int) -> tuple[str, int]:
    """The value starting at text[i] (after '='), and the index just past it."""
    n = len(text)
    while i < n and text[i].isspace():
        i += 1
    if i >= n:
        raise PublicationsError(_("A field has no value."))
    if text[i] == "{":
        depth, start = 0, i
        while i < n:
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    return text[start + 1 : i], i + 1
            i += 1
        raise PublicationsError(_("A brace is never closed."))
    if text[i] == '"':
        start = i + 1
        i += 1
        depth = 0
        while i < n:
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
            elif text[i] == '"' and depth == 0:
                return text[start:i], i + 1
            i += 1
        raise PublicationsError(_("A quoted value is never closed."))
    match = re.compile(r"[A-Za-z0-9_.:-]+").match(text, i)
    if not match:
        raise PublicationsError(_("A field value cannot be read."))
    return match.group(0), match.end()


def _entry_fields(body: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    i, n = 0, len(body)
    field_name = re.compile(r"\s*,?\s*([A-Za-z][A-Za-z0-9_-]*)\s*=")
    while i < n:
        match = field_name.match(body, i)
        if not match:
            break
        value, i = _read_value(body, match.end())
        # A value may be concatenated with # (rare); keep the parts joined.
        while True:
            rest = re.compile(r"\s*#\s*").match(body, i)
            if not rest:
                break
            more, i = _read_value(body, rest.end())
            value += more
        fields[match.group(1).lower()] = value
    return fields


def bibtex_parse(text: str) -> list[ParsedPublication]:
    entries: list[ParsedPublication] = []
    i, n = 0, len(text)
    while True:
        at = text.find("@", i)
        if at < 0:
            break
        head = re.compile(r"@\s*([A-Za-z]+)\s*([{(])").match(text, at)
        if not head:
            i = at + 1
            continue
        kind = head.group(1).lower()
        close = "}" if head.group(2) == "{" else ")"
        # The entry ends at its matching close; braces inside values nest.
        braces, j, end = 0, head.end(), -1
        while j < n:
            char = text[j]
            if char == "{":
                braces += 1
            elif char == "}" and braces > 0:
                braces -= 1
            elif char == close and braces == 0:
                end = j
                break
            j += 1
        if end < 0:
            raise PublicationsError(_("An entry is never closed: check its braces."))
        j = end + 1
        body = text[head.end() : j - 1]
        i = j
        if kind in {"comment", "preamble", "string"}:
            continue
        _key, _comma, rest = body.partition(",")
        fields = _entry_fields(rest)
        title = _latex_plain(fields.get("title", ""))
        if not title:
            continue
        year_match = re.search(r"\d{4}", fields.get("year", ""))
        authors = " and ".join(
            _latex_plain(name) for name in re.split(r"\s+and\s+", fields.get("author", "")) if name
        )
        url = fields.get("url", "").strip()
        entries.append(
            ParsedPublication(
                title=title[:500],
                authors=authors[:1000],
                venue=_latex_plain(
                    fields.get("journal") or fields.get("booktitle") or fields.get("publisher", "")
                )[:300],
                year=int(year_match.group(0)) if year_match else None,
                doi=fields.get("doi", "").strip()[:200],
                url=url[:500] if url.startswith(("https://", "http://")) else "",
            )
        )
        if len(entries) > MAX_ENTRIES:
            raise PublicationsError(
                _("More than %(max)s entries: send fewer at a time.") % {"max": MAX_ENTRIES}
            )
    return entries


def _text(node: Any, *path: str) -> str:
    for key in path:
        if not isinstance(node, dict):
            return ""
        node = node.get(key)
    return str(node).strip() if isinstance(node, (str, int)) else ""


def _work(summary: dict[str, Any]) -> ParsedPublication | None:
    title = _text(summary, "title", "title", "value")
    if not title:
        return None
    year = _text(summary, "publication-date", "year", "value")
    doi = ""
    external_ids = summary.get("external-ids")
    external = external_ids.get("external-id") if isinstance(external_ids, dict) else None
    for ext in external if isinstance(external, list) else []:
        if isinstance(ext, dict) and str(ext.get("external-id-type", "")).lower() == "doi":
            doi = str(ext.get("external-id-value") or "").strip()
            break
    url = _text(summary, "url", "value")
    return ParsedPublication(
        title=title[:500],
        venue=_text(summary, "journal-title", "value")[:300],
        year=int(year) if re.fullmatch(r"[0-9]{4}", year) else None,
        doi=doi[:200],
        url=url[:500] if url.startswith(("https://", "http://")) else "",
    )


def orcid_parse(text: str) -> tuple[str, list[ParsedPublication]]:
    """(the ORCID iD of the record, its works)."""
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, or an integer too long
        raise PublicationsError(
            _("This is not an ORCID record: the JSON cannot be read.")
        ) from error
    if not isinstance(record, dict):
        raise PublicationsError(_("This is not an ORCID record."))
    orcid = _text(record, "orcid-identifier", "path")
    if "activities-summary" in record:
        summary = record["activities-summary"]
        works = summary.get("works") if isinstance(summary, dict) else None
    else:
        works = record
    groups = works.get("group") if isinstance(works, dict) else None
    if not isinstance(groups, list):
        raise PublicationsError(_("This ORCID record lists no works."))
    found: list[ParsedPublication] = []
    for group in groups:
        summaries = group.get("work-summary") if isinstance(group, dict) else None
        if isinstance(summaries, list) and summaries and isinstance(summaries[0], dict):
            work = _work(summaries[0])  # one summary per group is the preferred version
            if work is not None:
                found.append(work)
    if len(found) > MAX_ENTRIES:
        raise PublicationsError(
            _("More than %(max)s works: send fewer at a time.") % {"max": MAX_ENTRIES}
        )
    return orcid, found


def publications_parse(name: str, data: bytes) -> tuple[str, str, list[ParsedPublication]]:
    """(source, orcid iD or "", publications) of an uploaded .bib or .json file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PublicationsError(_("The file is not UTF-8 text.")) from error
    lowered = name.lower()
    if lowered.endswith(".json") or text.lstrip().startswith("{"):
        orcid, works = orcid_parse(text)
        return "orcid", orcid, works
    if lowered.endswith(".bib") or "@" in text:
        return "bibtex", "", bibtex_parse(text)
    raise PublicationsError(_("Send a BibTeX file (.bib) or an ORCID record (.json)."))
