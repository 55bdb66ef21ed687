"""Demo challenges: a past credit-scoring challenge with its leaderboards, and an open one.

(The demo's benchathon, the club's collaborative format, lives in `benchathons.demo`.)

Idempotent by slug: a challenge that exists is left alone. The data is
generated here from a fixed seed (no download); submissions are written
straight to the tables and scored in-process by the real scorer.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from compagnon.accounts.models import User
from compagnon.challenges.models import (
    Challenge,
    ChallengeStatus,
    ChallengeVisibility,
    DiscussionPost,
    RulesAcceptance,
    Submission,
    Team,
    TeamMembership,
)
from compagnon.challenges.services import (
    data_file_add,
    solution_upload,
    submission_score_run,
)
from compagnon.members.models import Organisation, Person

ROWS = 400
SEED = 2026


def _dataset(seed: int) -> tuple[bytes, bytes, bytes, dict[int, float]]:
    """train.csv, test.csv (features only) and the solution of a small regression problem."""
    rng = random.Random(seed)

    def row(i: int) -> tuple[list[float], float]:
        x = [round(rng.uniform(0, 10), 3) for _ in range(3)]
        y = round(2 * x[0] - 0.5 * x[1] + 0.1 * x[2] ** 2 + rng.gauss(0, 1), 4)
        return x, y

    train = ["id,x1,x2,x3,target"]
    for i in range(1, ROWS + 1):
        x, y = row(i)
        train.append(f"{i},{x[0]},{x[1]},{x[2]},{y}")
    test, solution, truth = ["id,x1,x2,x3"], ["id,target,Usage"], {}
    for i in range(ROWS + 1, 2 * ROWS + 1):
        x, y = row(i)
        test.append(f"{i},{x[0]},{x[1]},{x[2]}")
        usage = "Public" if rng.random() < 0.3 else "Private"
        solution.append(f"{i},{y},{usage}")
        truth[i] = y
    return (
        ("\n".join(train) + "\n").encode(),
        ("\n".join(test) + "\n").encode(),
        ("\n".join(solution) + "\n").encode(),
        truth,
    )


def _predictions(truth: dict[int, float], noise: float, seed: int) -> bytes:
    rng = random.Random(seed)
    lines = ["id,target"] + [f"{i},{y + rng.gauss(0, noise):.4f}" for i, y in truth.items()]
    return ("\n".join(lines) + "\n").encode()


def _challenge(slug: str, **fields) -> Challenge | None:
    if Challenge.objects.filter(slug=slug).exists():
        return None
    return Challenge.objects.create(slug=slug, is_demo=True, **fields)


def _submit(challenge: Challenge, team: Team | None, user, content: bytes, at, **fields) -> None:
    submission = Submission(
        challenge=challenge,
        team=team,
        submitted_by=user,
        original_name="predictions.csv",
        size=len(content),
        created_at=at,
        queued_at=at,
        **fields,
    )
    submission.file.save("submission.csv", ContentFile(content), save=False)
    submission.save()
    submission_score_run(submission.pk)


def _load(challenge: Challenge, seed: int, people: list[Person], staff, *, days_ago: int) -> None:
    train, test, solution, truth = _dataset(seed)
    data_file_add(challenge=challenge, upload=SimpleUploadedFile("train.csv", train), actor=staff)
    data_file_add(challenge=challenge, upload=SimpleUploadedFile("test.csv", test), actor=staff)
    solution_upload(
        challenge=challenge, upload=SimpleUploadedFile("solution.csv", solution), actor=staff
    )
    base = timezone.now() - timedelta(days=days_ago)
    _submit(
        challenge,
        None,
        staff,
        _predictions(truth, 4.0, seed + 1),
        base,
        is_baseline=True,
        counts_toward_quota=False,
        description="Baseline: moyenne / mean",
    )
    rng = random.Random(seed)
    for k, person in enumerate(people):
        team = Team.objects.create(challenge=challenge, name=person.full_name or f"Team {k}")
        # Demo people without an account appear on the leaderboard only.
        if person.user is not None:
            RulesAcceptance.objects.get_or_create(challenge=challenge, user=person.user)
            TeamMembership.objects.create(challenge=challenge, team=team, user=person.user)
        for attempt in range(1 + k % 3):
            noise = 0.8 + rng.random() * 2.5
            at = base + timedelta(hours=6 + 7 * k + attempt)
            content = _predictions(truth, noise, seed + 100 * k + attempt)
            _submit(challenge, team, person.user, content, at)


FAIR_ROWS = 600
FAIRNESS = (
    "demographic_parity_difference, equal_opportunity_difference, "
    "equalised_odds_difference, disparate_impact_ratio"
)


def _fair_dataset(seed: int) -> tuple[bytes, bytes, bytes, list[tuple[int, int, str, float]]]:
    """A credit decision (1: granted) whose history favours one group; the group is in the
    solution only (never in train.csv or test.csv)."""
    rng = random.Random(seed)

    def row() -> tuple[list[float], int, str, float]:
        group = "femme" if rng.random() < 0.45 else "homme"
        income = round(rng.gauss(2.85 if group == "homme" else 2.75, 0.8), 2)
        debt = round(max(0.0, rng.gauss(0.35, 0.15)), 3)
        seniority = rng.randint(0, 20)
        # Past decisions held women back: the labels carry the bias a model can learn.
        bias = 0.5 if group == "femme" else 0.0
        signal = 1.4 * income - 3.0 * debt + 0.05 * seniority - 3.1 - bias + rng.gauss(0, 0.6)
        return [income, debt, seniority], int(signal > 0), group, signal

    train = ["id,revenu_k,taux_endettement,anciennete,accorde"]
    for i in range(1, FAIR_ROWS + 1):
        x, y, _group, _signal = row()
        train.append(f"{i},{x[0]},{x[1]},{x[2]},{y}")
    test, solution, truth = (
        ["id,revenu_k,taux_endettement,anciennete"],
        ["id,accorde,Usage,genre"],
        [],
    )
    for i in range(FAIR_ROWS + 1, 2 * FAIR_ROWS + 1):
        x, y, group, signal = row()
        test.append(f"{i},{x[0]},{x[1]},{x[2]}")
        usage = "Public" if rng.random() < 0.3 else "Private"
        solution.append(f"{i},{y},{usage},{group}")
        truth.append((i, y, group, signal))
    return (
        ("\n".join(train) + "\n").encode(),
        ("\n".join(test) + "\n").encode(),
        ("\n".join(solution) + "\n").encode(),
        truth,
    )


# Each team's model: how much noise, and how much it leans against one group.
FAIR_TEAMS = [
    (0.3, 0.5),  # learnt the labels' bias: the best accuracy, the worst parity
    (0.3, 0.0),  # no lean: fairer, less accurate on biased labels
    (0.7, 0.1),
    (0.35, 0.25),  # in between
    (1.2, 0.9),  # noisy and leaning: beaten on everything
]


def _fair_predictions(truth, noise: float, lean: float, seed: int) -> bytes:
    rng = random.Random(seed)
    lines = ["id,accorde"]
    for i, _y, group, signal in truth:
        # A team sees the decision without the labels' bias, then leans as much as it learnt.
        unbiased = signal + (0.5 if group == "femme" else 0.0)
        score = unbiased + rng.gauss(0, noise) - (lean if group == "femme" else 0.0)
        lines.append(f"{i},{int(score > 0)}")
    return ("\n".join(lines) + "\n").encode()


def _load_fair(challenge: Challenge, seed: int, people: list[Person], staff, *, days_ago: int):
    train, test, solution, truth = _fair_dataset(seed)
    data_file_add(challenge=challenge, upload=SimpleUploadedFile("train.csv", train), actor=staff)
    data_file_add(challenge=challenge, upload=SimpleUploadedFile("test.csv", test), actor=staff)
    solution_upload(
        challenge=challenge, upload=SimpleUploadedFile("solution.csv", solution), actor=staff
    )
    base = timezone.now() - timedelta(days=days_ago)
    everyone = [i for i, *_rest in truth]
    granted = ("id,accorde\n" + "".join(f"{i},1\n" for i in everyone)).encode()
    _submit(
        challenge,
        None,
        staff,
        granted,
        base,
        is_baseline=True,
        counts_toward_quota=False,
        description="Baseline : tout accorder / grant everyone",
    )
    for k, (person, (noise, lean)) in enumerate(zip(people, FAIR_TEAMS, strict=False)):
        team = Team.objects.create(challenge=challenge, name=person.full_name or f"Team {k}")
        if person.user is not None:
            RulesAcceptance.objects.get_or_create(challenge=challenge, user=person.user)
            TeamMembership.objects.create(challenge=challenge, team=team, user=person.user)
        content = _fair_predictions(truth, noise, lean, seed + 10 * k)
        _submit(
            challenge,
            team,
            person.user,
            content,
            base + timedelta(hours=5 + 9 * k),
            code_url=f"https://github.com/club-demo/defi-equite-equipe-{k + 1}"
            if k % 2 == 0
            else "",
        )
    thread = [
        (people[0].user if people else None, "Le seuil de 0,1 porte-t-il sur la partie publique ?"),
        (
            staff,
            "Le classement public utilise la partie publique, le classement privé la partie "
            "privée : la contrainte s'applique à chacun. / The bound applies to each split.",
        ),
    ]
    for k, (author, body) in enumerate(thread):
        DiscussionPost.objects.create(
            challenge=challenge,
            author=author,
            body=body,
            created_at=base + timedelta(days=1, hours=k),
        )


def demo_challenges_load() -> int:
    """Create the demo challenges that do not exist yet; return how many were created."""
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    # Those with an account first, so that demo logins find themselves in a team.
    people = list(
        Person.objects.filter(organisation__isnull=False)
        .select_related("user")
        .order_by(F("user").asc(nulls_last=True), "pk")[:8]
    )
    organiser = Organisation.objects.order_by("pk").first()
    now = timezone.now()
    created = 0
    with transaction.atomic():
        # Older demos called this leaderboard competition a benchathon: it is a challenge,
        # and the demo's benchathon is the collaborative one in `benchathons.demo`.
        Challenge.objects.filter(slug="benchathon-equite", is_demo=True).update(
            slug="score-credit", title="Défi : prédire un score de crédit"
        )
        past = _challenge(
            "score-credit",
            title="Défi : prédire un score de crédit",
            summary="Prédire un score de crédit continu sur des données synthétiques.",
            description=(
                "Le défi du printemps : chaque équipe prédit un score continu sur des "
                "données synthétiques de crédit.\n\n"
                "- `train.csv` : 400 lignes avec la cible\n- `test.csv` : 400 lignes à prédire"
            ),
            rules="- Une équipe de 4 au plus\n- 5 soumissions par jour (UTC)\n- Pas de données externes",
            organiser=organiser,
            visibility=ChallengeVisibility.PUBLIC,
            status=ChallengeStatus.PUBLISHED,
            starts_at=now - timedelta(days=60),
            ends_at=now - timedelta(days=30),
            submissions_per_day=5,
            metric="rmse",
            higher_is_better=False,
            private_revealed_at=now - timedelta(days=29),
        )
        if past is not None:
            _load(past, SEED, people, staff, days_ago=59)
            created += 1
        current = _challenge(
            "prevision-demande",
            title="Prévoir la demande de demain",
            summary="Un défi ouvert aux membres : la demande journalière d'un réseau de magasins.",
            description=(
                "Téléchargez les données, construisez votre modèle, testez la performance. "
                "Le classement public porte sur 30 % du jeu de test ; le classement privé sera "
                "révélé à la fin."
            ),
            rules="- Acceptez ces règles pour télécharger les données\n- 3 soumissions par jour (UTC)",
            organiser=organiser,
            visibility=ChallengeVisibility.MEMBERS,
            status=ChallengeStatus.PUBLISHED,
            starts_at=now - timedelta(days=5),
            ends_at=now + timedelta(days=25),
            submissions_per_day=3,
            metric="rmse",
            higher_is_better=False,
        )
        if current is not None:
            _load(current, SEED + 1, people[:4], staff, days_ago=4)
            created += 1
        fair = _challenge(
            "defi-equite-credit",
            title="Défi équité : accorder un crédit sans discriminer",
            summary=(
                "Décider d'accorder un crédit, classé sur l'exactitude et sur quatre mesures "
                "d'équité entre groupes."
            ),
            description=(
                "Chaque équipe décide, pour chaque dossier de `test.csv`, d'accorder (1) ou non "
                "(0) le crédit. Le classement porte sur l'exactitude, parmi les soumissions dont "
                "l'écart de parité démographique reste sous 0,1.\n\n"
                "L'attribut sensible (le genre) n'est dans aucun fichier téléchargeable : seule "
                "la solution des organisateurs le contient. Le tableau montre aussi le front de "
                "Pareto : les soumissions qu'aucune autre ne bat sur toutes les mesures à la fois."
            ),
            rules=(
                "- Une équipe de 4 au plus\n- 5 soumissions par jour (UTC)\n"
                "- Pas de données externes, pas d'inférence du genre"
            ),
            organiser=organiser,
            visibility=ChallengeVisibility.PUBLIC,
            status=ChallengeStatus.PUBLISHED,
            starts_at=now - timedelta(days=20),
            ends_at=now - timedelta(days=2),
            submissions_per_day=5,
            metric="accuracy",
            higher_is_better=True,
            target_columns="accorde",
            extra_metrics=FAIRNESS,
            sensitive_column="genre",
            ranking_kind="constraint",
            constraint_metric="demographic_parity_difference",
            constraint_bound=0.1,
            private_revealed_at=now - timedelta(days=1),
        )
        if fair is not None:
            _load_fair(fair, SEED + 2, people[:5], staff, days_ago=19)
            created += 1
    return created
