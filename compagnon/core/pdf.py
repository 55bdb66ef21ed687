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
data ends. Names are matched however they are spelt (`/J#61vaScript`) and ended (NUL is
whitespace). An object stream the check cannot read is refused like an action: under
another filter (ASCII85, LZW), a chain of filters or a predictor, damaged, with data going
on past its /Length, or never ending; so is a stream whose dictionary cannot be told
(longer than DICTIONARY_BYTES). Strings in a dictionary are text: one spelling `9 0 obj`
does not move where it starts; an object stream whose inflated data says `endstream`
swallowed what follows it (objects in an object stream are no streams) and is refused.
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
# A name ends at whitespace (NUL is one) or a delimiter (PDF 1.7, 7.2.2), so `/JSON` is
# not `/JS`; any of its bytes may be spelt `#xx` (7.3.5), which a reader decodes.
_NAME_END = rb"(?=[\s\x00()<>\[\]{}/%]|$)"
_REFUSED = (b"JavaScript", b"JS", b"Launch", b"Encrypt")


def _spelt(name: bytes) -> bytes:
    """A pattern for `name` with any of its bytes written as itself or as `#xx`."""
    return b"".join(
        b"(?:%s|#%s[%s%s])"
        % (re.escape(bytes([byte])), b"%X" % (byte >> 4), b"%X" % (byte & 15), b"%x" % (byte & 15))
        for byte in name
    )


_REFUSED_NAMES = re.compile(b"/(?:" + b"|".join(map(_spelt, _REFUSED)) + b")" + _NAME_END)
_LONGEST_NAME = 1 + 3 * len(b"JavaScript") + 1

# Everything the Flate streams of one file may inflate to, together.
INFLATED_MAX_BYTES = 20 * 1024 * 1024
# `stream` then its end of line starts a stream's bytes (`endstream` is not it).
_STREAM_START = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_STREAM_KEYWORD = len(b"stream\r\n") + 1
# How much of an object stream's data zlib is given at once.
INFLATE_PIECE_BYTES = 4096
# How far back from `stream` its dictionary is looked for.
DICTIONARY_BYTES = 4096
_ESCAPED = re.compile(rb"#([0-9A-Fa-f]{2})")
_KEY_FIRST = re.compile(rb"/First(?=[\s()<>\[\]{}/%])")
_KEY_N = re.compile(rb"/N(?=[\s()<>\[\]{}/%])")
_DIRECT_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)(?=[\s/>])")
_END_STREAM = b"endstream"
# A string without a string inside (an escaped parenthesis is none), emptied pass by pass.
_STRING = re.compile(rb"\((?:[^()\\]|\\.)*\)", re.DOTALL)
_STRING_DEPTH = 8
# A stream's dictionary starts after its `N G obj`.
_OBJECT_START = re.compile(rb"(?<![0-9])[0-9]+\s+[0-9]+\s+obj(?![A-Za-z])")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s\x00()<>\[\]{}/%]+)")
_FLATE = {b"FlateDecode", b"Fl"}  # its short name too: readers take it on any stream
# Parameters that change the inflated bytes (a predictor), or may, from another object.
_DECODING = re.compile(rb"/Predictor\s+(?!1(?![0-9]))|/(DecodeParms|DP)\s+\d+\s+\d+\s+R")


class _Look(enum.Enum):
    SKIP = "skip"  # not an object stream, or one not compressed (the raw check reads it)
    INFLATE = "inflate"
    REFUSE = "refuse"  # an object stream the check cannot read


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
        self.skip = 0  # bytes of `pending` already looked at (the one before a keyword)
        self.recent = b""  # the raw bytes before a stream, where its dictionary is
        self.inflated = 0
        self.out_carry = b""  # the last inflated bytes, where `endstream` may start
        self.too_much = False
        # An object stream under a filter we do not read, damaged, or not ending where
        # its /Length or the file does: a reader may still show what the check missed.
        self.unreadable = False

    def feed(self, chunk: bytes) -> None:
        # Walked by position, never by slicing what is left: a file of many tiny streams
        # costs its length, not its length squared.
        data = self.pending + chunk
        position, self.pending, self.skip = self.skip, b"", 0
        while position < len(data) and not (self.too_much or self.unreadable or self.names.found):
            if self.stream is None:
                position = self._stream_start(data, position)
            else:
                position = self._inflate(data, position)

    def _stream_start(self, data: bytes, position: int) -> int:
        match = _STREAM_START.search(data, position)
        if match is None:
            # The last bytes may be `stream` cut by the chunk's end: looked at again with
            # the next chunk (with the byte before them, for "endstream"), and the
            # dictionary before them kept meanwhile.
            kept = max(position, len(data) - _STREAM_KEYWORD)
            self.pending = data[max(0, kept - 1) :]
            self.skip = kept - max(0, kept - 1)
            before = data[max(position, kept - DICTIONARY_BYTES) : kept]
            self.recent = (self.recent + before)[-DICTIONARY_BYTES:]
            return len(data)
        before = data[max(position, match.start() - DICTIONARY_BYTES) : match.start()]
        dictionary = _dictionary((self.recent + before)[-DICTIONARY_BYTES:])
        self.recent = b""
        look = _Look.REFUSE if dictionary is None else _look(dictionary)
        if look is _Look.REFUSE:
            self.unreadable = True
        elif look is _Look.INFLATE:
            self.stream = zlib.decompressobj()
            # A direct /Length is where a reader stops too: no more is inflated, so a
            # stream that never ends cannot swallow the streams after it.
            self.left = _direct_length(dictionary or b"")
            self.names.restart()
            self.out_carry = b""
        return match.end()

    def _inflate(self, data: bytes, position: int) -> int:
        assert self.stream is not None
        # zlib copies the bytes after a stream's end: given a piece at a time, not the rest.
        end = min(len(data), position + INFLATE_PIECE_BYTES)
        if self.left is not None:
            end = min(end, position + self.left)
            self.left -= end - position
        allowed = INFLATED_MAX_BYTES - self.inflated
        try:
            out = self.stream.decompress(memoryview(data)[position:end], allowed + 1)
        except zlib.error:  # not Flate after all, or damaged (a reader may show a part)
            self.unreadable = True
            return len(data)
        self.inflated += len(out)
        if self.inflated > INFLATED_MAX_BYTES:
            self.too_much = True
            self.stream = None
            return len(data)
        self.names.feed(out)
        # Objects in an object stream are no streams: `endstream` inflated from one is a
        # stored block that swallowed what follows it in the file (the next object stream
        # among it), which a reader stopping at the length reads on its own.
        seen = self.out_carry + out
        if _END_STREAM in seen:
            self.unreadable = True
            return len(data)
        self.out_carry = seen[-len(_END_STREAM) :]
        if self.stream.eof:
            end -= len(self.stream.unused_data)
            self.stream = None
        elif self.left == 0:
            self.unreadable = True  # its data goes on past /Length: a reader looks further
        return end

    def finish(self) -> None:
        """The file ended: an object stream still inflating never ended."""
        if self.stream is not None:
            self.unreadable = True


def _dictionary(before: bytes) -> bytes | None:
    """The stream's dictionary: what follows its `N 0 obj`, its strings emptied (a string
    may spell `9 0 obj` or `/ObjStm`: text, not the dictionary) innermost first, `#xx`
    escapes decoded.

    None when it cannot be told: its start is further back than DICTIONARY_BYTES, or its
    strings nest deeper than any writer's.
    """
    for _pass in range(_STRING_DEPTH):
        emptied = _STRING.sub(b" ", before)
        if emptied == before:
            break
        before = emptied
    else:
        return None
    starts = list(_OBJECT_START.finditer(before))
    if starts:
        before = before[starts[-1].end() :]
    elif len(before) >= DICTIONARY_BYTES:
        return None
    return _ESCAPED.sub(lambda m: bytes([int(m[1], 16)]), before)


def _direct_length(dictionary: bytes) -> int | None:
    """The stream's /Length when written as a number (not `12 0 R`, another object)."""
    found = _DIRECT_LENGTH.search(dictionary)
    return int(found[1]) if found else None


def _look(dictionary: bytes) -> _Look:
    """Whether the stream of this dictionary may hold objects, and whether we can read it.

    An object stream says `/Type /ObjStm`; a reader finds its objects with `/N` and
    `/First` alone, so those count too. Page contents, fonts and images are not inflated:
    they hold no action, and a page's text ("Python/JS") would read as a refused name.
    An object stream is read when it is not compressed (the raw check sees it) or under
    Flate alone without a predictor; under any other filter, a chain of them, or a filter
    given by another object, it is refused.
    """
    if b"/ObjStm" not in dictionary and (
        _KEY_FIRST.search(dictionary) is None or _KEY_N.search(dictionary) is None
    ):
        return _Look.SKIP
    if b"/Filter" not in dictionary:
        return _Look.SKIP
    found = _FILTER.search(dictionary)
    if found is None:
        return _Look.REFUSE
    names = re.findall(rb"/([^\s\x00()<>\[\]{}/%]+)", found[1])
    if len(names) != 1 or names[0] not in _FLATE or _DECODING.search(dictionary):
        return _Look.REFUSE
    return _Look.INFLATE


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
    inflater.finish()
    if not started or EOF_MARKER not in tail:
        return PdfProblem.NOT_PDF
    if raw.found or hidden.found or inflater.unreadable:
        return PdfProblem.ACTIVE_OR_LOCKED
    if inflater.too_much:
        return PdfProblem.INFLATES_TOO_MUCH
    return None
