"""Serve a stored file with HTTP range requests (RFC 9110 §14), for video seeking.

One range per request, which is what browsers' media elements ask for:
`bytes=500-999`, `bytes=500-` (to the end) and `bytes=-500` (the last 500).
Only the asked bytes are read, in chunks, so a seek into a large video costs
the size of the range, not of the file. A range outside the file, or a
`bytes=` value that cannot be read, gets 416 with `Content-Range: bytes */size`;
another unit, or a list of several ranges, is ignored and the whole file sent
(the RFC lets a server ignore Range).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

CHUNK_SIZE = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(Exception):
    pass


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte positions, inclusive; None to send the whole file."""
    header = header.strip()
    if not header.lower().startswith("bytes="):
        return None
    value = header.replace(" ", "")
    if "," in value:
        return None
    match = _RANGE.match(value)
    if match is None:
        raise RangeNotSatisfiable
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        raise RangeNotSatisfiable
    if not first_text:
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(0, size - suffix), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last < first or first >= size:
        raise RangeNotSatisfiable
    return first, min(last, size - 1)


def _chunks(handle: IO[bytes], first: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(first)
        remaining = length
        while remaining > 0:
            data = handle.read(min(CHUNK_SIZE, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def ranged_file_response(
    request: HttpRequest, handle: IO[bytes], *, size: int, content_type: str
) -> HttpResponseBase:
    """200 with the whole file, 206 with the asked range, or 416."""
    header = request.headers.get("Range", "")
    try:
        byte_range = parse_range(header, size) if header else None
    except RangeNotSatisfiable:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    if byte_range is None:
        first, last, status = 0, size - 1, 200
    else:
        first, last = byte_range
        status = 206
    length = max(0, last - first + 1)
    streaming = StreamingHttpResponse(
        _chunks(handle, first, length), status=status, content_type=content_type
    )
    streaming["Content-Length"] = str(length)
    streaming["Accept-Ranges"] = "bytes"
    if status == 206:
        streaming["Content-Range"] = f"bytes {first}-{last}/{size}"
    # Members-only content: browsers may keep it, shared caches may not.
    streaming["Cache-Control"] = "private, max-age=3600"
    return streaming
