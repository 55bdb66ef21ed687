"""Past tenures imported from a CSV name the person: they are in the person's data export."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.utils import timezone

from compagnon.accounts.privacy import person_data_export
from compagnon.insights.models import PastTenure, TenureImport, TenureImportStatus
from compagnon.members.models import RoleFamily

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_imported_past_tenures(member_a, member_b, org_b, staff_user):
    tenure_import = TenureImport.objects.create(
        filename="history-2019.csv",
        content="…",
        status=TenureImportStatus.APPLIED,
        uploaded_by=staff_user,
        applied_at=timezone.now(),
        rows_created=2,
    )
    for person in (member_a, member_b):
        PastTenure.objects.create(
            person=person,
            organisation=org_b,
            role_family=RoleFamily.DATA_SCIENTIST,
            started_on=dt.date(2017, 9, 1),
            ended_on=dt.date(2020, 6, 30),
            tenure_import=tenure_import,
        )

    export = person_data_export(actor=member_a.user, person=member_a)
    rows = json.loads(zipfile.ZipFile(io.BytesIO(export.content)).read("past_tenures.json"))
    assert rows == [
        {
            "organisation": org_b.name,
            "role": RoleFamily.DATA_SCIENTIST,
            "started_on": "2017-09-01",
            "left_on": "2020-06-30",
            "imported_at": tenure_import.applied_at.isoformat(),
            "imported_from": "history-2019.csv",
        }
    ]
