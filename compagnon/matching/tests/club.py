"""A small seeded club for matching and invitation tests.

A retailer (Alpha) brings a causality case excluding its competitor (Zeta).
The causality expert works in a university lab (Beta); a Gamma bank employee
knows causality but asked not to be invited until next year; Zeta's expert is
excluded; a former Delta employee left; Old Corp's membership lapsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from compagnon.cases.models import Case, CaseInvitation, CaseStatus
from compagnon.members.models import (
    MembershipStatus,
    MembershipType,
    Organisation,
    OrganisationKind,
    Person,
    Tag,
)
from compagnon.members.tests.factories import (
    BaseFactory,
    InterestFactory,
    OrganisationFactory,
    PersonFactory,
    SkillFactory,
    TagFactory,
)


@dataclass
class Club:
    causality: Tag
    forecasting: Tag
    nlp: Tag
    alpha: Organisation
    beta: Organisation
    gamma: Organisation
    zeta: Organisation
    owner: Person
    colleague: Person
    expert: Person
    opted_out: Person
    competitor: Person
    leaver: Person
    lapsed: Person
    nlp_person: Person
    learner: Person
    case: Case


def person(organisation, first_name, **kwargs) -> Person:
    kwargs.setdefault("with_account", True)
    return PersonFactory(
        organisation=organisation,
        first_name=first_name,
        last_name=kwargs.pop("last_name", "Test"),
        email=f"{first_name.lower()}@{organisation.slug if organisation else 'club'}.example",
        **kwargs,
    )


def open_case(owner: Person, *, tags=(), excluded=(), **fields) -> Case:
    now = timezone.now()
    fields.setdefault("title", "Sales forecasts broke: what caused the drop?")
    fields.setdefault(
        "description",
        "Our demand forecasts broke after the crisis. We need causal inference to tell "
        "which promotions really changed sales.",
    )
    fields.setdefault("status", CaseStatus.OPEN)
    fields.setdefault("opened_at", now)
    fields.setdefault("language", "en")
    case = Case.objects.create(brought_by=owner, organisation=owner.organisation, **fields)
    case.tags.set(tags)
    case.excluded_organisations.set(excluded)
    return case


def invite(case: Case, person: Person, **fields) -> CaseInvitation:
    now = timezone.now()
    fields.setdefault("expires_at", now + timedelta(days=10))
    return CaseInvitation.objects.create(case=case, person=person, **fields)


def build_club() -> Club:
    BaseFactory(name="Paris")
    causality = TagFactory(slug="causality", label_en="Causality", label_fr="Causalité")
    forecasting = TagFactory(slug="forecasting", label_en="Forecasting", label_fr="Prévision")
    nlp = TagFactory(slug="nlp", label_en="NLP", label_fr="TAL")
    alpha = OrganisationFactory(name="Alpha Retail")
    beta = OrganisationFactory(name="Beta University Lab", kind=OrganisationKind.RESEARCH_LAB)
    gamma = OrganisationFactory(name="Gamma Bank")
    zeta = OrganisationFactory(name="Zeta Retail")
    delta = OrganisationFactory(name="Delta Insurance")
    old = OrganisationFactory(name="Old Corp", status=MembershipStatus.LAPSED)

    owner = person(alpha, "Olivia", job_title="Head of demand planning")
    colleague = person(alpha, "Colin", job_title="Data scientist")
    SkillFactory(person=colleague, tag=forecasting, level=3)
    expert = person(
        beta,
        "Esther",
        job_title="Researcher in causal inference",
        bio="I work on causal inference and uplift models with real data.",
        membership_type=MembershipType.RESEARCHER,
    )
    SkillFactory(person=expert, tag=causality, level=4, can_teach=True)
    opted_out = person(gamma, "Oscar", do_not_invite_before=date.today() + timedelta(days=365))
    SkillFactory(person=opted_out, tag=causality, level=4)
    competitor = person(zeta, "Zoe")
    SkillFactory(person=competitor, tag=causality, level=4)
    leaver = person(delta, "Leo", left_organisation_on=date.today() - timedelta(days=3))
    SkillFactory(person=leaver, tag=causality, level=4)
    lapsed = person(old, "Lana")
    SkillFactory(person=lapsed, tag=causality, level=4)
    nlp_person = person(gamma, "Nina")
    SkillFactory(person=nlp_person, tag=nlp, level=4)
    learner = person(gamma, "Lucas", job_title="Analyst")
    InterestFactory(person=learner, tag=causality)
    SkillFactory(person=learner, tag=forecasting, level=2)

    case = open_case(owner, tags=[causality, forecasting], excluded=[zeta], interested_needed=2)
    return Club(
        causality=causality,
        forecasting=forecasting,
        nlp=nlp,
        alpha=alpha,
        beta=beta,
        gamma=gamma,
        zeta=zeta,
        owner=owner,
        colleague=colleague,
        expert=expert,
        opted_out=opted_out,
        competitor=competitor,
        leaver=leaver,
        lapsed=lapsed,
        nlp_person=nlp_person,
        learner=learner,
        case=case,
    )
