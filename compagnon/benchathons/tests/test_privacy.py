"""An evaluator's export holds their evaluations; erasure keeps the marks, drops their words."""

from __future__ import annotations

import io
import zipfile

from compagnon.accounts.privacy import person_data_export, person_erase
from compagnon.benchathons import services
from compagnon.benchathons.models import Evaluation, Score
from compagnon.benchathons.tests.factories import fill, full_marks


def test_export_and_erasure_of_an_evaluator(benchathon, member_a, staff_user):
    services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    evaluation = Evaluation.objects.filter(item__benchathon=benchathon).first()
    fill(
        evaluation,
        full_marks(4, weakness="Their own words"),
        evidence="https://github.com/someone/nb.ipynb",
        notes="Personal notes",
    )
    person = evaluation.evaluator
    export = person_data_export(actor=staff_user, person=person)
    assert export.counts["benchathon_evaluations"] == 1
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        assert any(b"Personal notes" in archive.read(name) for name in archive.namelist())
    person_erase(actor=staff_user, person=person)
    evaluation.refresh_from_db()
    assert (evaluation.evidence, evaluation.notes) == ("", "")
    scores = Score.objects.filter(evaluation=evaluation)
    assert scores.count() == 7 and not scores.filter(number__isnull=True).exists()
