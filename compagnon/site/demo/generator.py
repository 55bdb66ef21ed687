"""The demo club's people, drawn from `data` with `random.Random(DEMO_SEED)`.

Deterministic: every install gets the same club (dates that must stay in the
future are counted from the given day). Nothing here writes to the database.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from compagnon.members.models import (
    Language,
    MembershipType,
    OrganisationKind,
    RoleFamily,
    Visibility,
)
from compagnon.site.demo.data import (
    BASES,
    DATA_SCIENTIST_EMAIL,
    DEMO_LOGINS,
    DEMO_SEED,
    FIRST_NAMES,
    GENERIC_SUBJECTS,
    INTEREST_WEIGHTS,
    JOB_TITLES,
    LANGUAGES_BY_ORIGIN,
    LAST_NAMES,
    MANAGER_EMAIL,
    ORGANISATIONS,
    ORIGINS_BY_BASE,
    RESEARCHER_EMAIL,
    RESIDENT_SUBJECTS,
    RESIDENTS,
    ROLE_MIX,
    SKILL_WEIGHTS,
    STAFF_EMAIL,
    WORK_PHRASES,
    OrgSpec,
)


@dataclass
class PersonSpec:
    email: str
    first_name: str
    last_name: str
    organisation: str | None
    base: str
    job_title: str
    role_family: str
    membership_type: str
    bio: str
    languages: list[str]
    skills: list[tuple[str, int, bool]]
    interests: list[str]
    remote_ok: bool = True
    is_org_manager: bool = False
    directory_visibility: str = Visibility.CLUB
    joined_organisation_on: date | None = None
    left_organisation_on: date | None = None
    do_not_invite_before: date | None = None
    website_url: str = ""
    orcid: str = ""


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in text.lower().replace("'", "")).strip("-")


def _pick_title(rng: random.Random, role: str, english: bool, feminine: bool) -> str:
    french, international = JOB_TITLES[role]
    title = rng.choice(international if english else french)
    forms = title.split("|")
    return forms[1] if feminine and len(forms) == 2 else forms[0]


def _weighted_sample(rng: random.Random, weights: dict[str, int], k: int, exclude=()) -> list[str]:
    pool = {slug: w for slug, w in weights.items() if slug not in exclude}
    chosen: list[str] = []
    while pool and len(chosen) < k:
        slugs = list(pool)
        slug = rng.choices(slugs, weights=[pool[s] for s in slugs])[0]
        chosen.append(slug)
        del pool[slug]
    return chosen


def _skills_for(
    rng: random.Random, role: str, focus: Iterable[str], senior: bool
) -> list[tuple[str, int, bool]]:
    weights = dict(SKILL_WEIGHTS[role])
    for slug in focus:
        weights[slug] = weights.get(slug, 0) + 4
    count = rng.choices([2, 3, 4, 5, 6], weights=[2, 4, 4, 2, 1])[0]
    skills = []
    for position, slug in enumerate(_weighted_sample(rng, weights, count)):
        level = rng.choices([1, 2, 3, 4], weights=[2, 5, 5, 2] if not senior else [1, 3, 5, 4])[0]
        if position == 0:
            level = max(level, 3 if senior else 2)
        teach_chance = {1: 0.0, 2: 0.05, 3: 0.35, 4: 0.6}[level]
        skills.append((slug, level, rng.random() < teach_chance))
    return skills


def _bio(
    rng: random.Random,
    *,
    english: bool,
    intro: str,
    subject: tuple[str, str],
    focus: tuple[str, ...] | None,
    skills: list[tuple[str, int, bool]],
    interests: list[str],
) -> str:
    lang = 1 if english else 0
    actions = []
    for slug, *_ in skills[:2]:
        own = focus is None or slug in focus
        about = subject if own else GENERIC_SUBJECTS.get(slug, subject)
        actions.append(WORK_PHRASES[slug][lang].format(subject=about[lang]))
    first = actions[0][0].upper() + actions[0][1:]
    if len(actions) > 1 and rng.random() < 0.5:
        first += ("; " if english else " ; ") + actions[1]
    sentences = [first + "."]
    if rng.random() < 0.6:
        sentences.insert(0, intro)
    extra = rng.random()
    if extra < 0.35 and interests:
        hint = WORK_PHRASES[interests[0]][lang + 2]
        sentences.append(
            f"Would like to learn how to {hint}." if english else f"Aimerait apprendre à {hint}."
        )
    elif extra < 0.6 and any(teach for *_, teach in skills):
        sentences.append(
            "Happy to run a session on it for the club."
            if english
            else "Anime volontiers un atelier sur le sujet."
        )
    return " ".join(sentences[:3])


def _random_day(rng: random.Random, first_year: int, last_year: int) -> date:
    return date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))


class _Generator:
    def __init__(self, today: date):
        self.rng = random.Random(DEMO_SEED)
        self.today = today
        self.used_names: set[tuple[str, str]] = set()
        self.used_emails: set[str] = {login.email for login in DEMO_LOGINS}

    def name(self, base: str) -> tuple[str, str, bool, str]:
        rng = self.rng
        origins, weights = ORIGINS_BY_BASE[base]
        while True:
            origin = rng.choices(origins, weights=weights)[0]
            feminine = rng.random() < 0.47
            first = rng.choice(FIRST_NAMES[origin][0 if feminine else 1])
            last = rng.choice(LAST_NAMES[origin])
            if (first, last) not in self.used_names:
                self.used_names.add((first, last))
                return first, last, feminine, origin

    def email(self, first: str, last: str, domain: str) -> str:
        local = f"{_ascii(first)}.{_ascii(last)}"
        candidate, n = f"{local}@{domain}", 2
        while candidate in self.used_emails:
            candidate, n = f"{local}{n}@{domain}", n + 1
        self.used_emails.add(candidate)
        return candidate

    def languages(self, origin: str, base: str) -> list[str]:
        usual, extra = LANGUAGES_BY_ORIGIN[origin]
        languages = list(usual)
        if base == "new-york" and Language.EN not in languages:
            languages.append(Language.EN)
        if self.rng.random() < 0.25:
            languages.append(self.rng.choice(extra))
        return [str(lang) for lang in dict.fromkeys(languages)]

    def interests(self, skills: list[tuple[str, int, bool]]) -> list[str]:
        count = self.rng.choices([1, 2, 3], weights=[4, 4, 2])[0]
        return _weighted_sample(self.rng, INTEREST_WEIGHTS, count, exclude={s for s, *_ in skills})

    def person(
        self,
        *,
        org: OrgSpec | None,
        base: str,
        role: str,
        membership_type: str,
        domain: str,
        index_in_org: int = 0,
        title: str = "",
    ) -> PersonSpec:
        rng = self.rng
        first, last, feminine, origin = self.name(base)
        english = base == "new-york" or (origin == "us" and rng.random() < 0.7)
        if not english and rng.random() < 0.12:
            english = True  # some French speakers write their profile in English
        senior = role in (RoleFamily.MANAGER, RoleFamily.RESEARCHER) or rng.random() < 0.3
        title = title or _pick_title(rng, role, english, feminine)
        skills = _skills_for(rng, role, org.focus if org else (), senior)
        interests = self.interests(skills)
        first_year = 2021 if role == RoleFamily.PHD_CANDIDATE else 2010
        joined = _random_day(rng, first_year, 2024) if org else None
        if org:
            subject = (org.subject_fr, org.subject_en)
            intro = (
                f"{title} at {org.name} since {joined.year}."
                if english
                else f"{title} chez {org.name} depuis {joined.year}."
            )
        else:
            subject = rng.choice(RESIDENT_SUBJECTS)
            if membership_type == MembershipType.STAFF:
                intro = f"{title}." if english else f"{title} du club."
            else:
                year = rng.randint(2020, 2024)
                intro = (
                    f"{title}, in residence at the club since {year}."
                    if english
                    else f"{title}, en résidence au club depuis {year}."
                )
        bio = _bio(
            rng,
            english=english,
            intro=intro,
            subject=subject,
            focus=org.focus if org else None,
            skills=skills,
            interests=interests,
        )
        visibility_roll = rng.random()
        if visibility_roll < 0.04:
            visibility = Visibility.HIDDEN
        elif visibility_roll < 0.14 and org:
            visibility = Visibility.ORGANISATION
        else:
            visibility = Visibility.CLUB
        spec = PersonSpec(
            email=self.email(first, last, domain),
            first_name=first,
            last_name=last,
            organisation=org.slug if org else None,
            base=base,
            job_title=title,
            role_family=role,
            membership_type=membership_type,
            bio=bio,
            languages=self.languages(origin, base),
            skills=skills,
            interests=interests,
            remote_ok=rng.random() < 0.75,
            directory_visibility=visibility,
            joined_organisation_on=joined,
        )
        if joined and index_in_org > 0 and rng.random() < 0.035:
            left = min(
                joined + timedelta(days=rng.randint(300, 1500)), self.today - timedelta(days=30)
            )
            spec.left_organisation_on = left if left > joined else None
        if rng.random() < 0.04:
            spec.do_not_invite_before = self.today + timedelta(days=rng.randint(20, 150))
        return spec


def _hero_people() -> dict[str, PersonSpec]:
    """The four demo logins, with complete, hand-written profiles."""
    return {
        STAFF_EMAIL: PersonSpec(
            email=STAFF_EMAIL,
            first_name="Hugo",
            last_name="Vasseur",
            organisation=None,
            base="paris",
            job_title="Animateur de la communauté",
            role_family=RoleFamily.OTHER,
            membership_type=MembershipType.STAFF,
            bio="Anime la base de Paris : transforme les questions des membres en ateliers et "
            "trouve qui, dans le club, peut y répondre. Personnage de démonstration.",
            languages=["fr", "en"],
            skills=[
                ("data-strategy", 3, True),
                ("machine-learning", 2, False),
                ("dataviz", 2, False),
            ],
            interests=["causality", "genai-text"],
        ),
        DATA_SCIENTIST_EMAIL: PersonSpec(
            email=DATA_SCIENTIST_EMAIL,
            first_name="Léa",
            last_name="Fontaine",
            organisation="accor",
            base="paris",
            job_title="Data scientist senior",
            role_family=RoleFamily.DATA_SCIENTIST,
            membership_type=MembershipType.EMPLOYEE,
            bio="Prévoit la demande des hôtels du groupe, de la semaine prochaine à la saison "
            "suivante. Les modèles ont dû être repris après les confinements : elle cherche des "
            "pairs qui ont vécu la même rupture. Personnage de démonstration.",
            languages=["fr", "en", "es"],
            skills=[
                ("forecasting", 4, True),
                ("time-series", 3, True),
                ("machine-learning", 3, False),
                ("recommender-systems", 2, False),
                ("dataviz", 2, False),
            ],
            interests=["causality", "explicability"],
            remote_ok=True,
            joined_organisation_on=date(2019, 9, 2),
            website_url="https://lea-fontaine.example.org/",
        ),
        MANAGER_EMAIL: PersonSpec(
            email=MANAGER_EMAIL,
            first_name="Olivier",
            last_name="Garnier",
            organisation="danone",
            base="paris",
            job_title="Head of data",
            role_family=RoleFamily.MANAGER,
            membership_type=MembershipType.EMPLOYEE,
            is_org_manager=True,
            bio="Dirige l'équipe données et pilote la rédaction d'une charte d'usage responsable "
            "des données avec d'autres membres du club. Personnage de démonstration.",
            languages=["fr", "en"],
            skills=[
                ("data-strategy", 4, True),
                ("ethical-green-ai", 3, False),
                ("data-governance", 3, False),
            ],
            interests=["law-regulation", "bias-fairness"],
            joined_organisation_on=date(2016, 3, 14),
        ),
        RESEARCHER_EMAIL: PersonSpec(
            email=RESEARCHER_EMAIL,
            first_name="Inès",
            last_name="Bakkali",
            organisation=None,
            base="paris",
            job_title="Chercheuse en résidence",
            role_family=RoleFamily.RESEARCHER,
            membership_type=MembershipType.RESIDENT,
            bio="Cherche à séparer les vrais effets des coïncidences dans des données d'entreprise. "
            "Donne du temps au club en échange de cas réels sur lesquels éprouver ses méthodes. "
            "Personnage de démonstration.",
            languages=["fr", "ar", "en"],
            skills=[("causality", 4, True), ("statistics", 4, True), ("time-series", 3, False)],
            interests=["frugal-ai", "health-data"],
            orcid="0000-0002-1825-0097",  # ORCID's own example identifier, not a real researcher
            do_not_invite_before=None,
        ),
    }


def demo_people(today: date | None = None) -> list[PersonSpec]:
    """The whole demo population, always the same for the same day."""
    today = today or timezone.localdate()
    gen = _Generator(today)
    heroes = _hero_people()
    people: list[PersonSpec] = [heroes[STAFF_EMAIL]]
    gen.used_names.update((h.first_name, h.last_name) for h in heroes.values())

    for base, title in (
        ("casablanca", "Animation de la base de Casablanca"),
        ("new-york", "Community lead, New York"),
    ):
        staff = gen.person(
            org=None, base=base, role=RoleFamily.OTHER, membership_type=MembershipType.STAFF,
            domain="demo.example.org", title=title,
        )  # fmt: skip
        staff.directory_visibility = Visibility.CLUB
        people.append(staff)

    for org in ORGANISATIONS:
        if org.kind == OrganisationKind.RESEARCH_LAB:
            mix, membership = ROLE_MIX["lab"], MembershipType.RESEARCHER
        elif org.kind == OrganisationKind.ASSOCIATION:
            mix, membership = ROLE_MIX["association"], MembershipType.EMPLOYEE
        else:
            mix, membership = ROLE_MIX["company"], MembershipType.EMPLOYEE
        for index in range(org.size):
            if index == 0:
                role = (
                    RoleFamily.RESEARCHER
                    if org.kind == OrganisationKind.RESEARCH_LAB
                    else RoleFamily.MANAGER
                )
            else:
                role = gen.rng.choices(*mix)[0]
            spec = gen.person(
                org=org, base=org.base, role=role, membership_type=membership,
                domain=f"{org.slug}.example.org", index_in_org=index,
            )  # fmt: skip
            if index == 0:
                spec.is_org_manager = True
                spec.left_organisation_on = None
            if gen.rng.random() < 0.08:  # a few work from another base
                spec.base = gen.rng.choice([b["slug"] for b in BASES])
            if org.slug == "danone" and index == 0:
                spec = heroes[MANAGER_EMAIL]
            elif org.slug == "accor" and index == 1:
                spec = heroes[DATA_SCIENTIST_EMAIL]
            people.append(spec)

    labs = [o for o in ORGANISATIONS if o.kind == OrganisationKind.RESEARCH_LAB]
    people.append(heroes[RESEARCHER_EMAIL])
    for index in range(RESIDENTS - 1):
        base = "paris" if index < 19 else ("casablanca" if index < 24 else "new-york")
        researcher = index % 5 in (1, 3)
        role = (
            gen.rng.choice([RoleFamily.RESEARCHER, RoleFamily.PHD_CANDIDATE])
            if researcher
            else RoleFamily.FREELANCER
        )
        lab = None
        if researcher and index % 2:
            lab = gen.rng.choice([o for o in labs if o.base == base] or labs)
        spec = gen.person(
            org=lab, base=base, role=role, membership_type=MembershipType.RESIDENT,
            domain=f"{lab.slug}.example.org" if lab else "example.org",
        )  # fmt: skip
        if lab is None:
            spec.directory_visibility = (
                Visibility.CLUB
                if spec.directory_visibility != Visibility.HIDDEN
                else Visibility.HIDDEN
            )
        people.append(spec)
    return people


# ----------------------------------------------------------------------- loading
