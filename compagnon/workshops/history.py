"""Import the club's past workshops and events from a CSV, with a preview first.

A club that brings three years of history has matching signals and KPIs from day one:
each past workshop becomes a `done` workshop with one session, its tags, its hosts, and a
confirmed registration marked *present* for each participant.

Columns (headers matched without regard to case, accents or spaces; French or English):
`Titre/Title` and `Date/Début/Start` are required; `Fin/End`, `Base`, `Format`, `Mode`,
`Langue/Language`, `Tags`, `Participants` (emails), `Animateurs/Hosts` (emails) are optional.
Lists are separated by commas, semicolons, pipes or new lines.

Same discipline as the members import:
- `history_preview(data=)` decides, per line: create, update (tags, hosts or participants
  to add), unchanged, or skip, with the line number and the reasons;
- `history_apply(data=)` decides again against the current database *inside* the one
  transaction that writes, so a preview shown earlier cannot write stale decisions;
- a workshop is the same when its title (case and spaces aside), its start date and its
  base are: importing a file twice adds nothing the second time. Nothing is ever removed.

Skipped lines: no title, no date or an unreadable one, a date in the future (plan it in the
workshops pages), an end before the start, text over its length. Warnings (the line is
imported with what is known): unknown base, format, mode, tag, host or participant.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compagnon.members.importing import _bytes_decode, _delimiter_sniff
from compagnon.members.models import Base, Person
from compagnon.members.tags import TagResolver, normalise, split_tag_cell
from compagnon.workshops.models import (
    Attendance,
    Mode,
    Registration,
    RegistrationStatus,
    SeatKind,
    Session,
    Workshop,
    WorkshopFormat,
    WorkshopStatus,
)

MAX_BYTES = 5 * 1024 * 1024
TITLE_MAX = Workshop._meta.get_field("title").max_length or 200

_HEADERS = {
    "title": ("titre", "title", "nom", "name", "atelier", "workshop", "evenement", "event"),
    "start": ("date", "debut", "start", "starts", "starts at", "date de debut", "start date"),
    "end": ("fin", "end", "ends", "ends at", "date de fin", "end date"),
    "base": ("base", "site", "lieu", "location", "ville", "city"),
    "format": ("format", "duree", "duration"),
    "mode": ("mode", "modalite"),
    "language": ("langue", "language", "lang"),
    "tags": ("tags", "tag", "themes", "thematiques", "topics"),
    "participants": ("participants", "participant", "inscrits", "attendees", "emails"),
    "hosts": ("animateurs", "animateur", "animatrices", "hosts", "host", "intervenants", "speakers"),
}  # fmt: skip
_COLUMN = {normalise(alias): key for key, aliases in _HEADERS.items() for alias in aliases}
_FORMATS = {
    **dict.fromkeys(("half day", "demi journee", "1 2 journee", "half", "demi"), WorkshopFormat.HALF_DAY),
    **dict.fromkeys(("one day", "journee", "1 jour", "1 journee", "day", "jour", "full day"), WorkshopFormat.ONE_DAY),
    **dict.fromkeys(("two days", "2 jours", "deux jours", "2 journees", "2 days"), WorkshopFormat.TWO_DAYS),
    **dict.fromkeys(("series", "serie", "cycle", "series of sessions"), WorkshopFormat.SERIES),
}  # fmt: skip
_MODES = {
    **dict.fromkeys(("onsite", "on site", "sur place", "presentiel"), Mode.ONSITE),
    **dict.fromkeys(("remote", "distanciel", "en ligne", "online", "visio"), Mode.REMOTE),
    **dict.fromkeys(("hybrid", "hybride"), Mode.HYBRID),
}
_LENGTH = {
    WorkshopFormat.HALF_DAY: dt.timedelta(hours=3, minutes=30),
    WorkshopFormat.ONE_DAY: dt.timedelta(hours=8),
    WorkshopFormat.TWO_DAYS: dt.timedelta(days=1, hours=8),
    WorkshopFormat.SERIES: dt.timedelta(hours=3),
}
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


class HistoryFileError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass
class HistoryRow:
    line: int
    title: str = ""
    action: str = "create"  # create, update, unchanged, skip
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    base_id: int | None = None
    base_name: str = ""
    format: str = WorkshopFormat.HALF_DAY
    mode: str = Mode.ONSITE
    language: str = "fr"
    time_zone: str = "Europe/Paris"
    workshop_id: int | None = None
    tag_ids: list[int] = field(default_factory=list)
    host_ids: list[int] = field(default_factory=list)
    participant_ids: list[int] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [*self.errors, *self.warnings, *self.notes]


@dataclass
class HistoryPreview:
    rows: list[HistoryRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("create", "update", "unchanged", "skip"), 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def participations(self) -> int:
        return sum(len(r.participant_ids) for r in self.rows if r.action in ("create", "update"))


@dataclass
class HistoryResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    participations: int = 0


# ------------------------------------------------------------------------ reading


def _read(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[str], list[str]]:
    """(line, cells) per row, file-level errors, unknown columns."""
    if len(data) > MAX_BYTES:
        return [], [_("The file is over 5 MB: split it by year.")], []
    if data.startswith(b"PK\x03\x04"):
        return [], [_("This looks like an Excel workbook: save it as CSV first.")], []
    text, _encoding = _bytes_decode(data)
    if not text.strip():
        return [], [_("The file is empty.")], []
    text, delimiter, offset = _delimiter_sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, dict[str, str]]] = []
    columns: dict[int, str] | None = None
    unknown: list[str] = []
    previous = 0
    try:
        for cells in reader:
            line = previous + 1 + offset
            previous = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                columns = {}
                for index, title in enumerate(cells):
                    key = _COLUMN.get(normalise(title))
                    if key is None:
                        if title.strip():
                            unknown.append(title.strip())
                    elif key not in columns.values():
                        columns[index] = key
                missing = [k for k in ("title", "start") if k not in columns.values()]
                if missing:
                    return (
                        [],
                        [
                            _(
                                "The header line must name at least a title (Titre) and a date "
                                "(Date); it has: %(header)s."
                            )
                            % {"header": ", ".join(c.strip() for c in cells)}
                        ],
                        unknown,
                    )
                continue
            rows.append(
                (
                    line,
                    {key: cells[i].strip() if i < len(cells) else "" for i, key in columns.items()},
                )
            )
    except csv.Error as error:
        return [], [_("The file could not be read as CSV: %(error)s.") % {"error": error}], unknown
    if not rows:
        return [], [_("The file has a header line but no workshop rows.")], unknown
    return rows, [], unknown


def _parse_when(text: str, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime | None, bool]:
    """A moment from '2023-05-04', '04/05/2023', '2023-05-04 14:00'; (value, had a time)."""
    text = text.strip().replace("T", " ")
    match = re.match(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(.*)$", text)
    if match:
        text = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}{match[4]}"
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2})[:h](\d{2}))?\s*$", text)
    if not match:
        return None, False
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None, False
    has_time = match[4] is not None
    hour, minute = (int(match[4]), int(match[5])) if has_time else (9, 0)
    if hour > 23 or minute > 59:
        return None, False
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone), has_time


@dataclass
class _Context:
    bases: dict[str, Base]
    people: dict[str, int]
    tags: TagResolver
    existing: dict[tuple[str, dt.date, int | None], int]
    links: dict[int, tuple[set[int], set[int], set[int]]]  # workshop: tags, hosts, people
    seen: dict[tuple[str, dt.date, int | None], int] = field(default_factory=dict)


def _context(rows: list[tuple[int, dict[str, str]]]) -> _Context:
    bases: dict[str, Base] = {}
    for base in Base.objects.all():
        for name in (base.name, base.slug, base.city):
            bases.setdefault(normalise(name), base)
    emails = set()
    for _line, cells in rows:
        for column in ("participants", "hosts"):
            emails.update(e.lower() for e in split_tag_cell(cells.get(column, "")))
    people = dict(
        Person.objects.annotate(key=Lower("email")).filter(key__in=emails).values_list("key", "pk")
    )
    existing: dict[tuple[str, dt.date, int | None], int] = {}
    links: dict[int, tuple[set[int], set[int], set[int]]] = {}
    workshops = Workshop.objects.filter(status=WorkshopStatus.DONE, starts_at__isnull=False)
    for workshop in workshops.prefetch_related("tags", "hosts").only(
        "pk", "title", "starts_at", "base_id", "time_zone"
    ):
        assert workshop.starts_at is not None
        local = workshop.starts_at.astimezone(zoneinfo.ZoneInfo(workshop.time_zone)).date()
        existing[(_title_key(workshop.title), local, workshop.base_id)] = workshop.pk
        links[workshop.pk] = (
            {t.pk for t in workshop.tags.all()},
            {h.pk for h in workshop.hosts.all()},
            set(),
        )
    for workshop_id, person_id in Registration.objects.filter(
        workshop_id__in=list(links)
    ).values_list("workshop_id", "person_id"):
        links[workshop_id][2].add(person_id)
    return _Context(bases, people, TagResolver.load(), existing, links)


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def _decide(line: int, cells: dict[str, str], context: _Context, today: dt.date) -> HistoryRow:
    row = HistoryRow(line=line, title=" ".join(cells.get("title", "").split()))
    if not row.title:
        row.errors.append(_("no title"))
    elif len(row.title) > TITLE_MAX:
        row.errors.append(_("title longer than %(max)d characters") % {"max": TITLE_MAX})
    base_text = cells.get("base", "")
    base = context.bases.get(normalise(base_text)) if base_text else None
    if base_text and base is None:
        row.warnings.append(
            _("Unknown base “%(name)s” — imported without a base") % {"name": base_text}
        )
    if base is not None:
        row.base_id, row.base_name, row.time_zone = base.pk, base.name, base.time_zone
    zone = zoneinfo.ZoneInfo(row.time_zone)
    format_text = cells.get("format", "")
    if format_text:
        found = _FORMATS.get(normalise(format_text)) or (
            format_text if format_text in WorkshopFormat.values else None
        )
        if found is None:
            row.warnings.append(
                _("Unknown format “%(value)s” — recorded as half a day") % {"value": format_text}
            )
        else:
            row.format = found
    mode_text = cells.get("mode", "")
    if mode_text:
        found_mode = _MODES.get(normalise(mode_text))
        if found_mode is None:
            row.warnings.append(
                _("Unknown mode “%(value)s” — recorded as on site") % {"value": mode_text}
            )
        else:
            row.mode = found_mode
    language = normalise(cells.get("language", ""))[:2]
    row.language = "en" if language in ("en", "an") else "fr"
    start_text = cells.get("start", "")
    starts_at, has_time = _parse_when(start_text, zone) if start_text else (None, False)
    if not start_text:
        row.errors.append(_("no date"))
    elif starts_at is None:
        row.errors.append(
            _("date “%(value)s” unreadable (use 2023-05-04 or 04/05/2023)") % {"value": start_text}
        )
    elif starts_at.date() >= today:
        row.errors.append(
            _("date %(date)s is not in the past: plan it in the workshops pages")
            % {"date": starts_at.date().isoformat()}
        )
    if starts_at is not None and not has_time and row.format == WorkshopFormat.HALF_DAY:
        starts_at = starts_at.replace(hour=14)
    ends_at = None
    end_text = cells.get("end", "")
    if end_text and starts_at is not None:
        ends_at, end_has_time = _parse_when(end_text, zone)
        if ends_at is None:
            row.errors.append(_("end date “%(value)s” unreadable") % {"value": end_text})
        elif not end_has_time:
            ends_at = ends_at.replace(hour=17, minute=30)
        if ends_at is not None and ends_at <= starts_at:
            row.errors.append(_("ends before it starts"))
    if starts_at is not None and ends_at is None:
        ends_at = starts_at + _LENGTH[WorkshopFormat(row.format)]
    row.starts_at, row.ends_at = starts_at, ends_at
    for name in split_tag_cell(cells.get("tags", "")):
        tag = context.tags.resolve(name)
        if tag is None:
            suggestion = context.tags.closest(name)
            row.warnings.append(
                _("Unknown tag “%(name)s” — did you mean “%(suggestion)s”?")
                % {"name": name, "suggestion": suggestion.label}
                if suggestion is not None
                else _("Unknown tag “%(name)s” — ignored") % {"name": name}
            )
        elif tag.pk not in row.tag_ids:
            row.tag_ids.append(tag.pk)
    for column, target, label in (
        ("hosts", row.host_ids, _("host")),
        ("participants", row.participant_ids, _("participant")),
    ):
        for email in split_tag_cell(cells.get(column, "")):
            key = email.lower()
            person_id = context.people.get(key)
            if person_id is None:
                message = (
                    _("invalid %(who)s email “%(email)s” — ignored")
                    if not _EMAIL.match(key)
                    else _("Unknown %(who)s “%(email)s” — import the members first; ignored")
                )
                row.warnings.append(message % {"who": label, "email": email})
            elif person_id not in target:
                target.append(person_id)
    if row.errors:
        row.action = "skip"
        return row
    assert starts_at is not None
    key = (_title_key(row.title), starts_at.date(), row.base_id)
    first = context.seen.setdefault(key, line)
    if first != line:
        row.errors.append(_("same workshop as line %(line)d") % {"line": first})
        row.action = "skip"
        return row
    workshop_id = context.existing.get(key)
    if workshop_id is None:
        row.notes.append(
            ngettext("%(count)d participant", "%(count)d participants", len(row.participant_ids))
            % {"count": len(row.participant_ids)}
        )
        return row
    row.workshop_id = workshop_id
    tags, hosts, people = context.links[workshop_id]
    row.tag_ids = [t for t in row.tag_ids if t not in tags]
    row.host_ids = [h for h in row.host_ids if h not in hosts]
    row.participant_ids = [p for p in row.participant_ids if p not in people]
    added = []
    if row.tag_ids:
        added.append(_("tags (+%(count)d)") % {"count": len(row.tag_ids)})
    if row.host_ids:
        added.append(_("hosts (+%(count)d)") % {"count": len(row.host_ids)})
    if row.participant_ids:
        added.append(_("participants (+%(count)d)") % {"count": len(row.participant_ids)})
    if added:
        row.action = "update"
        row.notes.append(_("adds: %(what)s") % {"what": ", ".join(added)})
    else:
        row.action = "unchanged"
    return row


def history_preview(*, data: bytes) -> HistoryPreview:
    """What importing this file would do, line by line; writes nothing."""
    rows, errors, unknown = _read(data)
    preview = HistoryPreview(errors=errors, unknown_columns=unknown)
    if errors:
        return preview
    context = _context(rows)
    today = timezone.localdate()
    preview.rows = [_decide(line, cells, context, today) for line, cells in rows]
    return preview


# ------------------------------------------------------------------------ writing


def history_apply(*, data: bytes, actor: Any = None) -> HistoryResult:
    """Import the file: every valid line in one transaction, decided again inside it."""
    with transaction.atomic():
        # One import at a time: two at once would each create the same workshops.
        list(Base.objects.select_for_update().order_by("pk").values_list("pk", flat=True)[:1])
        preview = history_preview(data=data)
        if preview.errors:
            raise HistoryFileError(preview.errors)
        result = HistoryResult()
        now = timezone.now()
        for row in preview.rows:
            if row.action == "skip":
                result.skipped += 1
                continue
            if row.action == "unchanged":
                result.unchanged += 1
                continue
            if row.action == "create":
                workshop = _workshop_create(row, actor)
                result.created += 1
            else:
                workshop = Workshop.objects.get(pk=row.workshop_id)
                result.updated += 1
            workshop.tags.add(*row.tag_ids)
            workshop.hosts.add(*row.host_ids)
            _participants_add(workshop, row, now)
            result.participations += len(row.participant_ids)
    return result


def _workshop_create(row: HistoryRow, actor: Any) -> Workshop:
    assert row.starts_at is not None and row.ends_at is not None
    workshop = Workshop(
        title=row.title,
        format=row.format,
        mode=row.mode,
        base_id=row.base_id,
        time_zone=row.time_zone,
        language=row.language,
        status=WorkshopStatus.DONE,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        published_at=row.starts_at,
        registration_closes_at=row.starts_at,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    workshop.full_clean(exclude=["created_by"])
    workshop.save()
    session = Session(workshop=workshop, starts_at=row.starts_at, ends_at=row.ends_at)
    session.full_clean()
    session.save()
    return workshop


def _participants_add(workshop: Workshop, row: HistoryRow, now: dt.datetime) -> None:
    if not row.participant_ids:
        return
    organisations = dict(
        Person.objects.filter(pk__in=row.participant_ids).values_list("pk", "organisation_id")
    )
    seat = SeatKind.REMOTE if row.mode == Mode.REMOTE else SeatKind.ONSITE
    Registration.objects.bulk_create(
        [
            Registration(
                workshop=workshop,
                person_id=person_id,
                organisation_id=organisations.get(person_id),
                seat=seat,
                status=RegistrationStatus.CONFIRMED,
                queued_at=workshop.starts_at or now,
                confirmed_at=workshop.starts_at or now,
                attendance=Attendance.PRESENT,
            )
            for person_id in row.participant_ids
        ],
        ignore_conflicts=True,
    )
