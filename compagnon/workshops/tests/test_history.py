"""History import: past workshops and events from a CSV, preview then apply, idempotent."""

from __future__ import annotations

import base64

import pytest
from django.core.management import call_command
from django.urls import reverse

from compagnon.members.tests.factories import BaseFactory, PersonFactory
from compagnon.workshops.history import HistoryFileError, history_apply, history_preview
from compagnon.workshops.models import (
    Attendance,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopFormat,
    WorkshopStatus,
)

pytestmark = pytest.mark.django_db

HEADER = "Titre;Date;Fin;Base;Format;Tags;Participants;Animateurs"


@pytest.fixture
def people(db):
    BaseFactory(name="Paris", slug="paris", city="Paris", time_zone="Europe/Paris")
    return {
        "ada": PersonFactory(email="ada@alpha.example"),
        "bob": PersonFactory(email="bob@beta.example"),
        "host": PersonFactory(email="host@club.example"),
    }


def _csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


GOOD = _csv(
    "Atelier séries temporelles;12/03/2022;;Paris;Demi-journée;Séries temporelles, NLP;"
    "ada@alpha.example, BOB@beta.example;host@club.example",
    "Hackathon climat;2023-06-10;2023-06-11;Paris;2 jours;Machin Lerning;ada@alpha.example;",
)


def test_preview_writes_nothing_and_says_what_each_line_does(people):
    preview = history_preview(data=GOOD)
    assert preview.counts == {"create": 2, "update": 0, "unchanged": 0, "skip": 0}
    assert preview.participations == 3
    first, second = preview.rows
    assert first.line == 2 and first.notes == ["2 participants"]
    assert second.warnings == ["Unknown tag “Machin Lerning” — did you mean “Machine Learning”?"]
    assert not Workshop.objects.exists()


def test_apply_creates_done_workshops_with_present_attendees_and_is_idempotent(people):
    result = history_apply(data=GOOD)
    assert (result.created, result.participations) == (2, 3)
    workshop = Workshop.objects.get(title="Atelier séries temporelles")
    assert workshop.status == WorkshopStatus.DONE
    assert workshop.format == WorkshopFormat.HALF_DAY
    assert workshop.base.name == "Paris"
    assert workshop.sessions.count() == 1
    assert workshop.starts_at.isoformat() == "2022-03-12T13:00:00+00:00"  # 14:00 in Paris
    assert sorted(t.slug for t in workshop.tags.all()) == ["nlp", "time-series"]
    assert [h.email for h in workshop.hosts.all()] == ["host@club.example"]
    registrations = Registration.objects.filter(workshop=workshop)
    assert {r.person.email for r in registrations} == {"ada@alpha.example", "bob@beta.example"}
    assert all(
        r.status == RegistrationStatus.CONFIRMED and r.attendance == Attendance.PRESENT
        for r in registrations
    )
    hackathon = Workshop.objects.get(title="Hackathon climat")
    assert hackathon.format == WorkshopFormat.TWO_DAYS
    assert hackathon.ends_at.date().isoformat() == "2023-06-11"
    again = history_apply(data=GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Workshop.objects.count() == 2 and Registration.objects.count() == 3


def test_a_later_file_adds_participants_never_removes(people):
    history_apply(data=GOOD)
    PersonFactory(email="new@gamma.example")
    more = _csv(
        "atelier  SÉRIES temporelles;2022-03-12;;paris;;;bob@beta.example, new@gamma.example;"
    )
    preview = history_preview(data=more)
    (row,) = preview.rows
    assert row.action == "update" and row.notes == ["adds: participants (+1)"]
    history_apply(data=more)
    workshop = Workshop.objects.get(title="Atelier séries temporelles")
    assert workshop.registrations.count() == 3


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (";2022-01-01;;;;;;", "no title"),
        ("Sans date;;;;;;;", "no date"),
        (
            "Date bizarre;le 3 mars;;;;;;",
            "date “le 3 mars” unreadable (use 2023-05-04 or 04/05/2023)",
        ),
        (
            "Futur;2999-01-01;;;;;;",
            "date 2999-01-01 is not in the past: plan it in the workshops pages",
        ),
        ("À l'envers;2022-05-02;2022-05-01;;;;;", "ends before it starts"),
        ("T" * 201 + ";2022-01-01;;;;;;", "title longer than 200 characters"),
    ],
)
def test_bad_lines_are_skipped_with_their_line_and_reason_and_nothing_half_written(
    people, line, reason
):
    data = _csv(line, "Bon atelier;2022-02-02;;Paris;;;;")
    preview = history_preview(data=data)
    bad, good = preview.rows
    assert (bad.line, bad.action, bad.errors) == (2, "skip", [reason])
    assert good.action == "create"
    result = history_apply(data=data)
    assert (result.created, result.skipped) == (1, 1)
    assert list(Workshop.objects.values_list("title", flat=True)) == ["Bon atelier"]


def test_unknowns_are_warnings_and_the_line_is_imported(people):
    data = _csv("Atelier;2022-02-02;;Lyon;Marathon;;ghost@nowhere.example, not-an-email;")
    (row,) = history_preview(data=data).rows
    assert row.action == "create"
    assert row.warnings == [
        "Unknown base “Lyon” — imported without a base",
        "Unknown format “Marathon” — recorded as half a day",
        "Unknown participant “ghost@nowhere.example” — import the members first; ignored",
        "invalid participant email “not-an-email” — ignored",
    ]


def test_the_same_workshop_twice_in_a_file_is_skipped(people):
    data = _csv("Atelier;2022-02-02;;Paris;;;;", "ATELIER;02/02/2022;;Paris;;;;")
    rows = history_preview(data=data).rows
    assert rows[1].errors == ["same workshop as line 2"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"PK\x03\x04rest", "save it as CSV first"),
        (b"Nom;Email\nx;y\n", "must name at least a title (Titre) and a date"),
        (HEADER.encode() + b"\n", "no workshop rows"),
    ],
)
def test_unreadable_files_are_refused_whole(people, data, message):
    preview = history_preview(data=data)
    assert message in " ".join(preview.errors)
    with pytest.raises(HistoryFileError):
        history_apply(data=data)
    assert not Workshop.objects.exists()


def test_an_error_while_writing_leaves_nothing(people, monkeypatch):
    from compagnon.workshops import history

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(history, "_participants_add", boom)
    with pytest.raises(RuntimeError):
        history_apply(data=GOOD)
    assert not Workshop.objects.exists() and not Registration.objects.exists()


def test_the_staff_page_previews_then_applies(people, client_of, staff_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_of(staff_user)
    url = reverse("workshops:history_import")
    assert client.get(url).status_code == 200
    page = client.post(url, {"file": SimpleUploadedFile("history.csv", GOOD, "text/csv")})
    html = page.content.decode()
    assert "Unknown tag “Machin Lerning” — did you mean “Machine Learning”?" in html
    assert not Workshop.objects.exists()
    content = page.context["content"]
    assert base64.b64decode(content) == GOOD
    done = client.post(url, {"apply": "1", "content": content}, follow=True)
    assert "2 created, 0 updated, 0 unchanged, 0 skipped; 3 participations recorded." in (
        done.content.decode()
    )
    assert Workshop.objects.count() == 2
    bad = client.post(url, {"file": SimpleUploadedFile("x.csv", b"Nom\nx\n", "text/csv")})
    assert "must name at least a title" in bad.content.decode()


def test_the_command_previews_unless_told_to_apply(people, tmp_path, capsys):
    path = tmp_path / "history.csv"
    path.write_bytes(GOOD)
    call_command("import_history", str(path))
    out = capsys.readouterr().out
    assert "line 2: create: Atelier séries temporelles (2 participants)" in out
    assert "preview only: nothing written" in out
    assert not Workshop.objects.exists()
    call_command("import_history", str(path), "--apply")
    assert "2 created, 0 updated, 0 unchanged, 0 skipped, 3 participations" in (
        capsys.readouterr().out
    )
