"""A member import with private files on S3 (moto's server): upload, progress, apply."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compagnon.members.importing import (
    import_progress_clear,
    import_progress_get,
    import_progress_set,
)
from compagnon.members.models import ImportState, MemberImport, Person

pytestmark = pytest.mark.django_db

CSV = (
    "Prénom,Nom,Email,Organisation,Titre,Métier,Intérêt,Domain,Tags,Statut,Description,Linkedin\n"
    "Ada,Martin,ada@alpha.example,Alpha Corp,Lead,Data Scientist,NLP,Finance,,Adhérent,,\n"
)


def test_progress_is_an_object_in_the_bucket_that_any_process_reads(s3, settings):
    import_progress_set(7, "check", 2, 4)
    assert s3.objects() == ["private/imports/progress-7.json"]
    assert json.loads(s3.read("private/imports/progress-7.json"))["done"] == 2
    import_progress_set(7, "write", 4, 4, applying=True)  # replaced, not a second object
    assert s3.objects() == ["private/imports/progress-7.json"]
    assert import_progress_get(7)["percent"] == 100
    import_progress_clear(7)
    assert s3.objects() == []
    assert import_progress_get(7) == {"phase": "", "done": 0, "total": 0, "percent": 0}
    assert not settings.PRIVATE_ROOT.exists()


def test_an_import_runs_from_the_bucket(
    s3, client_of, staff_user, settings, django_capture_on_commit_callbacks
):
    client = client_of(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:import_upload"),
            {"file": SimpleUploadedFile("members.csv", CSV.encode(), content_type="text/csv")},
        )
    assert response.status_code == 302
    member_import = MemberImport.objects.get()
    assert member_import.state == ImportState.PREVIEWED  # the immediate task backend ran it
    assert f"private/{member_import.file.name}" in s3.objects()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff:import_apply", kwargs={"pk": member_import.pk}))
    assert Person.objects.filter(email="ada@alpha.example").exists()
    assert s3.objects() == []  # the upload and its progress are gone once applied
    assert not settings.PRIVATE_ROOT.exists()


STORE_MESSAGE = "The file store cannot be reached right now. Please try again in a few minutes."


@pytest.mark.parametrize("how", ["removed", "erring", "unreachable"])
def test_a_preview_while_the_store_fails_records_a_clear_failure(s3, s3_failing, staff_user, how):
    from compagnon.members.importing import member_import_create, member_import_preview_run

    member_import = member_import_create(
        upload=SimpleUploadedFile("members.csv", CSV.encode()), uploaded_by=staff_user
    )
    s3_failing(how)
    assert member_import_preview_run(pk=member_import.pk) == ImportState.FAILED
    member_import.refresh_from_db()
    assert member_import.state == ImportState.FAILED
    assert member_import.error == STORE_MESSAGE


def test_an_apply_while_the_store_fails_writes_nothing_and_can_be_tried_again(
    s3, s3_failing, staff_user, client_of
):
    from compagnon.members.importing import (
        member_import_apply_run,
        member_import_create,
        member_import_preview_run,
    )

    member_import = member_import_create(
        upload=SimpleUploadedFile("members.csv", CSV.encode()), uploaded_by=staff_user
    )
    assert member_import_preview_run(pk=member_import.pk) == ImportState.PREVIEWED
    s3_failing("erring")
    assert member_import_apply_run(pk=member_import.pk, user_id=staff_user.pk) == "failed"
    member_import.refresh_from_db()
    assert member_import.state == ImportState.PREVIEWED  # nothing written: apply again later
    assert member_import.error == STORE_MESSAGE
    assert not Person.objects.filter(email="ada@alpha.example").exists()
    page = client_of(staff_user).get(reverse("staff:import_preview", args=[member_import.pk]))
    assert page.status_code == 200
    assert STORE_MESSAGE in page.content.decode()
    assert "nothing was written" in page.content.decode()
