"""Browser journeys: Debian's Chromium driven by Playwright against Django's live server."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if not str(item.path).startswith(here):
            continue
        item.add_marker(pytest.mark.e2e)
        if not os.path.exists(CHROMIUM):
            item.add_marker(
                pytest.mark.skip(
                    reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
                )
            )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def transactional_db(transactional_db):
    """Live-server tests flush the database after each test, migration data included: seed the taxonomy and the sectors again."""
    import importlib

    from django.apps import apps

    importlib.import_module("compagnon.members.migrations.0002_seed_taxonomy").seed(apps, None)
    importlib.import_module("compagnon.members.migrations.0007_seed_sectors").seed(apps, None)
    return transactional_db
