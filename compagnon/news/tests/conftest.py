from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compagnon.news.tests.factories import png_bytes

DATA = Path(__file__).parent / "data"
SEED_POSTS = ("2021-03-23-binaire.md", "2021-02-15-datacraft.md")


def _images_of_seeds() -> list[str]:
    """Every relative image path the two seed posts use (their pictures are not in the repo)."""
    return [
        "img/2021-03-23-binaire/Hiba.png",
        "img/2021-03-23-binaire/Atelier.png",
        "img/2021-03-23-binaire/INSEP.png",
        "img/2021-02-15-datacraft/datacraft-scai.png",
        "static/img/blog/datacraft_logo.png",
        "static/img/blog/binaire_logo.png",
    ]


def make_blog_folder(root: Path, *, with_images: bool = True) -> Path:
    """A Docusaurus-like blog folder: the two seed posts and (made up) pictures."""
    root.mkdir(parents=True, exist_ok=True)
    for name in SEED_POSTS:
        shutil.copy(DATA / name, root / name)
    if with_images:
        for index, relative in enumerate(_images_of_seeds()):
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png_bytes(320, 180, (40 * index % 255, 120, 180)))
    return root


@pytest.fixture
def blog_folder(tmp_path):
    return make_blog_folder(tmp_path / "blog")


@pytest.fixture(autouse=True)
def _empty_cache():
    """The tags list is cached; a test must not see another test's tags."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
