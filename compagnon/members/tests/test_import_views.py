"""Staff import pages: upload → preview → apply, and who may use them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from compagnon.members.models import MemberImport, Organisation, Person

HEADER = (
    "Prénom,Nom,Email,Organisation,Titre,Métier,Intérêt,Domain,Tags,Statut,Description,Linkedin"
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _media_and_language(settings, tmp_path):
    # Uploaded files must never land in the project's var/ during tests.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def csv_upload(tmp_path: Path, lines: list[str], name: str = "members.csv") -> SimpleUploadedFile:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


ROWS = [
    "Ada,Martin,ada@alpha.example,Alpha Corp,Lead,Data Scientist,NLP,Finance,,Adhérent,,",
    "Eve,Durand,eve@alpha.example,Alpha Corp,Analyst,Data Analyst,,,Dataviz,,,javascript:alert(1)",
    'Zoé,-2+3,zoe@new.example,New Co,=HYPERLINK("http://evil"),,,,Machin Lerning,,,',
    "Bad,Row,not-an-email,,,,,,,,,",
]


def upload(client, tmp_path, lines=ROWS):
    return client.post(reverse("staff:import_upload"), {"file": csv_upload(tmp_path, lines)})


def test_upload_preview_apply(client_of, staff_user, tmp_path, django_capture_on_commit_callbacks):
    client = client_of(staff_user)
    assert client.get(reverse("staff:import_upload")).status_code == 200

    response = upload(client, tmp_path)
    member_import = MemberImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:import_preview", kwargs={"pk": member_import.pk})
    assert member_import.file_name == "members.csv"
    assert member_import.uploaded_by == staff_user
    stored = Path(member_import.file.path)
    assert stored.parent.name == "imports" and stored.name != "members.csv"
    assert not Person.objects.filter(email="ada@alpha.example").exists(), (
        "an upload writes no member"
    )

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="row-skip"' in html
    assert "LinkedIn link “javascript:alert(1)” is not a web address — dropped" in html
    assert "sector of “Alpha Corp”: Finance" in html
    assert "Unknown tag “Machin Lerning” — did you mean “Machine Learning”?" in html
    assert "New Co" in html
    assert "<td>Zoé -2+3</td>" in html, "a formula-like name is shown as text"
    assert page.context["counts"] == {"create": 3, "update": 0, "unchanged": 0, "skip": 1}

    problems = client.get(response["Location"] + "?show=problems")
    assert [row["line"] for row in problems.context["rows"]] == [3, 4, 5]

    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(reverse("staff:import_apply", kwargs={"pk": member_import.pk}))
    assert applied.status_code == 302
    # The apply ran as a task once the request's transaction was committed.
    applied = client.get(applied["Location"])
    assert applied.templates[0].name == "members/staff/import_result.html"
    assert applied.context["result"].created == 3 and applied.context["result"].skipped == 1
    assert set(Person.objects.values_list("email", flat=True)) >= {
        "ada@alpha.example",
        "eve@alpha.example",
        "zoe@new.example",
    }
    assert Person.objects.get(email="eve@alpha.example").linkedin_url == ""
    assert Organisation.objects.get(name="Alpha Corp").sector.slug == "finance"
    member_import.refresh_from_db()
    assert member_import.applied_at is not None
    assert member_import.result["created"] == 3
    assert member_import.result["skipped_rows"][0]["line"] == 5
    assert not stored.exists(), "the file holding personal data goes once imported"


def test_applying_twice_imports_once(
    client_of, staff_user, tmp_path, django_capture_on_commit_callbacks
):
    client = client_of(staff_user)
    upload(client, tmp_path)
    member_import = MemberImport.objects.get()
    url = reverse("staff:import_apply", kwargs={"pk": member_import.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    people = Person.objects.count()
    applied_at = MemberImport.objects.get().applied_at

    second = client.post(url, follow=True)

    assert "already applied" in second.content.decode()
    assert Person.objects.count() == people
    assert MemberImport.objects.get().applied_at == applied_at


def test_apply_is_post_only(client_of, staff_user, tmp_path):
    client = client_of(staff_user)
    upload(client, tmp_path)
    url = reverse("staff:import_apply", kwargs={"pk": MemberImport.objects.get().pk})
    assert client.get(url).status_code == 405
    assert MemberImport.objects.get().applied_at is None


def test_a_file_missing_a_column_is_refused_at_upload(client_of, staff_user, tmp_path):
    client = client_of(staff_user)
    path = tmp_path / "bad.csv"
    path.write_text("Prénom,Nom\nAda,Martin\n", encoding="utf-8")
    response = client.post(
        reverse("staff:import_upload"), {"file": SimpleUploadedFile("bad.csv", path.read_bytes())}
    )
    assert response.status_code == 200
    assert "Required column “Email” is missing" in response.content.decode()
    assert not MemberImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client_of, staff_user, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1024
    client = client_of(staff_user)
    response = upload(client, tmp_path, ROWS * 20)
    assert response.status_code == 200
    assert "the largest file accepted is 1.0" in response.content.decode()
    assert not MemberImport.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, staff_user, tmp_path):
    member_import = MemberImport.objects.create(file_name="x.csv", file="imports/x.csv")
    for url in (
        reverse("staff:dashboard"),
        reverse("staff:import_upload"),
        reverse("staff:import_preview", kwargs={"pk": member_import.pk}),
        reverse("staff:export_people"),
        reverse("staff:export_organisations"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("account_login") in response["Location"]
    response = client.post(reverse("staff:import_apply", kwargs={"pk": member_import.pk}))
    assert reverse("account_login") in response["Location"]


def test_members_who_are_not_staff_are_refused(client_of, member_a, staff_user, tmp_path):
    upload(client_of(staff_user), tmp_path)
    member_import = MemberImport.objects.get()
    client = client_of(member_a)
    for url in (
        reverse("staff:dashboard"),
        reverse("staff:import_upload"),
        reverse("staff:import_preview", kwargs={"pk": member_import.pk}),
        reverse("staff:export_people"),
        reverse("staff:export_organisations"),
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            reverse("staff:import_upload"), {"file": csv_upload(tmp_path, ROWS)}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("staff:import_apply", kwargs={"pk": member_import.pk})).status_code
        == 403
    )
    assert MemberImport.objects.get().applied_at is None
    assert not Person.objects.filter(email="eve@alpha.example").exists()


def test_dashboard_links(client_of, staff_user):
    html = client_of(staff_user).get(reverse("staff:dashboard")).content.decode()
    for name in (
        "admin:index",
        "staff:import_upload",
        "staff:export_people",
        "staff:export_organisations",
    ):
        assert f'href="{reverse(name)}"' in html


def test_a_large_preview_shows_a_bounded_table(client_of, staff_user, tmp_path):
    lines = [f"P{n},L{n},p{n}@x.example,,,,,,,,," for n in range(1_200)]
    client = client_of(staff_user)
    upload(client, tmp_path, lines)
    page = client.get(reverse("staff:import_preview", kwargs={"pk": MemberImport.objects.get().pk}))
    assert len(page.context["rows"]) == 1000
    assert "Showing the first 1000 of 1200 rows." in page.content.decode()


def test_export_after_import_round_trips_through_the_csv_module(
    client_of, staff_user, tmp_path, django_capture_on_commit_callbacks
):
    client = client_of(staff_user)
    upload(client, tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff:import_apply", kwargs={"pk": MemberImport.objects.get().pk}))
    response = client.get(reverse("staff:export_people"))
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    zoe = next(row for row in rows if row["Email"] == "zoe@new.example")
    assert zoe["Titre"] == '\'=HYPERLINK("http://evil")'
    assert zoe["Nom"] == "'-2+3"


def test_preview_and_apply_run_as_tasks_with_a_progress_bar(
    client_of, staff_user, tmp_path, django_capture_on_commit_callbacks
):
    """The page shows progress while a task works; closed and reopened, it shows where it is."""
    from compagnon.members.importing import import_progress_set
    from compagnon.members.models import ImportState

    client = client_of(staff_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, tmp_path)
    assert len(callbacks) == 1, "the preview is queued once the upload is committed"
    member_import = MemberImport.objects.get()
    # The worker has started and is half-way: the page shows a polling progress bar.
    MemberImport.objects.filter(pk=member_import.pk).update(state=ImportState.PREVIEWING)
    import_progress_set(member_import.pk, "check", 2, 4)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'hx-trigger="every 1s"' in html and '<progress max="100" value="50"' in html
    assert "2 of 4 rows checked" in html
    progress_url = reverse("staff:import_progress", kwargs={"pk": member_import.pk})
    partial = client.get(progress_url)
    assert "HX-Refresh" not in partial
    # The worker finishes: the next poll tells the page to reload, and it shows the preview.
    MemberImport.objects.filter(pk=member_import.pk).update(state=ImportState.UPLOADED)
    callbacks[0]()
    assert MemberImport.objects.get().state == ImportState.PREVIEWED
    assert client.get(progress_url)["HX-Refresh"] == "true"
    assert client.get(response["Location"]).context["counts"]["create"] == 3
    # Apply: a second click while the task is queued queues nothing more.
    url = reverse("staff:import_apply", kwargs={"pk": member_import.pk})
    with django_capture_on_commit_callbacks(execute=False) as first:
        client.post(url)
    with django_capture_on_commit_callbacks(execute=False) as second:
        again = client.post(url, follow=True)
    assert (len(first), len(second)) == (1, 0)
    assert "This import is already running." in again.content.decode()
    assert not Person.objects.filter(email="ada@alpha.example").exists()
    first[0]()
    assert MemberImport.objects.get().is_applied
    assert Person.objects.filter(email="ada@alpha.example").count() == 1


def test_a_failing_apply_writes_nothing_and_can_be_applied_again(
    client_of, staff_user, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    from compagnon.members import importing
    from compagnon.members.models import ImportState

    client = client_of(staff_user)
    upload(client, tmp_path)
    member_import = MemberImport.objects.get()
    client.get(reverse("staff:import_preview", kwargs={"pk": member_import.pk}))
    real = importing._tags_link

    def boom(rows):
        raise RuntimeError("database went away")

    monkeypatch.setattr(importing, "_tags_link", boom)
    url = reverse("staff:import_apply", kwargs={"pk": member_import.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)  # the task fails; the task backend records the error
    member_import.refresh_from_db()
    assert member_import.state == ImportState.PREVIEWED and "went away" in member_import.error
    assert not Person.objects.filter(email="ada@alpha.example").exists()
    monkeypatch.setattr(importing, "_tags_link", real)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert MemberImport.objects.get().is_applied
