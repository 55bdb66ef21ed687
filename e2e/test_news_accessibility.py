"""axe-core over the public face: home, the blog list, a post, the newsletter form."""

from __future__ import annotations

import pytest

from compagnon.news.importing import import_directory
from compagnon.news.tests.conftest import make_blog_folder
from compagnon.news.tests.factories import ProjectFactory
from e2e.axe import violations

PAGES = [
    "/",
    "/blog/",
    "/blog/datacraft/",
    "/blog/datacraft-binaire/",
    "/about/",
    "/projects/",
    "/newsletter/",
]


@pytest.mark.parametrize("language", ["fr-FR", "en-GB"])
def test_public_pages_have_no_serious_violation(
    browser, live_server, transactional_db, tmp_path, language
):
    import_directory(make_blog_folder(tmp_path / "blog", with_images=False))
    ProjectFactory(name="EthicalAI toolkit")
    context = browser.new_context(base_url=live_server.url, locale=language, bypass_csp=True)
    page = context.new_page()
    problems = {}
    for url in PAGES:
        page.goto(url)
        found = violations(page, serious_only=True)
        if found:
            problems[url] = found
    context.close()
    assert problems == {}
