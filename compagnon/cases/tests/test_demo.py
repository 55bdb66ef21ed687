from io import StringIO

from django.core.management import call_command

from compagnon.cases.demo import DEMO_CASES
from compagnon.cases.models import Case, CaseInvitation, CaseStatus


def test_demo_cases_show_every_stage_and_load_once(db):
    call_command("load_demo", stdout=StringIO())
    assert Case.objects.count() == len(DEMO_CASES)
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {CaseStatus.SUBMITTED, CaseStatus.OPEN, CaseStatus.MATCHED} <= statuses
    assert CaseInvitation.objects.filter(answer="interested").exists()
    invitations = CaseInvitation.objects.count()

    call_command("load_demo", stdout=StringIO())

    assert Case.objects.count() == len(DEMO_CASES)
    assert CaseInvitation.objects.count() == invitations
