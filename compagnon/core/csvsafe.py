"""CSV cells that a spreadsheet will show as text, never run as a formula.

Excel, LibreOffice and Google Sheets evaluate a cell that starts with = + - @
(and some versions a leading tab or carriage return), so a member who types
`=HYPERLINK("http://evil.example","click")` as their job title would otherwise
get a live link, or worse, in the staff's spreadsheet. Prefixing a single quote
is the convention those programs understand as "this is text".
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value: Any) -> str:
    """The cell as text, with a leading quote when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_unsafe_cell(text: str) -> str:
    """Undo `csv_safe_cell`, so a file we exported re-imports to the same values."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


class _LineBuffer:
    """A file-like target for csv.writer that hands back what was just written."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> None:
        self.value = text


def csv_lines(rows: Iterable[Iterable[Any]], *, bom: bool = True) -> Iterator[str]:
    """Encode rows as safe CSV lines one at a time, for a streaming response.

    The byte order mark lets Excel detect UTF-8, so accents survive a double click.
    """
    buffer = _LineBuffer()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        yield "\ufeff"
    for row in rows:
        writer.writerow([csv_safe_cell(cell) for cell in row])
        yield buffer.value


def csv_streaming_response(
    rows: Iterable[Iterable[Any]], *, filename: str
) -> StreamingHttpResponse:
    """A CSV download written while it is read, so a large export never sits in memory."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Exports hold personal data: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response
