"""Demo content of the public site: the club's two seed posts, a few fictional posts in French
and English, the open-source projects (the EthicalAI toolkit first), the about page.

Idempotent: posts are imported by slug (re-running updates them), projects and the page are
matched by slug. The seed posts' pictures are not in the repository: plain coloured
placeholders are drawn for them so the demo shows its figures and captions.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import shutil
import tempfile
from pathlib import Path

from django.db import transaction
from PIL import Image, ImageDraw

from compagnon.members.models import Organisation
from compagnon.news.importing import import_directory
from compagnon.news.models import Page, Project, ProjectCategory
from compagnon.news.selectors import ABOUT_SLUG

POSTS = Path(__file__).parent / "demo_posts"

SEED_IMAGES = (
    "img/2021-03-23-binaire/Hiba.png",
    "img/2021-03-23-binaire/Atelier.png",
    "img/2021-03-23-binaire/INSEP.png",
    "img/2021-02-15-datacraft/datacraft-scai.png",
    "static/img/blog/datacraft_logo.png",
    "static/img/blog/binaire_logo.png",
    # Headers of the fictional posts below.
    "img/blog/atelier-biais.png",
    "img/blog/forecasting-after-a-crisis.png",
    "img/blog/ethicalai.png",
)

FICTIONAL = {
    "2024-10-03-atelier-biais.md": """---
slug: atelier-biais-recrutement
title: Ce que nous a appris l'atelier sur les biais en recrutement
author: Équipe du club
header_image_url: img/blog/atelier-biais.png
tags: [ateliers, équité]
description: Deux jours pour mesurer les biais d'un outil de présélection de CV.
language: fr
---

Douze data scientists de six organisations ont passé deux jours sur un vrai cas.

<!--truncate-->

## Mesurer avant de corriger

> Un modèle équitable sur le papier peut ne pas l'être dans l'usage.
> — Une participante

:::tip À retenir
Commencer par les données : qui est dans l'échantillon, et qui n'y est pas.
:::
""",
    "2025-01-20-forecasting-after-covid.md": """---
slug: forecasting-after-a-crisis
title: Forecasting after a crisis, a workshop report
author: Club staff
header_image_url: img/blog/forecasting-after-a-crisis.png
tags: [workshops, forecasting]
description: When the history no longer predicts the future, what did members try?
language: en
---

Members from retail and transport brought forecasts broken by 2020.

<!--truncate-->

## What worked

Weighting recent weeks, adding mobility data, and saying plainly what the model cannot know.

:::note
The notebooks are in the members' knowledge base.
:::
""",
    "2025-06-12-ethicalai.md": """---
slug: ethicalai-toolkit-release
title: "EthicalAI : la boîte à outils est en open source"
author: Équipe du club
header_image_url: img/blog/ethicalai.png
tags: [open source, éthique]
description: Développée avec Danone et Sorbonne Université, la boîte à outils EthicalAI est publique.
language: fr
---

La boîte à outils EthicalAI, née des ateliers du club, est désormais publique.

<!--truncate-->

Elle aide les équipes à documenter leurs modèles et à vérifier leur équité.
""",
}

PROJECTS = (
    {
        "slug": "ethicalai-toolkit",
        "name": "EthicalAI toolkit",
        "description": (
            "A toolkit to assess and document the ethics of machine-learning models: "
            "fairness checks, model cards, a review checklist. Developed with Danone and "
            "Sorbonne University."
        ),
        # Placeholder address for the demo: staff set the real repository in the admin.
        "repository_url": "https://github.com/example-club/ethicalai",
        "category": ProjectCategory.TOOLKIT,
        "date": dt.date(2022, 6, 1),
        "organisations": ("danone", "sorbonne-universite"),
    },
    {
        "slug": "forecast-shock-notebooks",
        "name": "Forecasting after a shock",
        "description": "Notebooks from the forecasting workshop: reweighting, regime detection.",
        "repository_url": "https://github.com/example-club/forecast-shock",
        "category": ProjectCategory.COURSE,
        "date": dt.date(2025, 1, 20),
        "organisations": (),
    },
)

ABOUT = {
    "title_fr": "À propos du club",
    "title_en": "About the club",
    "body_fr": (
        "Le club réunit les data scientists d'entreprises, de laboratoires et d'institutions. "
        "Les membres apportent un vrai cas, le club trouve qui d'autre est intéressé, un atelier "
        "est organisé, et ce qui a été appris est conservé.\n\n"
        "## Nos valeurs\n\nChacun enseigne, chacun apprend."
    ),
    "body_en": (
        "The club brings together data scientists from companies, labs and institutions. "
        "Members bring a real case, the club finds who else is interested, a workshop is set "
        "up, and what was learned is kept.\n\n## Our values\n\nEveryone teaches, everyone learns."
    ),
}


# Palettes drawn from the site's colours: (sky top, sky bottom, ink, accent, light).
PALETTES = (
    ((23, 96, 58), (46, 139, 87), (13, 59, 36), (242, 169, 0), (227, 241, 232)),
    ((31, 58, 96), (70, 120, 170), (15, 30, 60), (255, 138, 101), (225, 236, 248)),
    ((96, 47, 23), (190, 110, 60), (60, 28, 12), (255, 214, 102), (250, 236, 220)),
    ((60, 30, 90), (120, 80, 170), (35, 15, 55), (120, 220, 180), (236, 228, 248)),
)


def _illustration(seed: int, size: tuple[int, int] = (1200, 675)) -> bytes:
    """A drawn picture for a demo post: a sky, a data landscape (area chart, bars) and a
    small network of people, different for each seed. The blog only takes raster images
    (SVG can carry scripts), so it is drawn with Pillow rather than written as SVG."""
    rng = random.Random(seed)
    top, bottom, ink, accent, light = PALETTES[seed % len(PALETTES)]
    width, height = size
    picture = Image.new("RGB", size, top)
    draw = ImageDraw.Draw(picture, "RGBA")
    for y in range(height):  # the sky: a vertical gradient
        t = y / height
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    for _ in range(6):  # soft light blobs
        r = rng.randint(60, 200)
        x, y = rng.randint(0, width), rng.randint(0, height // 2)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(*light, 28))
    # A data landscape: an area chart of a noisy trend, then bars in front.
    points = []
    level = height * rng.uniform(0.55, 0.65)
    for i in range(13):
        level += rng.uniform(-0.07, 0.05) * height
        level = min(max(level, height * 0.45), height * 0.75)
        points.append((i * width / 12, level))
    draw.polygon([(0, height), *points, (width, height)], fill=(*light, 90))
    draw.line(points, fill=(*accent, 255), width=6, joint="curve")
    for x, y in points[1:-1:2]:
        draw.ellipse(
            [x - 9, y - 9, x + 9, y + 9], fill=(*accent, 255), outline=(*ink, 255), width=3
        )
    bar_width = width / 22
    for i in range(9):
        h = rng.uniform(0.08, 0.28) * height
        x = width * 0.06 + i * bar_width * 1.35
        draw.rounded_rectangle([x, height - h, x + bar_width, height], radius=6, fill=(*ink, 150))
    # A small network: people linked across organisations.
    cx, cy = width * rng.uniform(0.65, 0.8), height * rng.uniform(0.2, 0.24)
    nodes = [
        (cx + rng.uniform(-1, 1) * width * 0.14, cy + rng.uniform(-1, 1) * height * 0.12)
        for _ in range(7)
    ]
    for a, b in {(rng.randrange(7), rng.randrange(7)) for _ in range(10)}:
        if a != b:
            draw.line([nodes[a], nodes[b]], fill=(*light, 170), width=3)
    for index, (x, y) in enumerate(nodes):
        r = 16 if index else 24
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(*(accent if index == 0 else light), 255))
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(*ink, 255), width=3)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _blog_folder(root: Path) -> Path:
    for post in POSTS.glob("*.md"):
        shutil.copy(post, root / post.name)
    for name, text in FICTIONAL.items():
        (root / name).write_text(text, encoding="utf-8")
    for index, relative in enumerate(SEED_IMAGES):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_illustration(index))
    return root


@transaction.atomic
def _projects_and_pages() -> int:
    count = 0
    for spec in PROJECTS:
        spec = dict(spec)
        organisations = spec.pop("organisations")
        project, created = Project.objects.get_or_create(slug=spec["slug"], defaults=spec)
        project.organisations.set(Organisation.objects.filter(slug__in=organisations))
        count += created
    _page, created = Page.objects.get_or_create(slug=ABOUT_SLUG, defaults=ABOUT)
    return count + created


def demo_news_load() -> int:
    """Load the demo public site; returns how many posts, projects and pages were created."""
    with tempfile.TemporaryDirectory() as folder:
        report = import_directory(_blog_folder(Path(folder)), publish=True)
    return report.created + _projects_and_pages()
