"""The one PDF check: header, end marker, and no scripts, actions or encryption."""

from __future__ import annotations

import io

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
