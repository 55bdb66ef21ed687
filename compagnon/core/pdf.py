"""Is this upload a PDF we are willing to keep? Judged by its content, never its name.

One check for every place that takes a PDF from a person (a candidate's CV, an award
application's attachment): the `%PDF-` header at the start, the `%%EOF` marker near the
end, and no name that makes a reader run something or hides the content from us:
`/JavaScript`, `/JS`, `/Launch` (actions a viewer may run) and `/Encrypt` (a
password-protected file we cannot look into, and a jury may not open).

A light check, on purpose: it does not parse the file. It reads the bytes as they come
(in chunks, so a large attachment is never held whole) and, because an object stream
(`/ObjStm`, PDF 1.5) hides whole dictionaries behind compression, it also inflates the
`/FlateDecode` object streams and looks inside. Other streams (page contents, fonts,
images) hold no action and are not inflated: a page's text ("Python/JS") is no action.
Inflating is bounded: past INFLATED_MAX_BYTES in all, the file is refused with its own
message (a small file that inflates enormously is a "zip bomb", or too much to check).
An object stream is inflated up to its /Length when that is a number, else until its
data ends. Still out of reach: names spelt with `#xx` escapes (except in a stream's own
dictionary), object streams under another filter (ASCII85, LZW) or a chain of filters, and
an object stream whose length is another object and whose data never ends (it hides the
object streams after it; the raw check still reads every byte).
"""

from __future__ import annotations

import enum
import re
import zlib
from typing import IO

from django.utils.functional import lazy
from django.utils.translation import gettext
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

# Everything the Flate streams of one file may inflate to, together.
INFLATED_MAX_BYTES = 20 * 1024 * 1024
# `stream` then its end of line starts a stream's bytes (`endstream` is not it).
_STREAM_START = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_STREAM_KEYWORD = len(b"stream\r\n") + 1
# How far back from `stream` its dictionary is looked for.
DICTIONARY_BYTES = 4096
_ESCAPED = re.compile(rb"#([0-9A-Fa-f]{2})")
_KEY_FIRST = re.compile(rb"/First(?=[\s()<>\[\]{}/%])")
_KEY_N = re.compile(rb"/N(?=[\s()<>\[\]{}/%])")
_DIRECT_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)(?=[\s/>])")


class PdfProblem(enum.StrEnum):
    NOT_PDF = "not_pdf"
    ACTIVE_OR_LOCKED = "active_or_locked"
    INFLATES_TOO_MUCH = "inflates_too_much"


# What a person sees when the file is a PDF but one we keep out.
ACTIVE_OR_LOCKED_MESSAGE = _(
    "This PDF is password-protected or carries scripts or actions: "
    "save or print it again as a plain PDF and send that one."
)


def _inflates_too_much_message() -> str:
    return gettext(
        "This PDF holds more compressed content than we can check (over %(max)s MB once "
        "uncompressed): save or print it again as a plain PDF, or send a smaller one."
    ) % {"max": INFLATED_MAX_BYTES // (1024 * 1024)}


INFLATES_TOO_MUCH_MESSAGE = lazy(_inflates_too_much_message, str)()
# The message for each problem of a file that is a PDF, but one we keep out.
REFUSAL_MESSAGES = {
    PdfProblem.ACTIVE_OR_LOCKED: ACTIVE_OR_LOCKED_MESSAGE,
    PdfProblem.INFLATES_TOO_MUCH: INFLATES_TOO_MUCH_MESSAGE,
}


def pdf_problem(source: bytes | IO[bytes]) -> PdfProblem | None:
    """None when the content is a plain PDF; else what is wrong with it."""
    if isinstance(source, bytes | bytearray | memoryview):
        return _problem_in_chunks([bytes(source)])
    source.seek(0)
    try:
        return _problem_in_chunks(iter(lambda: source.read(CHUNK_BYTES), b""))
    finally:
        source.seek(0)


class _NameScanner:
    """Finds a refused name in bytes given piece by piece (one may straddle two pieces)."""

    def __init__(self) -> None:
        self.carry = b""
        self.found = False

    def feed(self, data: bytes) -> None:
        window = self.carry + data
        if not self.found and _REFUSED_NAMES.search(window):
            self.found = True
        self.carry = window[-_LONGEST_NAME:]

    def restart(self) -> None:
        self.carry = b""


class _Inflater:
    """Inflates the Flate streams of the raw bytes given piece by piece, into `names`."""

    def __init__(self, names: _NameScanner) -> None:
        self.names = names
        self.stream: zlib._Decompress | None = None
        self.left: int | None = None  # the stream's bytes still to inflate, when known
        self.pending = b""
        self.recent = b""  # the raw bytes before a stream, where its dictionary is
        self.inflated = 0
        self.too_much = False

    def feed(self, chunk: bytes) -> None:
        data = self.pending + chunk
        self.pending = b""
        while data and not self.too_much and not self.names.found:
            data = self._stream_start(data) if self.stream is None else self._inflate(data)

    def _stream_start(self, data: bytes) -> bytes:
        match = _STREAM_START.search(data)
        if match is None:
            # The last bytes may be `stream` cut by the chunk's end: looked at again with
            # the next chunk, and the dictionary before them kept meanwhile.
            kept = max(0, len(data) - _STREAM_KEYWORD)
            self.pending = data[kept:]
            self.recent = (self.recent + data[:kept])[-DICTIONARY_BYTES:]
            return b""
        dictionary = _dictionary((self.recent + data[: match.start()])[-DICTIONARY_BYTES:])
        self.recent = b""
        if _worth_inflating(dictionary):
            self.stream = zlib.decompressobj()
            # A direct /Length is where a reader stops too: no more is inflated, so a
            # stream that never ends cannot swallow the streams after it.
            self.left = _direct_length(dictionary)
            self.names.restart()
        return data[match.end() :]

    def _inflate(self, data: bytes) -> bytes:
        assert self.stream is not None
        given, after = (data, b"") if self.left is None else (data[: self.left], data[self.left :])
        if self.left is not None:
            self.left -= len(given)
        allowed = INFLATED_MAX_BYTES - self.inflated
        try:
            out = self.stream.decompress(given, allowed + 1)
        except zlib.error:
            self.stream = None  # not Flate after all, or damaged: nothing more to see
            return after if self.left is not None else data
        self.inflated += len(out)
        if self.inflated > INFLATED_MAX_BYTES:
            self.too_much = True
            return b""
        self.names.feed(out)
        if self.stream.eof or self.left == 0:
            rest = self.stream.unused_data + after if self.stream.eof else after
            self.stream = None
            return rest
        return self.stream.unconsumed_tail + after


def _dictionary(before: bytes) -> bytes:
    """The stream's dictionary: what follows its `N 0 obj`, with `#xx` escapes decoded."""
    start = before.rfind(b"obj")
    dictionary = before[start + len(b"obj") :] if start >= 0 else before
    return _ESCAPED.sub(lambda m: bytes([int(m[1], 16)]), dictionary)


def _direct_length(dictionary: bytes) -> int | None:
    """The stream's /Length when written as a number (not `12 0 R`, another object)."""
    found = _DIRECT_LENGTH.search(dictionary)
    return int(found[1]) if found else None


def _worth_inflating(dictionary: bytes) -> bool:
    """Whether the stream of this dictionary is Flate and may hold objects.

    An object stream says `/Type /ObjStm`; a reader finds its objects with `/N` and
    `/First` alone, so those count too. Page contents, fonts and images are not inflated:
    they hold no action, and a page's text ("Python/JS") would read as a refused name.
    """
    if b"/FlateDecode" not in dictionary:
        return False
    return b"/ObjStm" in dictionary or (
        _KEY_FIRST.search(dictionary) is not None and _KEY_N.search(dictionary) is not None
    )


def _problem_in_chunks(chunks) -> PdfProblem | None:
    started = False
    tail = b""
    raw = _NameScanner()
    hidden = _NameScanner()
    inflater = _Inflater(hidden)
    for chunk in chunks:
        if not chunk:
            continue
        if not started:
            if not chunk.startswith(HEADER):
                return PdfProblem.NOT_PDF
            started = True
        raw.feed(chunk)
        inflater.feed(chunk)
        tail = (tail + chunk)[-EOF_SEARCH_BYTES:]
    if not started or EOF_MARKER not in tail:
        return PdfProblem.NOT_PDF
    if raw.found or hidden.found:
        return PdfProblem.ACTIVE_OR_LOCKED
    if inflater.too_much:
        return PdfProblem.INFLATES_TOO_MUCH
    return None
