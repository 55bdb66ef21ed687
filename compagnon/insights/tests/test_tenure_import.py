"""The past tenure CSV import (staff): upload, preview with each line's problems, apply every
line or none. Every bad file shows its message and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from compagnon.insights.models import PastTenure, TenureImport, TenureImportStatus
from compagnon.members.models import RoleFamily

pytestmark = pytest.mark.django_db

HEADER = "email,organisation,started_on,ended_on,role\n"


@pytest.fixture
def staff(client_of, staff_user):
    return client_of(staff_user)


def _upload(client, text: str | bytes, name="tenure.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        reverse("insights:tenure_imports"), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def _preview_and_apply(client, text):
    response = _upload(client, text)
    assert response.status_code == 302, response.content
    tenure_import = TenureImport.objects.get()
    preview = client.get(reverse("insights:tenure_import", args=[tenure_import.pk]))
    applied = client.post(
        reverse("insights:tenure_import_apply", args=[tenure_import.pk]), follow=True
    )
    return preview, applied


def test_a_good_file_is_previewed_then_imported(staff, member_a, org_b):
    text = (
        HEADER
        + f"{member_a.email},{org_b.name},2018-09-01,2020-06-30,\n"
        + f"{member_a.email.upper()},{org_b.slug},01/07/2016,31/08/2018,ml_engineer\n"
    )
    preview, applied = _preview_and_apply(staff, text)

    assert "2 lines, every one correct." in preview.text
    assert "2 past tenures imported" in applied.text
    rows = list(
        PastTenure.objects.order_by("started_on").values_list(
            "organisation_id", "role_family", "started_on", "ended_on"
        )
    )
    assert rows == [
        (org_b.pk, RoleFamily.ML_ENGINEER, dt.date(2016, 7, 1), dt.date(2018, 8, 31)),
        (org_b.pk, member_a.role_family, dt.date(2018, 9, 1), dt.date(2020, 6, 30)),
    ]
    assert TenureImport.objects.get().status == TenureImportStatus.APPLIED
    # Applying again writes nothing more.
    again = staff.post(
        reverse("insights:tenure_import_apply", args=[TenureImport.objects.get().pk]),
        follow=True,
    )
    assert "This file was already imported." in again.text
    assert PastTenure.objects.count() == 2


def test_a_file_not_in_utf8_is_refused_and_nothing_kept(staff, member_a, org_b):
    text = HEADER + f"{member_a.email},Société Générale,2018-09-01,2020-06-30,\n"
    response = _upload(staff, text.encode("cp1252"))

    assert response.status_code == 400
    assert "The file is not in UTF-8 (first unreadable character on line 2)" in response.text
    assert not TenureImport.objects.exists() and not PastTenure.objects.exists()


def test_missing_columns_are_named_and_nothing_kept(staff, member_a, org_b):
    response = _upload(
        staff, f"email,organisation,start\n{member_a.email},{org_b.name},2019-01-01\n"
    )

    assert response.status_code == 400
    assert "Missing column(s): ended_on." in response.text
    assert not TenureImport.objects.exists() and not PastTenure.objects.exists()


def test_not_a_csv_is_refused(staff):
    response = _upload(staff, b"PK\x03\x04 excel", name="tenure.xlsx")
    assert response.status_code == 400
    assert "Upload a .csv file." in response.text
    assert not TenureImport.objects.exists()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{email},{org},2019-01-01,{future},", "The leaving date {future} is in the future."),
        ("{email},{org},{future},{future},", "The start date {future} is in the future."),
        (
            "{email},{org},2020-05-01,2019-05-01,",
            "The leaving date 2019-05-01 is not after the start date 2020-05-01.",
        ),
        ("{email},{org},2020-05-01,2020-05-01,", "is not after the start date"),
        (
            "nobody@nowhere.example,{org},2019-01-01,2020-01-01,",
            "Nobody in the club has the email “nobody@nowhere.example”.",
        ),
        (",{org},2019-01-01,2020-01-01,", "No email"),
        ("{email},Nowhere Inc,2019-01-01,2020-01-01,", "No member organisation “Nowhere Inc”"),
        ("{email},{org},2019-13-45,2020-01-01,", "The start date “2019-13-45” is not a date"),
        ("{email},{org},2019-01-01,,", "No leaving date: past tenure only"),
        ("{email},{org},2019-01-01,2020-01-01,astronaut", "Unknown role “astronaut”"),
    ],
)
def test_a_bad_line_is_shown_and_nothing_is_imported(staff, member_a, org_b, line, message):
    future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    fields = {"email": member_a.email, "org": org_b.name, "future": future}
    good = f"{member_a.email},{org_b.name},2010-01-01,2011-01-01,\n"
    preview, applied = _preview_and_apply(staff, HEADER + good + line.format(**fields) + "\n")

    assert "1 line of 2 has a problem" in preview.text
    assert message.format(**fields) in preview.text
    assert "1 line has a problem: nothing was imported." in applied.text
    assert not PastTenure.objects.exists()  # not even the good line
    assert TenureImport.objects.get().status == TenureImportStatus.PREVIEWED


def test_overlaps_are_refused(staff, member_a, org_a, org_b):
    type(member_a).objects.filter(pk=member_a.pk).update(joined_organisation_on=dt.date(2021, 1, 1))
    text = (
        HEADER
        + f"{member_a.email},{org_a.name},2020-06-01,2021-06-01,\n"  # overlaps the profile
        + f"{member_a.email},{org_b.name},2015-01-01,2017-01-01,\n"
        + f"{member_a.email},{org_b.name},2016-06-01,2018-01-01,\n"  # overlaps line 3
    )
    preview, _applied = _preview_and_apply(staff, text)

    assert "Overlaps the tenure on the person&#x27;s profile" in preview.text
    assert "Overlaps line 3 (same person, same organisation)." in preview.text
    assert not PastTenure.objects.exists()


def test_the_problems_csv_is_formula_safe(staff, org_b):
    text = HEADER + f'"=HYPERLINK(""http://evil.example"")",{org_b.name},2019-01-01,2020-01-01,\n'
    _upload(staff, text)
    tenure_import = TenureImport.objects.get()

    response = staff.get(reverse("insights:tenure_import_errors", args=[tenure_import.pk]))
    content = b"".join(response.streaming_content).decode("utf-8-sig")

    assert "'=HYPERLINK" in content
    assert "\n=HYPERLINK" not in content and ",=HYPERLINK" not in content


def test_a_file_that_went_bad_since_the_preview_writes_nothing(staff, member_a, org_b):
    from compagnon.members.models import ERASED_EMAIL_DOMAIN

    _upload(staff, HEADER + f"{member_a.email},{org_b.name},2018-01-01,2019-01-01,\n")
    tenure_import = TenureImport.objects.get()
    type(member_a).objects.filter(pk=member_a.pk).update(email=f"x@{ERASED_EMAIL_DOMAIN}")

    applied = staff.post(
        reverse("insights:tenure_import_apply", args=[tenure_import.pk]), follow=True
    )
    assert "nothing was imported" in applied.text
    assert not PastTenure.objects.exists()
