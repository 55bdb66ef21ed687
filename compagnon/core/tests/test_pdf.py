"""The one PDF check: header, end marker, and no scripts, actions or encryption."""

from __future__ import annotations

import io
import os
import time
import zlib

import pytest

from compagnon.core import pdf
from compagnon.core.pdf import PdfProblem, pdf_problem

PLAIN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _with(body: bytes) -> bytes:
    return b"%PDF-1.7\n" + body + b"\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (PLAIN, None),
        (PLAIN + b"\r\n", None),
        (b"MZ\x90\x00 not a pdf %%EOF", PdfProblem.NOT_PDF),
        (b"", PdfProblem.NOT_PDF),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\n", PdfProblem.NOT_PDF),  # cut short: no end marker
        (PLAIN + b"0" * 4096, PdfProblem.NOT_PDF),  # the marker is not near the end
        (_with(b"<</S/JavaScript/JS(app.alert(1))>>"), PdfProblem.ACTIVE_OR_LOCKED),
        (_with(b"<</OpenAction<</JS 5 0 R>>>>"), PdfProblem.ACTIVE_OR_LOCKED),
        (_with(b"<</S/Launch/F(calc.exe)>>"), PdfProblem.ACTIVE_OR_LOCKED),
        (_with(b"<</Encrypt 9 0 R>>"), PdfProblem.ACTIVE_OR_LOCKED),
        # A name that merely starts like one is not it.
        (_with(b"<</JSON 1/Launcher 2/Encrypted 3>>"), None),
    ],
)
def test_content_decides(content, problem):
    assert pdf_problem(content) == problem
    assert pdf_problem(io.BytesIO(content)) == problem


def test_a_name_across_two_chunks_is_found(monkeypatch):
    monkeypatch.setattr(pdf, "CHUNK_BYTES", 64)
    body = b"x" * (64 - len(b"%PDF-1.7\n") - 5) + b"/JavaScript "
    content = _with(body)
    assert content.index(b"/JavaScript") < 64 < content.index(b"/JavaScript") + 11
    assert pdf_problem(io.BytesIO(content)) == PdfProblem.ACTIVE_OR_LOCKED


def test_a_file_is_rewound_for_whoever_reads_it_next():
    upload = io.BytesIO(PLAIN)
    upload.read(3)
    assert pdf_problem(upload) is None
    assert upload.tell() == 0


# --- names hidden in compressed streams -------------------------------------------------


def _stream(dictionary: bytes, data: bytes, number: int = 5) -> bytes:
    return (
        b"%d 0 obj\n<<" % number
        + dictionary
        + b"/Length %d>>\nstream\n" % len(data)
        + data
        + b"\nendstream\nendobj\n"
    )


def _object_stream(hidden: bytes, **dictionary: bytes) -> bytes:
    """An object stream (PDF 1.5) holding one dictionary, compressed: what a reader unpacks."""
    objects = b"7 0 " + hidden
    extra = b"".join(b"/" + k.encode() + b" " + v for k, v in dictionary.items())
    return _stream(b"/Type/ObjStm/N 1/First 4/Filter/FlateDecode" + extra, zlib.compress(objects))


ACTION = b"<</Type/Action/S/JavaScript/JS(app.alert(1))>>"


def test_an_action_hidden_in_a_compressed_object_stream_is_found():
    content = _with(_object_stream(ACTION))
    assert b"/JavaScript" not in content and b"/JS" not in content  # the raw check sees nothing
    assert pdf_problem(content) == PdfProblem.ACTIVE_OR_LOCKED
    assert pdf_problem(io.BytesIO(content)) == PdfProblem.ACTIVE_OR_LOCKED


@pytest.mark.parametrize(
    "hidden",
    [
        b"<</S/Launch/F(calc.exe)>>",
        b"<</OpenAction<</JS 9 0 R>>>>",
        b"<</Encrypt 9 0 R>>",
    ],
)
def test_every_refused_name_is_found_inside(hidden):
    assert pdf_problem(_with(_object_stream(hidden))) == PdfProblem.ACTIVE_OR_LOCKED


def test_an_object_stream_without_its_type_or_spelt_with_escapes_is_still_inflated():
    # A reader finds the objects by /N and /First alone, and decodes #xx in names.
    untyped = _stream(b"/N 1/First 4/Filter/FlateDecode", zlib.compress(b"7 0 " + ACTION))
    assert pdf_problem(_with(untyped)) == PdfProblem.ACTIVE_OR_LOCKED
    dressed = _object_stream(ACTION, Subtype=b"/Image")
    assert pdf_problem(_with(dressed)) == PdfProblem.ACTIVE_OR_LOCKED
    escaped = _with(
        _stream(b"/Type/O#62jStm/N 1/First 4/Filter/Fl#61teDecode", zlib.compress(b"7 0 " + ACTION))
    )
    assert pdf_problem(escaped) == PdfProblem.ACTIVE_OR_LOCKED


def test_page_text_images_and_fonts_are_not_inflated_and_pass():
    # A CV that says "Python/JS" on its page: text, not an action.
    page = _stream(b"/Filter/FlateDecode", zlib.compress(b"BT /F1 12 Tf (Python/JS ) Tj ET"))
    pixels = zlib.compress(b"/JS " * 1000)
    image = _stream(b"/Type/XObject/Subtype/Image/Filter/FlateDecode", pixels, number=6)
    font = _stream(b"/Length1 40/Filter/FlateDecode", zlib.compress(b"\0" * 40), number=7)
    icc = _stream(b"/N 3/Filter/FlateDecode", zlib.compress(b"/Launch " * 10), number=10)
    jpeg = _stream(b"/Filter/DCTDecode", b"\xff\xd8\xff\xe0 not flate", number=8)
    broken = _object_stream(b"")[:-40] + b"\nendstream\nendobj\n"  # cut short: still a PDF
    assert pdf_problem(_with(page + image + font + icc + jpeg + broken)) is None


def test_a_hidden_name_across_chunks_is_found(monkeypatch):
    monkeypatch.setattr(pdf, "CHUNK_BYTES", 16)
    padding = zlib.compress(os.urandom(300) + b"7 0 <<>>", 0)  # stored: spans many chunks
    content = _with(
        _stream(b"/Type/ObjStm/N 1/First 4/Filter/FlateDecode", padding, number=4)
        + _object_stream(ACTION)
    )
    assert pdf_problem(io.BytesIO(content)) == PdfProblem.ACTIVE_OR_LOCKED


def test_inflating_is_bounded_and_refused_with_its_own_message(monkeypatch):
    bomb = _with(_object_stream(b"\0" * (21 * 1024 * 1024)))
    assert len(bomb) < 100 * 1024
    assert pdf_problem(bomb) == PdfProblem.INFLATES_TOO_MUCH
    assert pdf_problem(io.BytesIO(bomb)) == PdfProblem.INFLATES_TOO_MUCH
    assert str(pdf.REFUSAL_MESSAGES[PdfProblem.INFLATES_TOO_MUCH]) == (
        "This PDF holds more compressed content than we can check (over 20 MB once "
        "uncompressed): save or print it again as a plain PDF, or send a smaller one."
    )
    # The bound is on all streams together.
    monkeypatch.setattr(pdf, "INFLATED_MAX_BYTES", 1000)
    two = _object_stream(b"\0" * 600) + _object_stream(b"\0" * 600)
    assert pdf_problem(_with(two)) == PdfProblem.INFLATES_TOO_MUCH


def test_an_unfinished_object_stream_does_not_swallow_the_next_one(monkeypatch):
    # Deflate data that never ends: a stored block announcing 65 535 more bytes. A reader
    # stops at /Length; so does the check, and the next object stream is inflated.
    packer = zlib.compressobj()
    endless = packer.compress(b"7 0 <<>>") + packer.flush(zlib.Z_SYNC_FLUSH)
    endless += b"\x00\xff\xff\x00\x00"
    first = _stream(b"/Type/ObjStm/N 1/First 4/Filter/FlateDecode", endless, number=3)
    content = _with(first + _object_stream(ACTION))
    assert pdf_problem(content) == PdfProblem.ACTIVE_OR_LOCKED
    # Without the bound the first would swallow the second to the end of the file: it
    # never ends, and that alone refuses the file.
    monkeypatch.setattr(pdf, "_direct_length", lambda dictionary: None)
    assert pdf_problem(content) == PdfProblem.ACTIVE_OR_LOCKED


# --- review (session 24): what an attacker tried -------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        # NUL is whitespace in PDF (7.2.2): it ends a name as a space does.
        b"<</S/JavaScript\x00/JS\x00(app.alert(1))>>",
        # A name may spell any of its bytes as #xx (7.3.5): a reader decodes them.
        b"<</S/J#61vaScript/JS(app.alert(1))>>",
        b"<</S/#4Aava#53cript>>",
        b"<</S/La#75nch/F(calc.exe)>>",
        b"<</#45ncrypt 9 0 R>>",
    ],
)
def test_a_refused_name_ended_by_nul_or_spelt_with_escapes_is_found(body):
    assert pdf_problem(_with(body)) == PdfProblem.ACTIVE_OR_LOCKED
    assert pdf_problem(_with(_object_stream(body))) == PdfProblem.ACTIVE_OR_LOCKED


def test_an_escaped_name_across_two_chunks_is_found(monkeypatch):
    monkeypatch.setattr(pdf, "CHUNK_BYTES", 64)
    body = b"x" * (64 - len(b"%PDF-1.7\n") - 10) + b"/J#61va#53cript "
    assert pdf_problem(io.BytesIO(_with(body))) == PdfProblem.ACTIVE_OR_LOCKED


def _objects(filters: bytes, data: bytes, number: int = 5) -> bytes:
    return _stream(b"/Type/ObjStm/N 1/First 4" + filters, data, number=number)


@pytest.mark.parametrize(
    ("filters", "data"),
    [
        # /Fl is FlateDecode's short name; readers take it on any stream.
        (b"/Filter/Fl", zlib.compress(b"7 0 " + ACTION)),
        # Under another filter, or a chain, the check cannot look in: refused, not passed.
        (b"/Filter/ASCIIHexDecode", (b"7 0 " + ACTION).hex().encode() + b">"),
        (
            b"/Filter[/ASCIIHexDecode/FlateDecode]",
            zlib.compress(b"7 0 " + ACTION).hex().encode() + b">",
        ),
        # A predictor turns the inflated bytes into differences: no name is spelt in them.
        (b"/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 4>>", zlib.compress(b"x")),
        # A wrong checksum: Python's zlib refuses the whole piece, a reader shows it anyway.
        (b"/Filter/FlateDecode", zlib.compress(b"7 0 " + ACTION)[:-4] + b"\0\0\0\0"),
    ],
    ids=["Fl", "hex", "chain", "predictor", "checksum"],
)
def test_an_object_stream_the_check_cannot_read_is_refused(filters, data):
    assert pdf_problem(_with(_objects(filters, data))) == PdfProblem.ACTIVE_OR_LOCKED


def test_an_object_stream_longer_than_its_length_is_refused():
    # A reader that finds no `endstream` at /Length looks further for it (pdf.js does):
    # a short /Length must not hide the rest of the stream from the check.
    data = zlib.compress(b"7 0 " + ACTION)
    short = (
        b"5 0 obj\n<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length 2>>\nstream\n"
        + data
        + b"\nendstream\nendobj\n"
    )
    assert pdf_problem(_with(short)) == PdfProblem.ACTIVE_OR_LOCKED


def test_an_object_stream_that_never_ends_is_refused(monkeypatch):
    # Its length another object, its data never ending: it would swallow what follows.
    packer = zlib.compressobj()
    endless = (
        packer.compress(b"7 0 <<>>") + packer.flush(zlib.Z_SYNC_FLUSH) + b"\x00\xff\xff\x00\x00"
    )
    first = (
        b"3 0 obj\n<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length 9 0 R>>\nstream\n"
        + endless
        + b"\nendstream\nendobj\n"
    )
    assert pdf_problem(_with(first + _object_stream(ACTION))) == PdfProblem.ACTIVE_OR_LOCKED
    assert pdf_problem(_with(first)) == PdfProblem.ACTIVE_OR_LOCKED


@pytest.mark.parametrize(
    "piece",
    [
        b"1 0 obj<<>>stream\n",  # streams that are not object streams
        _object_stream(b"<<>>"),  # tiny object streams
        b"1" * 4000 + b" stream\n",  # where each dictionary starts is looked for
    ],
    ids=["streams", "object-streams", "digits"],
)
def test_a_cv_of_many_tiny_streams_is_checked_in_linear_time(piece):
    # Each stream used to copy the rest of the file's piece: seconds per megabyte, squared.
    content = _with(piece * (3 * 1024 * 1024 // len(piece)))
    started = time.perf_counter()
    assert pdf_problem(content) is None
    assert time.perf_counter() - started < 3


def test_an_object_stream_whose_dictionary_hides_its_start_is_still_read():
    # A string in the dictionary that spells `9 0 obj` is text, not where it starts.
    data = zlib.compress(b"7 0 " + ACTION)
    spelt = _stream(b"/Type/ObjStm/N 1/First 4/Filter/FlateDecode/T(9 0 obj (nested))", data)
    assert pdf_problem(_with(spelt)) == PdfProblem.ACTIVE_OR_LOCKED


def test_a_stream_whose_dictionary_is_too_long_to_see_is_refused():
    data = zlib.compress(b"7 0 " + ACTION)
    padded = _stream(b"/Type/ObjStm/N 1/First 4/Filter/FlateDecode/T(" + b"a" * 5000 + b")", data)
    assert pdf_problem(_with(padded)) == PdfProblem.ACTIVE_OR_LOCKED
    # A long dictionary of a stream that is no object stream is refused too: it cannot be
    # told apart. A page of text whose dictionary fits passes (above).


def test_an_object_stream_that_swallows_the_next_one_is_refused():
    # Its length another object, its Flate data a stored block that spans its own
    # `endstream` and the next object stream whole, then ends: a reader stops at the
    # length and reads the next one; the check would have seen it as stored bytes only.
    hidden = _objects(b"/Filter/FlateDecode", zlib.compress(b"7 0 " + ACTION), number=4)
    swallowed = b"\nendstream\nendobj\n" + hidden
    packer = zlib.compressobj(level=0)
    data = packer.compress(b"7 0 <<>>" + swallowed) + packer.flush()
    first = (
        b"3 0 obj\n<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length 9 0 R>>\nstream\n"
        + data
        + b"\nendstream\nendobj\n"
    )
    assert pdf_problem(_with(first)) == PdfProblem.ACTIVE_OR_LOCKED
