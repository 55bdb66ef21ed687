"""WebVTT captions: checked on upload, turned into cues for the transcript and its search.

The check follows the parts of the WebVTT spec a browser needs to show the
captions: the `WEBVTT` signature, blocks separated by blank lines, each cue
with a timing line `00:01.000 --> 00:04.500` (hours optional) whose end is
after its start, cues in start order, and some text. NOTE, STYLE and REGION
blocks are allowed and skipped. Errors name the line so an author can fix
the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_VTT_BYTES = 1_000_000
_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t]+.*)?$")
_SIGNATURE = re.compile(r"^WEBVTT(?:[ \t].*)?$")
_TAG = re.compile(r"<[^>]*>")
# A line that starts like a time is a (maybe broken) timing line, not a cue's name.
_LOOKS_LIKE_TIME = re.compile(r"^\d+:\d")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str

    def as_json(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "text": self.text}


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _plain(payload: str) -> str:
    """Cue text without its markup (<v Speaker>, <b>, timestamps) or entities."""
    text = _TAG.sub("", payload)
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", " "), ("&amp;", "&")):
        text = text.replace(entity, char)
    return " ".join(text.split())


def parse_vtt(data: bytes | str) -> list[Cue]:
    """The cues of a WebVTT file, or a ValidationError that says which line is wrong."""
    if isinstance(data, bytes):
        if len(data) > MAX_VTT_BYTES:
            raise ValidationError(
                _("The captions file is larger than %(size)d kB.") % {"size": MAX_VTT_BYTES // 1000}
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(_("The captions file must be encoded in UTF-8.")) from None
    else:
        text = data
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or not _SIGNATURE.match(lines[0]):
        raise ValidationError(_("A WebVTT file starts with the line WEBVTT (line 1)."))
    cues: list[Cue] = []
    index = 1
    # The header runs to the first blank line.
    while index < len(lines) and lines[index].strip():
        index += 1
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        block_start = index
        block: list[str] = []
        while index < len(lines) and lines[index].strip():
            block.append(lines[index])
            index += 1
        if block[0].startswith(("NOTE", "STYLE", "REGION")) and "-->" not in block[0]:
            continue
        timing_at = 0 if "-->" in block[0] or _LOOKS_LIKE_TIME.match(block[0]) else 1
        if timing_at >= len(block) or not (
            "-->" in block[timing_at] or _LOOKS_LIKE_TIME.match(block[timing_at])
        ):
            raise ValidationError(
                _("Line %(line)d: a cue needs a timing line like 00:01.000 --> 00:04.000.")
                % {"line": block_start + 1 + timing_at}
            )
        line_number = block_start + 1 + timing_at
        match = _TIMING.match(block[timing_at].strip())
        if match is None:
            raise ValidationError(
                _("Line %(line)d: the timing must read like 00:01.000 --> 00:04.000.")
                % {"line": line_number}
            )
        start = _seconds(*match.groups()[:4])
        end = _seconds(*match.groups()[4:])
        if end <= start:
            raise ValidationError(
                _("Line %(line)d: the cue ends before it starts.") % {"line": line_number}
            )
        if cues and start < cues[-1].start:
            raise ValidationError(
                _("Line %(line)d: cues must be in the order they are shown.")
                % {"line": line_number}
            )
        payload = "\n".join(block[timing_at + 1 :])
        if not payload.strip():
            raise ValidationError(_("Line %(line)d: the cue has no text.") % {"line": line_number})
        cues.append(Cue(start=round(start, 3), end=round(end, 3), text=_plain(payload)))
    if not cues:
        raise ValidationError(_("The captions file has no cues."))
    return cues


def transcript_of(cues: list[Cue]) -> str:
    return "\n".join(cue.text for cue in cues)


def format_timestamp(seconds: float) -> str:
    """12.5 -> "0:12", 3725 -> "1:02:05" (for the transcript and the chapters)."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
