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


def test_the_demo_login_finds_the_benchathon_and_the_report(db, client):
    call_command("load_demo", stdout=StringIO())
    benchathon = Benchathon.objects.get(workshop__title=TITLE)
    from compagnon.members.models import Person

    login = Person.objects.get(email="data.scientist@accor.example.org")
    client.force_login(login.user)
    assert "Benchathons" in client.get("/challenges/").content.decode()
    page = client.get(benchathon.get_absolute_url()).content.decode()
    evaluation = Evaluation.objects.filter(item__benchathon=benchathon, evaluator=login).first()
    assert evaluation.get_absolute_url() in page
    assert client.get(evaluation.get_absolute_url()).status_code == 200
    for name in ("board", "results"):
        assert client.get(f"{benchathon.get_absolute_url()}{name}/").status_code == 200
    report = client.get(benchathon.workshop.report.get_absolute_url()).content.decode()
    assert f'src="/benchathons/{benchathon.pk}/chart.svg"' in report
    assert client.get(f"/benchathons/{benchathon.pk}/chart.svg").status_code == 200
