"""Reading a CSV of past tenure (staff): the file's checks, then every line's, with a message
that says what to fix. Nothing here writes: `services.tenure_import_upload` keeps the file for
the preview, `services.tenure_import_apply` re-reads it and writes all its rows or none.

The file: UTF-8 (Excel's "CSV UTF-8"), comma, semicolon or tab separated, a header line with
(in any order, English or French names):

    email, organisation, started_on, ended_on[, role]

- email: a person in the club (their email on the platform);
- organisation: a member organisation, by its name or its short name (slug);
- started_on, ended_on: 2019-09-01 or 01/09/2019; a finished stretch (one still running is
  the profile's "at the organisation since"), not in the future, the end after the start;
- role: optional (the person's role today when empty), a role family's code or name.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnon.insights.models import PastTenure
from compagnon.members.models import ERASED_EMAIL_DOMAIN, Organisation, Person, RoleFamily

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
REQUIRED = ("email", "organisation", "started_on", "ended_on")
OPTIONAL = ("role",)
# Header names people write, lower-cased, accents kept: each maps to one column.
ALIASES = {
    "email": "email",
    "e-mail": "email",
    "courriel": "email",
    "mail": "email",
    "organisation": "organisation",
    "organization": "organisation",
    "structure": "organisation",
    "started_on": "started_on",
    "start": "started_on",
    "since": "started_on",
    "début": "started_on",
    "debut": "started_on",
    "depuis": "started_on",
    "ended_on": "ended_on",
    "end": "ended_on",
    "left_on": "ended_on",
    "until": "ended_on",
    "fin": "ended_on",
    "départ": "ended_on",
    "depart": "ended_on",
    "role": "role",
    "rôle": "role",
    "role_family": "role",
}


class TenureFileError(Exception):
    """The file as a whole cannot be read: nothing of it is kept."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class TenureLine:
    number: int  # the line in the file, as a spreadsheet numbers it (the header is 1)
    cells: dict[str, str]
    errors: list[str] = field(default_factory=list)
    person_id: int | None = None
    organisation_id: int | None = None
    role_family: str = ""
    started_on: dt.date | None = None
    ended_on: dt.date | None = None

    def tenure(self) -> tuple[int, int, str, dt.date, dt.date]:
        """What a checked line writes (only called on a line without problems)."""
        assert self.person_id and self.organisation_id and self.started_on and self.ended_on
        return (
            self.person_id,
            self.organisation_id,
            self.role_family,
            self.started_on,
            self.ended_on,
        )


@dataclass
class TenureFile:
    lines: list[TenureLine]

    @property
    def errors(self) -> list[TenureLine]:
        return [line for line in self.lines if line.errors]

    @property
    def is_valid(self) -> bool:
        return bool(self.lines) and not self.errors


def file_decode(data: bytes) -> str:
    """The text of a UTF-8 file (with or without a byte order mark); anything else refused."""
    if len(data) > MAX_BYTES:
        raise TenureFileError(
            _("The file is larger than %(size)d MB: split it in several files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if data.startswith(b"PK\x03\x04"):
        raise TenureFileError(_("This looks like an Excel workbook: save it as “CSV UTF-8” first."))
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TenureFileError(
            _(
                "The file is not in UTF-8 (first unreadable character on line %(line)d). "
                "In Excel or LibreOffice, save it as “CSV UTF-8” and upload it again."
            )
            % {"line": line}
        ) from None
    if "\x00" in text:
        raise TenureFileError(_("This is not a CSV text file."))
    if not text.strip():
        raise TenureFileError(_("The file is empty."))
    return text


def _header_map(header: list[str]) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        key = ALIASES.get(name.strip().lower().replace(" ", "_"))
        if key and key not in columns.values():
            columns[index] = key
    missing = [name for name in REQUIRED if name not in columns.values()]
    if missing:
        raise TenureFileError(
            _(
                "Missing column(s): %(missing)s. The first line must name the columns "
                "email, organisation, started_on, ended_on (and optionally role)."
            )
            % {"missing": ", ".join(missing)}
        )
    return columns


def file_read(text: str) -> list[TenureLine]:
    """The lines of the file as cells by column name (no checks beyond the header's)."""
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: list[TenureLine] = []
    try:
        header = next(reader, [])
        columns = _header_map(header)
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(lines) >= MAX_ROWS:
                raise TenureFileError(
                    _("The file has more than %(max)d lines: split it.") % {"max": MAX_ROWS}
                )
            values = {name: "" for name in (*REQUIRED, *OPTIONAL)}
            for index, name in columns.items():
                if index < len(cells):
                    values[name] = cells[index].strip()
            lines.append(TenureLine(number=reader.line_num, cells=values))
    except csv.Error as error:
        raise TenureFileError(
            _("The file could not be read as CSV near line %(line)d: %(error)s.")
            % {"line": reader.line_num, "error": error}
        ) from None
    if not lines:
        raise TenureFileError(_("The file has a header line but no tenure lines."))
    return lines


def _date(text: str) -> dt.date | None:
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, layout).date()  # noqa: DTZ007 — a calendar date
        except ValueError:
            continue
    return None


def _roles() -> dict[str, str]:
    """Role codes and names (English and the current language) to codes."""
    names: dict[str, str] = {}
    for value, label in RoleFamily.choices:
        names[value.lower()] = value
        names[str(label).lower()] = value
    return names


def _overlap(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def lines_check(lines: list[TenureLine], *, today: dt.date | None = None) -> TenureFile:
    """Every line's checks, against the club's people, organisations and tenures already known.
    Reads in a fixed number of queries whatever the number of lines."""
    today = today or timezone.localdate()
    emails = {line.cells["email"].lower() for line in lines if line.cells["email"]}
    people = {
        email: (pk, role, current_organisation, joined, left)
        for email, pk, role, current_organisation, joined, left in Person.objects.annotate(
            email_lower=Lower("email")
        )
        .filter(email_lower__in=emails)
        .exclude(email__endswith="@" + ERASED_EMAIL_DOMAIN)
        .values_list(
            "email_lower",
            "pk",
            "role_family",
            "organisation_id",
            "joined_organisation_on",
            "left_organisation_on",
        )
    }
    organisations: dict[str, int] = {}
    for pk, name, slug in Organisation.objects.values_list("pk", "name", "slug"):
        organisations[name.lower()] = pk
        organisations[slug.lower()] = pk
    known: dict[tuple[int, int], list[tuple[dt.date, dt.date]]] = {}
    for known_person, known_organisation, known_start, known_end in PastTenure.objects.filter(
        person_id__in=[value[0] for value in people.values()]
    ).values_list("person_id", "organisation_id", "started_on", "ended_on"):
        known.setdefault((known_person, known_organisation), []).append((known_start, known_end))
    roles = _roles()
    seen: dict[tuple[int, int], list[tuple[tuple[dt.date, dt.date], int]]] = {}
    for line in lines:
        cells, errors = line.cells, line.errors
        person = people.get(cells["email"].lower())
        if not cells["email"]:
            errors.append(_("No email: give the person's email on the platform."))
        elif person is None:
            errors.append(
                _("Nobody in the club has the email “%(email)s”.") % {"email": cells["email"]}
            )
        organisation_id = organisations.get(cells["organisation"].lower())
        if not cells["organisation"]:
            errors.append(_("No organisation."))
        elif organisation_id is None:
            errors.append(
                _(
                    "No member organisation “%(name)s”: write its name or its short name as "
                    "on the platform."
                )
                % {"name": cells["organisation"]}
            )
        started, ended = _date(cells["started_on"]), _date(cells["ended_on"])
        for key, value, label in (
            ("started_on", started, _("start date")),
            ("ended_on", ended, _("leaving date")),
        ):
            if not cells[key]:
                errors.append(
                    _("No start date.")
                    if key == "started_on"
                    else _(
                        "No leaving date: past tenure only (a tenure still running is the "
                        "profile's “at the organisation since”)."
                    )
                )
            elif value is None:
                errors.append(
                    _("The %(label)s “%(value)s” is not a date: write 2019-09-01 or 01/09/2019.")
                    % {"label": label, "value": cells[key]}
                )
            elif value > today:
                errors.append(
                    _("The %(label)s %(date)s is in the future.")
                    % {"label": label, "date": value.isoformat()}
                )
        if started and ended and ended <= started:
            errors.append(
                _("The leaving date %(end)s is not after the start date %(start)s.")
                % {"end": ended.isoformat(), "start": started.isoformat()}
            )
        role = cells["role"]
        role_family = roles.get(role.lower()) if role else (person[1] if person else "")
        if role and role_family is None:
            errors.append(
                _("Unknown role “%(role)s”: use one of %(roles)s.")
                % {"role": role, "roles": ", ".join(RoleFamily.values)}
            )
        if errors or person is None or organisation_id is None or not started or not ended:
            continue
        span = (started, ended)
        pair = (person[0], organisation_id)
        if person[2] == organisation_id and person[3] is not None:
            profile = (person[3], person[4] or dt.date.max)
            if _overlap(span, profile):
                errors.append(
                    _(
                        "Overlaps the tenure on the person's profile (at the organisation since "
                        "%(since)s)."
                    )
                    % {"since": person[3].isoformat()}
                )
        for other in known.get(pair, []):
            if _overlap(span, other):
                errors.append(
                    _("Overlaps a tenure already imported (%(start)s to %(end)s).")
                    % {"start": other[0].isoformat(), "end": other[1].isoformat()}
                )
                break
        for other, number in seen.get(pair, []):
            if _overlap(span, other):
                errors.append(
                    _("Overlaps line %(line)d (same person, same organisation).") % {"line": number}
                )
                break
        seen.setdefault(pair, []).append((span, line.number))
        line.person_id, line.organisation_id = person[0], organisation_id
        line.role_family = role_family or RoleFamily.OTHER
        line.started_on, line.ended_on = started, ended
    return TenureFile(lines=lines)


def file_check(text: str, *, today: dt.date | None = None) -> TenureFile:
    return lines_check(file_read(text), today=today)


def errors_rows(checked: TenureFile) -> list[list[Any]]:
    """The lines with problems, for the errors CSV (cells made formula-safe by csvsafe)."""
    rows: list[list[Any]] = [
        [_("Line"), "email", "organisation", "started_on", "ended_on", "role", _("Problems")]
    ]
    for line in checked.errors:
        rows.append(
            [
                line.number,
                *(line.cells[name] for name in (*REQUIRED, *OPTIONAL)),
                " ".join(line.errors),
            ]
        )
    return rows
