"""axe-core over the public face: home, the blog list, a post, the newsletter form."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from compagnon.news.importing import import_directory
from compagnon.news.tests.conftest import make_blog_folder
from compagnon.news.tests.factories import ProjectFactory

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def serious(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _pages() -> list[str]:
    pages = ["/", "/blog/", "/blog/datacraft/", "/blog/datacraft-binaire/", "/about/", "/projects/"]
    with contextlib.suppress(NoReverseMatch):  # the newsletter page, once it exists
        pages.append(reverse("newsletter:subscribe"))
    return pages


@pytest.mark.parametrize("language", ["fr-FR", "en-GB"])
def test_public_pages_have_no_serious_violation(
    browser, live_server, transactional_db, tmp_path, language
):
    import_directory(make_blog_folder(tmp_path / "blog", with_images=False))
    ProjectFactory(name="EthicalAI toolkit")
    context = browser.new_context(base_url=live_server.url, locale=language, bypass_csp=True)
    page = context.new_page()
    problems = {}
    for url in _pages():
        page.goto(url)
        found = serious(page)
        if found:
            problems[url] = found
    context.close()
    assert problems == {}
