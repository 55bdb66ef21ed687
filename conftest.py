"""Personas shared by every test: two member organisations, their people, staff."""

import os

import pytest

from compagnon.core.testing_s3 import s3, s3_failing, s3_server  # noqa: F401  (fixtures)
from compagnon.members.models import MembershipType
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, UserFactory


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Alpha Corp", email_domains="alpha.example")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Beta Lab", email_domains="beta.example")


@pytest.fixture
def member_a(org_a):
    """A data scientist at organisation A, with an account."""
    return PersonFactory(
        organisation=org_a,
        email="ada@alpha.example",
        first_name="Ada",
        last_name="Martin",
        with_account=True,
    )


@pytest.fixture
def manager_a(org_a):
    return PersonFactory(
        organisation=org_a,
        email="manon@alpha.example",
        first_name="Manon",
        last_name="Dubois",
        is_org_manager=True,
        with_account=True,
    )


@pytest.fixture
def member_b(org_b):
    return PersonFactory(
        organisation=org_b,
        email="bruno@beta.example",
        first_name="Bruno",
        last_name="Petit",
        with_account=True,
    )


@pytest.fixture
def staff_user(db):
    user = UserFactory(email="staff@club.example", is_staff=True)
    PersonFactory(
        user=user,
        email=user.email,
        organisation=None,
        membership_type=MembershipType.STAFF,
        first_name="Sam",
    )
    return user


@pytest.fixture
def client_of(client):
    """client_of(person_or_user) -> a test client signed in as them."""

    def sign_in(who):
        user = getattr(who, "user", None) or who
        client.force_login(user)
        return client

    return sign_in


# --- suites that must not be skipped silently -------------------------------------------------


def _database_is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    import pytest as _pytest

    if _database_is_postgres():
        return
    skip = _pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    terminalreporter.write_sep("!", f"{len(skipped)} TEST(S) SKIPPED", red=True, bold=True)
    for report in skipped[:20]:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        terminalreporter.write_line(f"  {report.nodeid}: {reason}")
    if os.environ.get("CI") == "true":
        terminalreporter.write_line("CI=true: a skipped test is a failure.", red=True, bold=True)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or os.environ.get("CI") != "true":
        return
    if reporter.stats.get("skipped") and exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _scratch_file_roots(settings, tmp_path_factory):
    """Uploads written by tests land in a scratch folder, never in var/."""
    root = tmp_path_factory.mktemp("files")
    settings.MEDIA_ROOT = root / "media"
    settings.PRIVATE_ROOT = root / "private"


@pytest.fixture(autouse=True)
def _english_interface(request, settings):
    """Unit tests read the English source strings; the browser journey checks French is the default."""
    if request.node.get_closest_marker("e2e") or "french" in request.keywords:
        yield
        return
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache (local memory in tests) outlives a test's database: each test starts empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_matching_index():
    """The matching index lives in the process; each test starts from an empty one."""
    _matching_index_reset()
    yield
    _matching_index_reset()


def _matching_index_reset():
    import sys

    index = sys.modules.get("compagnon.matching.index")
    if index is not None:  # not imported yet: nothing to forget
        index.index_reset()
