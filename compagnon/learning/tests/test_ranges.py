import io

import pytest
from django.test import RequestFactory

from compagnon.learning.ranges import RangeNotSatisfiable, parse_range, ranged_file_response


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=990-5000", (990, 999)),
        ("items=0-5", None),
        ("bytes=0-1,5-6", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5-2", "bytes=abc", "bytes=-", "bytes=-0"])
def test_unsatisfiable_ranges(header):
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 1000)


class CountingFile(io.BytesIO):
    """Counts the bytes read, to show a seek never reads the whole file."""

    def __init__(self, data):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_a_seek_reads_only_its_range():
    data = bytes(range(256)) * 4096  # 1 MiB
    handle = CountingFile(data)
    request = RequestFactory().get("/", HTTP_RANGE="bytes=500000-500099")
    response = ranged_file_response(request, handle, size=len(data), content_type="video/mp4")
    body = b"".join(response.streaming_content)
    assert response.status_code == 206
    assert body == data[500000:500100]
    assert handle.bytes_read == 100
    assert response["Content-Range"] == f"bytes 500000-500099/{len(data)}"
