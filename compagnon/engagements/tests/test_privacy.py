"""A person's export holds their engagements, time and reports; erasure keeps the time
(the club's counts), drops the words they wrote about a day."""

from __future__ import annotations

import io
import zipfile

import pytest

from compagnon.accounts.privacy import person_data_export, person_erase
from compagnon.engagements import services
from compagnon.engagements.models import LedgerEntry
from compagnon.engagements.selectors import time_given
from compagnon.engagements.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_export_and_erasure_of_an_expert(engagement, member_a, member_b, staff_user):
    entry = services.entry_log(
        engagement=engagement, person=member_b, worked_on=TODAY, half_days=2, note="Private note"
    )
    services.entry_decide(entry=entry, person=member_a, confirm=True)
    services.report_add(
        engagement=engagement, person=member_b, actor=member_b.user, body="Report words"
    )
    export = person_data_export(actor=staff_user, person=member_b)
    assert export.counts["engagements"] == 1
    assert export.counts["engagement_time_entries"] == 1
    assert export.counts["engagement_status_reports"] == 1
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        assert any(b"Private note" in archive.read(name) for name in archive.namelist())
    asker_export = person_data_export(actor=staff_user, person=member_a)
    assert asker_export.counts["engagements"] == 1
    assert asker_export.counts["engagement_time_entries"] == 1  # they confirmed it
    person_erase(actor=staff_user, person=member_b)
    entry = LedgerEntry.objects.get()
    assert entry.note == "" and entry.half_days == 2
    assert time_given(entry.logged_by).engagement_half_days == 2
