"""Is this upload a PDF we are willing to keep? Judged by its content, never its name.

One check for every place that takes a PDF from a person (a candidate's CV, an award
application's attachment): the `%PDF-` header at the start, the `%%EOF` marker near the
end, and no name that makes a reader run something or hides the content from us:
`/JavaScript`, `/JS`, `/Launch` (actions a viewer may run) and `/Encrypt` (a
password-protected file we cannot look into, and a jury may not open).

A light check, on purpose: it does not parse the file. Names hidden inside a compressed
object stream or spelt with `#xx` escapes get through; what it stops is the plain case,
which is what a careless or a hostile upload most often is. The file is read in chunks,
so a large attachment is never held whole.
"""

from __future__ import annotations

import enum
import re
from typing import IO

from django.utils.translation import gettext_lazy as _

HEADER = b"%PDF-"
# The end-of-file marker sits at the very end, give or take a trailing line or a few
# bytes some writers append.
EOF_MARKER = b"%%EOF"
EOF_SEARCH_BYTES = 2048

CHUNK_BYTES = 1024 * 1024
# A name ends at whitespace or a delimiter (PDF 1.7, 7.2.2), so `/JSON` is not `/JS`.
_REFUSED_NAMES = re.compile(rb"/(JavaScript|JS|Launch|Encrypt)(?=[\s()<>\[\]{}/%]|$)")
_LONGEST_NAME = len(b"/JavaScript") + 1


class PdfProblem(enum.StrEnum):
    NOT_PDF = "not_pdf"
    ACTIVE_OR_LOCKED = "active_or_locked"


# What a person sees when the file is a PDF but one we keep out.
ACTIVE_OR_LOCKED_MESSAGE = _(
    "This PDF is password-protected or carries scripts or actions: "
    "save or print it again as a plain PDF and send that one."
)


def pdf_problem(source: bytes | IO[bytes]) -> PdfProblem | None:
    """None when the content is a plain PDF; else what is wrong with it."""
    if isinstance(source, bytes | bytearray | memoryview):
        return _problem_in_chunks([bytes(source)])
    source.seek(0)
    try:
        return _problem_in_chunks(iter(lambda: source.read(CHUNK_BYTES), b""))
    finally:
        source.seek(0)


def _problem_in_chunks(chunks) -> PdfProblem | None:
    started = False
    carry = b""
    tail = b""
    refused = False
    for chunk in chunks:
        if not chunk:
            continue
        if not started:
            if not chunk.startswith(HEADER):
                return PdfProblem.NOT_PDF
            started = True
        window = carry + chunk
        if not refused and _REFUSED_NAMES.search(window):
            refused = True
        carry = window[-_LONGEST_NAME:]
        tail = (tail + chunk)[-EOF_SEARCH_BYTES:]
    if not started or EOF_MARKER not in tail:
        return PdfProblem.NOT_PDF
    if refused:
        return PdfProblem.ACTIVE_OR_LOCKED
    return None
