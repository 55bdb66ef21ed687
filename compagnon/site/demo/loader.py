"""Loading the fictional demo club: three bases, about thirty organisations, 300 people.

`demo_load_all()` is what `manage.py load_demo` (and so `make run`) calls: the club
itself (`demo_club_load()`, from the facts in `data` and the people drawn by
`generator`), then each app's own `demo.py` loader in `DEMO_PARTS`. It is

- idempotent: everything is found or created by its natural key (base slug,
  organisation slug or name, person email, person + tag), nothing existing is
  overwritten, and when the demo is already there it returns after three
  counting queries without writing anything;
- deterministic: the people come from `random.Random(DEMO_SEED)`, so every
  install gets the same club (dates that must stay in the future, such as
  "member until" or "don't invite me before", are counted from today).

The organisations named in the club's press coverage (Accor, Danone, INSEP…)
appear with their names, but every person is invented, every address is
under `example.org`, and every row is marked `is_demo`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from compagnon.accounts.models import User
from compagnon.api.demo import demo_api_load
from compagnon.awards.demo import demo_awards_load
from compagnon.benchathons.demo import demo_benchathons_load
from compagnon.careers.demo import demo_careers_load
from compagnon.cases.demo import demo_cases_load
from compagnon.challenges.demo import demo_challenges_load
from compagnon.engagements.demo import demo_engagements_load
from compagnon.escape.demo import demo_escape_load
from compagnon.insights.demo import demo_insights_load
from compagnon.knowledge.demo import demo_knowledge_load
from compagnon.learning.demo import demo_learning_load
from compagnon.members.models import (
    Base,
    Interest,
    MembershipStatus,
    Organisation,
    Person,
    Skill,
    Tag,
)
from compagnon.members.taxonomy import TAXONOMY
from compagnon.news.demo import demo_news_load
from compagnon.newsletter.demo import demo_newsletter_load
from compagnon.site.demo.data import (
    BASES,
    DATA_SCIENTIST_EMAIL,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_PEOPLE_TOTAL,
    MANAGER_EMAIL,
    ORGANISATIONS,
    RESEARCHER_EMAIL,
    STAFF_EMAIL,
    DemoLogin,
)
from compagnon.site.demo.generator import PersonSpec, demo_people
from compagnon.sso.demo import demo_sso_load
from compagnon.webhooks.demo import demo_webhooks_load
from compagnon.workshops.demo import demo_workshops_load


@dataclass
class DemoSummary:
    already_loaded: bool = False
    created: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=lambda: list(DEMO_LOGINS))
    password: str = DEMO_PASSWORD

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())


def demo_is_loaded() -> bool:
    """Cheap check: the staff login and the whole demo population are there."""
    return (
        User.objects.filter(email=STAFF_EMAIL).exists()
        and Organisation.objects.filter(is_demo=True).count() >= len(ORGANISATIONS)
        and Person.objects.filter(is_demo=True).count() >= DEMO_PEOPLE_TOTAL
    )


def _ensure_tags() -> dict[str, Tag]:
    tags = Tag.objects.in_bulk(field_name="slug")
    missing = [row for row in TAXONOMY if row[0] not in tags]
    for slug, label_fr, label_en, synonyms, _parent in missing:
        tags[slug] = Tag.objects.create(
            slug=slug, label_fr=label_fr, label_en=label_en, synonyms=synonyms
        )
    return tags


def _ensure_bases(created: dict[str, int]) -> dict[str, Base]:
    bases = {}
    for row in BASES:
        base = (
            Base.objects.filter(slug=row["slug"]).first()
            or Base.objects.filter(name=row["name"]).first()
        )
        if base is None:
            base = Base.objects.create(**row)
            created["bases"] += 1
        bases[row["slug"]] = base
    return bases


def _ensure_organisations(
    bases: dict[str, Base], today: date, created: dict[str, int]
) -> dict[str, Organisation]:
    by_slug = Organisation.objects.in_bulk([o.slug for o in ORGANISATIONS], field_name="slug")
    by_name = {
        o.name: o for o in Organisation.objects.filter(name__in=[o.name for o in ORGANISATIONS])
    }
    organisations, new = {}, []
    for spec in ORGANISATIONS:
        existing = by_slug.get(spec.slug) or by_name.get(spec.name)
        if existing is not None:
            organisations[spec.slug] = existing
            continue
        since = date(spec.since[0], spec.since[1], 1)
        until = (
            date(today.year - 1, spec.since[1], 1)
            if spec.lapsed
            else date(today.year + 1, spec.since[1], 1)
        )
        new.append(
            Organisation(
                slug=spec.slug,
                name=spec.name,
                kind=spec.kind,
                plan=spec.plan,
                status=MembershipStatus.LAPSED if spec.lapsed else MembershipStatus.ACTIVE,
                member_since=since,
                member_until=until,
                home_base=bases[spec.base],
                email_domains=f"{spec.slug}.example.org",
                description=spec.description + " (Organisation de démonstration.)",
                is_demo=True,
            )
        )
    Organisation.objects.bulk_create(new)
    created["organisations"] += len(new)
    if new:
        organisations.update(Organisation.objects.in_bulk([o.slug for o in new], field_name="slug"))
    return organisations


def _people_by_email(emails: list[str]) -> dict[str, Person]:
    found = Person.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    return {p.email_lower: p for p in found}


def _ensure_people(
    specs: list[PersonSpec],
    organisations: dict[str, Organisation],
    bases: dict[str, Base],
    created: dict[str, int],
) -> dict[str, Person]:
    emails = [s.email for s in specs]
    existing = _people_by_email(emails)
    now = timezone.now()
    new = [
        Person(
            email=s.email,
            first_name=s.first_name,
            last_name=s.last_name,
            organisation=organisations[s.organisation] if s.organisation else None,
            is_org_manager=s.is_org_manager,
            job_title=s.job_title,
            role_family=s.role_family,
            membership_type=s.membership_type,
            bio=s.bio,
            languages=s.languages,
            base=bases[s.base],
            remote_ok=s.remote_ok,
            website_url=s.website_url,
            orcid=s.orcid,
            joined_organisation_on=s.joined_organisation_on,
            left_organisation_on=s.left_organisation_on,
            directory_visibility=s.directory_visibility,
            do_not_invite_before=s.do_not_invite_before,
            is_demo=True,
            created_at=now,
            updated_at=now,
        )
        for s in specs
        if s.email not in existing
    ]
    Person.objects.bulk_create(new, batch_size=200)
    created["people"] += len(new)
    return _people_by_email(emails) if new else existing


def _ensure_skills_and_interests(
    specs: list[PersonSpec],
    people: dict[str, Person],
    tags: dict[str, Tag],
    created: dict[str, int],
) -> None:
    person_ids = [p.pk for p in people.values()]
    have_skills = set(
        Skill.objects.filter(person_id__in=person_ids).values_list("person_id", "tag_id")
    )
    have_interests = set(
        Interest.objects.filter(person_id__in=person_ids).values_list("person_id", "tag_id")
    )
    new_skills, new_interests = [], []
    for spec in specs:
        person = people[spec.email]
        for slug, level, can_teach in spec.skills:
            key = (person.pk, tags[slug].pk)
            if key not in have_skills:
                have_skills.add(key)
                new_skills.append(
                    Skill(person=person, tag=tags[slug], level=level, can_teach=can_teach)
                )
        for slug in spec.interests:
            key = (person.pk, tags[slug].pk)
            if key not in have_interests:
                have_interests.add(key)
                new_interests.append(Interest(person=person, tag=tags[slug]))
    Skill.objects.bulk_create(new_skills, batch_size=500)
    Interest.objects.bulk_create(new_interests, batch_size=500)
    created["skills"] += len(new_skills)
    created["interests"] += len(new_interests)


def _ensure_logins(people: dict[str, Person], created: dict[str, int]) -> None:
    from allauth.account.models import EmailAddress

    hashed = None
    for login in DEMO_LOGINS:
        person = people[login.email]
        user = User.objects.filter(email__iexact=login.email).first()
        if user is None:
            hashed = hashed or make_password(DEMO_PASSWORD)  # hashing is slow: once for all four
            user = User(
                email=login.email,
                full_name=person.full_name,
                is_staff=login.is_staff,
                is_superuser=login.is_superuser,
                password=hashed,
            )
            user.save()
            created["accounts"] += 1
        if person.user_id is None and not Person.objects.filter(user=user).exists():
            person.user = user
            person.save(update_fields=["user"])
        if not EmailAddress.objects.filter(user=user, email__iexact=login.email).exists():
            EmailAddress.objects.create(user=user, email=login.email, verified=True, primary=True)


# Account states a real club has: most people invited to claim their account (some of
# them over two weeks ago, their link expired), some already in, a few never invited.
CLAIMED_PERCENT = 20
INVITED_PERCENT = 65


def _account_state(email: str) -> str:
    """ "claimed", "invited" or "" for a demo person, the same at every load."""
    bucket = zlib.crc32(email.lower().encode()) % 100
    if bucket < CLAIMED_PERCENT:
        return "claimed"
    if bucket < CLAIMED_PERCENT + INVITED_PERCENT:
        return "invited"
    return ""


def _ensure_account_states(people: dict[str, Person], created: dict[str, int]) -> None:
    """Invitations and claimed accounts for the demo people who have neither yet."""
    from allauth.account.models import EmailAddress

    from compagnon.accounts.models import Invitation

    now = timezone.now()
    logins = {login.email for login in DEMO_LOGINS}
    invited = set(
        Invitation.objects.filter(person__is_demo=True).values_list("person_id", flat=True)
    )
    existing_users = {email.lower(): pk for email, pk in User.objects.values_list("email", "pk")}
    hashed = None
    claim: list[tuple[Person, User | None]] = []
    invitations: list[Invitation] = []
    for email, person in sorted(people.items()):
        if (
            email in logins
            or person.user_id is not None
            or person.organisation_id is None
            or person.left_organisation_on is not None
            or person.pk in invited
        ):
            continue
        state = _account_state(email)
        if not state:
            continue
        days_ago = zlib.crc32(f"invited:{email}".encode()) % 30 + 1
        sent = now - timedelta(days=days_ago, hours=days_ago % 9)
        invitation = Invitation(
            person=person,
            email=person.email,
            created_at=sent,
            expires_at=sent + timedelta(days=14),
            accepted_at=sent + timedelta(days=1) if state == "claimed" else None,
        )
        invitations.append(invitation)
        if state == "claimed":
            user = None
            if person.email.lower() not in existing_users:
                hashed = hashed or make_password(DEMO_PASSWORD)
                user = User(email=person.email, full_name=person.full_name, password=hashed)
            claim.append((person, user))
    new_users = [user for _person, user in claim if user is not None]
    User.objects.bulk_create(new_users)
    created["accounts"] += len(new_users)
    by_email = {
        user.email.lower(): user
        for user in User.objects.filter(email__in=[p.email for p, _u in claim])
    }
    linked = []
    for person, _user in claim:
        user = by_email.get(person.email.lower())
        if user is not None and not Person.objects.filter(user=user).exists():
            person.user = user
            linked.append(person)
    Person.objects.bulk_update(linked, ["user"])
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=person.user, email=person.email, verified=True, primary=True)
            for person in linked
            if not EmailAddress.objects.filter(email__iexact=person.email).exists()
        ]
    )
    Invitation.objects.bulk_create(invitations)


def _totals() -> dict[str, int]:
    return {
        "bases": Base.objects.count(),
        "organisations": Organisation.objects.filter(is_demo=True).count(),
        "people": Person.objects.filter(is_demo=True).count(),
        "skills": Skill.objects.filter(person__is_demo=True).count(),
        "interests": Interest.objects.filter(person__is_demo=True).count(),
    }


def demo_club_fill(*, today: date | None = None) -> DemoSummary:
    """Create whatever part of the demo club is missing; never changes what exists."""
    today = today or timezone.localdate()
    created = dict.fromkeys(
        ("bases", "organisations", "people", "skills", "interests", "accounts"), 0
    )
    specs = demo_people(today)
    with transaction.atomic():
        tags = _ensure_tags()
        bases = _ensure_bases(created)
        organisations = _ensure_organisations(bases, today, created)
        people = _ensure_people(specs, organisations, bases, created)
        _ensure_skills_and_interests(specs, people, tags, created)
        _ensure_logins(people, created)
        _ensure_account_states(people, created)
    return DemoSummary(created=created, totals=_totals())


def demo_club_load(*, stdout: TextIO | None = None) -> DemoSummary:
    """Load the demo club unless it is already there; print the logins when given a stream."""
    if demo_is_loaded():
        summary = DemoSummary(already_loaded=True)
        if stdout is not None:
            stdout.write("Demo club already loaded.\n")
    else:
        summary = demo_club_fill()
        if stdout is not None:
            c, t = summary.created, summary.totals
            stdout.write(
                f"Demo club loaded: created {c['bases']} bases, {c['organisations']} organisations, "
                f"{c['people']} people, {c['skills']} skills, {c['interests']} interests, "
                f"{c['accounts']} accounts.\n"
                f"Demo data now: {t['organisations']} organisations, {t['people']} people, "
                f"{t['skills']} skills, {t['interests']} interests.\n"
            )
    if stdout is not None:
        stdout.write(logins_table())
    return summary


def logins_table() -> str:
    width = max(len(login.role) for login in DEMO_LOGINS)
    lines = [
        f"Demo logins (password for all: {DEMO_PASSWORD})",
        f"  {'who'.ljust(width)}  email",
        *(f"  {login.role.ljust(width)}  {login.email}" for login in DEMO_LOGINS),
        "  The staff animator is also a superuser: /admin/ is fully usable.",
    ]
    return "\n".join(lines) + "\n"


# Each app's loader is idempotent and returns how many things it created; order matters
# (workshops come from cases, reports from workshops).
DEMO_PARTS: tuple[tuple[str, Callable[[], int]], ...] = (
    ("cases", partial(demo_cases_load, researcher_email=RESEARCHER_EMAIL)),
    ("workshops", demo_workshops_load),
    ("workshop reports", demo_knowledge_load),
    ("blog posts", demo_news_load),
    ("newsletter subscribers", demo_newsletter_load),
    ("challenges", demo_challenges_load),
    ("awards", partial(demo_awards_load, juror_email=RESEARCHER_EMAIL)),
    ("benchathons", demo_benchathons_load),
    ("learning programmes and cohorts", demo_learning_load),
    ("escape game scenario and session", demo_escape_load),
    ("insights records", demo_insights_load),
    ("expert engagements", demo_engagements_load),
    (
        "careers",
        partial(demo_careers_load, candidate_email=RESEARCHER_EMAIL, manager_email=MANAGER_EMAIL),
    ),
    ("API tokens", partial(demo_api_load, owner_email=DATA_SCIENTIST_EMAIL)),
    ("webhooks", demo_webhooks_load),
    ("company logins", demo_sso_load),
)


def demo_load_all(*, stdout: TextIO | None = None) -> None:
    """The whole demo: the club, then every app's part; safe to run again."""
    demo_club_load(stdout=stdout)
    for label, load in DEMO_PARTS:
        created = load()
        if created and stdout is not None:
            stdout.write(f"Demo {label} created: {created}.\n")
