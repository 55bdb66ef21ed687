"""On PostgreSQL: two rekey runs at once (the upgrade started twice) lose no file.

The target key is derived, the same for both runs: without the row's lock over the copy,
the run that comes second deleted the copy the first one had just pointed the row at.
"""

from __future__ import annotations

import threading

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import connection

from compagnon.awards import services
from compagnon.awards.models import ATTACHMENT_KEY, ApplicationStatus, Attachment
from compagnon.awards.tests.factories import ApplicationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_two_runs_at_once_lose_no_file(member_a, monkeypatch):
    application = ApplicationFactory(applicant=member_a, status=ApplicationStatus.SUBMITTED)
    attachment = Attachment(
        application=application, name="cv.pdf", content_type="application/pdf", size=len(PDF)
    )
    key = f"awards/{application.edition_id}/{application.pk}/ada-martin-cv.pdf"
    attachment.file.name = attachment.file.storage.save(key, ContentFile(PDF))
    attachment.save()

    opened, second_done = threading.Event(), threading.Event()
    real_open = Storage.open

    def open_and_linger(self, name, mode="rb"):
        handle = real_open(self, name, mode)
        if threading.current_thread().name == "first":
            opened.set()
            second_done.wait(timeout=3)  # the second run goes on meanwhile, unless it waits
        return handle

    monkeypatch.setattr(Storage, "open", open_and_linger)
    results, errors = {}, []

    def run(name):
        try:
            row = Attachment.objects.get(pk=attachment.pk)  # read before either moved it
            if name == "second":
                opened.wait(timeout=5)
            results[name] = services.attachment_rekey(attachment=row)
        except Exception as error:  # collected: a thread cannot fail the test itself
            errors.append(error)
        finally:
            if name == "second":
                second_done.set()
            connection.close()

    threads = [threading.Thread(target=run, args=(n,), name=n) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(results.values()) == ["kept", "moved"]
    attachment.refresh_from_db()
    assert ATTACHMENT_KEY.match(attachment.file.name)
    with attachment.file.storage.open(attachment.file.name, "rb") as handle:
        assert handle.read() == PDF
    assert not attachment.file.storage.exists(key)
