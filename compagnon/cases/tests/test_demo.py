from io import StringIO

from django.core.management import call_command

from compagnon.cases.demo import DEMO_CASES
from compagnon.cases.models import Case, CaseInvitation, CaseStatus


def test_demo_cases_show_every_stage_and_load_once(db):
    call_command("load_demo", stdout=StringIO())
    # Other apps' demos bring cases of their own (an engagement's, a recruitment help's).
    cases = Case.objects.filter(title__in=[spec.title for spec in DEMO_CASES])
    others = Case.objects.exclude(pk__in=cases.values("pk")).count()
    assert cases.count() == len(DEMO_CASES)
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {CaseStatus.SUBMITTED, CaseStatus.OPEN, CaseStatus.MATCHED} <= statuses
    assert CaseInvitation.objects.filter(answer="interested").exists()
    invitations = CaseInvitation.objects.count()

    call_command("load_demo", stdout=StringIO())

    assert cases.count() == len(DEMO_CASES)
    assert Case.objects.count() == len(DEMO_CASES) + others
    assert CaseInvitation.objects.count() == invitations
