from io import StringIO

from django.core.management import call_command

from compagnon.benchathons.demo import LIBRARIES, TITLE, demo_benchathons_load
from compagnon.benchathons.models import Benchathon, BenchathonStatus, Evaluation
from compagnon.knowledge.models import ReportStatus


def test_the_demo_benchathon_is_real_and_loads_once(db):
    call_command("load_demo", stdout=StringIO())
    benchathon = Benchathon.objects.get(workshop__title=TITLE)
    assert benchathon.status == BenchathonStatus.PUBLISHED
    assert benchathon.items.count() == len(LIBRARIES) == 5
    assert benchathon.grid.criteria.count() == 8
    evaluations = Evaluation.objects.filter(item__benchathon=benchathon).select_related("evaluator")
    assert evaluations.count() == 10
    assert all(evaluation.is_submitted for evaluation in evaluations)
    assert len({e.evaluator.organisation_id for e in evaluations}) >= 4
    assert evaluations.filter(evaluator__email="data.scientist@accor.example.org").exists()
    report = benchathon.workshop.report
    assert report.status == ReportStatus.PUBLISHED and report.visibility == "public"
    assert "Fairlearn" in report.what_worked and "⚠" in report.what_worked
    assert benchathon.report_chart_svg

    assert demo_benchathons_load() == 0
    assert Benchathon.objects.count() == 1
