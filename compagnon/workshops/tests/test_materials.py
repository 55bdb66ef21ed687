"""Materials: links and uploads, a size limit, always served as a download."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from compagnon.members.tests.factories import BaseFactory
from compagnon.workshops import services
from compagnon.workshops.models import Material
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def _private_files() -> list[str]:
    root = settings.PRIVATE_ROOT
    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]


def test_upload_of_200_mb_is_refused_and_nothing_written(staff_user):
    workshop = WorkshopFactory(base=BaseFactory())
    upload = TemporaryUploadedFile("huge.csv", "text/csv", 0, None)
    upload.file.truncate(200 * 1024 * 1024)  # a sparse 200 MB file
    upload.size = 200 * 1024 * 1024
    with pytest.raises(ValidationError) as error:
        services.material_add(
            workshop=workshop, by=staff_user, title="Data", kind="data", file=upload
        )
    assert error.value.message_dict["file"] == [
        "The file is too large (200 MB); the limit is 50 MB."
    ]
    assert not Material.objects.exists()
    assert _private_files() == []


def test_upload_over_the_limit_through_the_page(client_of, staff_user, settings):
    settings.WORKSHOP_UPLOAD_MAX_MB = 1
    workshop = WorkshopFactory(base=BaseFactory(), hosts=[])
    upload = SimpleUploadedFile("big.bin", b"0" * (2 * 1024 * 1024))
    response = client_of(staff_user).post(
        f"/workshops/{workshop.pk}/materials/add/",
        {"title": "Big", "kind": "data", "file": upload},
    )
    assert response.status_code == 400
    assert "The file is too large (2 MB); the limit is 1 MB." in response.content.decode()
    assert not Material.objects.exists()
    assert _private_files() == []


def test_link_or_file_required(client_of, staff_user):
    workshop = WorkshopFactory(base=BaseFactory())
    response = client_of(staff_user).post(
        f"/workshops/{workshop.pk}/materials/add/", {"title": "Nothing", "kind": "other"}
    )
    assert response.status_code == 400
    assert "Give a link or choose a file." in response.content.decode()
    assert not Material.objects.exists()


def test_html_upload_is_served_as_attachment(client_of, staff_user, member_a):
    workshop = WorkshopFactory(base=BaseFactory())
    upload = SimpleUploadedFile("evil.html", b"<script>alert(1)</script>", "text/html")
    response = client_of(staff_user).post(
        f"/workshops/{workshop.pk}/materials/add/",
        {"title": "Page", "kind": "other", "file": upload},
    )
    assert response.status_code == 302
    material = Material.objects.get()
    assert material.file_size == 25
    response = client_of(member_a).get(f"/workshops/materials/{material.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "evil.html" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_registered_only_material(client_of, member_a, member_b):
    workshop = WorkshopFactory(base=BaseFactory())
    material = services.material_add(
        workshop=workshop,
        by=None,
        title="Notebook",
        kind="notebook",
        file=SimpleUploadedFile("nb.ipynb", b"{}"),
        registered_only=True,
    )
    RegistrationFactory(workshop=workshop, person=member_a)
    url = f"/workshops/materials/{material.pk}/download/"
    assert client_of(member_b).get(url).status_code == 403
    page = client_of(member_b).get(workshop.get_absolute_url()).content.decode()
    assert "Notebook" not in page
    assert client_of(member_a).get(url).status_code == 200
    assert "Notebook" in client_of(member_a).get(workshop.get_absolute_url()).content.decode()


def test_material_delete_removes_file(client_of, staff_user, django_capture_on_commit_callbacks):
    workshop = WorkshopFactory(base=BaseFactory())
    material = services.material_add(
        workshop=workshop,
        by=None,
        title="Slides",
        kind="slides",
        file=SimpleUploadedFile("s.pdf", b"%PDF"),
    )
    assert len(_private_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(staff_user).post(f"/workshops/materials/{material.pk}/delete/")
    assert response.status_code == 302
    assert not Material.objects.exists()
    assert _private_files() == []


def test_link_material(client_of, staff_user):
    workshop = WorkshopFactory(base=BaseFactory())
    response = client_of(staff_user).post(
        f"/workshops/{workshop.pk}/materials/add/",
        {"title": "Repo", "kind": "repository", "url": "https://git.example.org/club/churn"},
    )
    assert response.status_code == 302
    material = Material.objects.get()
    response = client_of(staff_user).get(f"/workshops/materials/{material.pk}/download/")
    assert response["Location"] == "https://git.example.org/club/churn"
