import pytest
from django.core.exceptions import ValidationError

from compagnon.learning.captions import format_timestamp, parse_vtt

from .factories import VTT_FR


def test_cues_are_read_without_markup():
    cues = parse_vtt(VTT_FR.encode())
    assert [c.start for c in cues] == [0.0, 4.0, 10.0]
    assert cues[1].text == "Un modèle apprend de ses données."


def test_hours_and_a_byte_order_mark():
    cues = parse_vtt(
        "\ufeffWEBVTT - titre\n\n01:00:00.000 --> 01:00:02.000 align:start\nFin\n".encode()
    )
    assert cues[0].start == 3600.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hello\n\n00:00.000 --> 00:01.000\nHi\n", "starts with the line WEBVTT"),
        ("WEBVTT\n\n00:00.000 -> 00:01.000\nHi\n", "Line 3"),
        ("WEBVTT\n\n00:02.000 --> 00:01.000\nHi\n", "ends before it starts"),
        ("WEBVTT\n\n00:05.000 --> 00:06.000\nA\n\n00:01.000 --> 00:02.000\nB\n", "in the order"),
        ("WEBVTT\n\n00:00.000 --> 00:01.000\n", "has no text"),
        ("WEBVTT\n", "has no cues"),
        ("WEBVTT\n\n0:00.000 --> 00:01.000\nHi\n", "timing must read"),
    ],
)
def test_bad_files_say_what_is_wrong(text, message):
    with pytest.raises(ValidationError) as error:
        parse_vtt(text.encode())
    assert message in " ".join(error.value.messages)


def test_not_utf8():
    with pytest.raises(ValidationError, match="UTF-8"):
        parse_vtt("WEBVTT\n\n00:00.000 --> 00:01.000\nDonnées\n".encode("latin-1"))


def test_timestamps():
    assert format_timestamp(12.5) == "0:12"
    assert format_timestamp(3725) == "1:02:05"
