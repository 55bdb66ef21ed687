"""Both catalogues complete: every UI string has a French translation, and the .mo files match."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
FR = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_french_catalogue_is_complete():
    catalogue = polib.pofile(str(FR))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_compiled_catalogue_matches_its_source(language):
    po_path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    po = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.pofile(str(po_path))
        if not e.obsolete and e.translated()
    }
    mo = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.mofile(str(po_path.with_suffix(".mo")))
        if e.msgid
    }
    assert po == mo, "the .mo is stale: run `python -m compagnon.core.i18n compile`"


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed"
)
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Re-extract the strings into a scratch copy of the catalogue; nothing new may appear."""
    (tmp_path / "locale").mkdir()
    shutil.copytree(ROOT / "locale" / "fr", tmp_path / "locale" / "fr")
    (tmp_path / "compagnon").symlink_to(ROOT / "compagnon")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "compagnon.settings",
        "DATABASE_URL": "",
    }
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "makemessages",
            "-l",
            "fr",
            "--symlinks",
            "--no-obsolete",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    catalogue = polib.pofile(str(tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in catalogue.untranslated_entries()] + [
        e.msgid for e in catalogue.fuzzy_entries()
    ]
    assert not missing, (
        f"{len(missing)} strings not translated, e.g. {missing[:8]} — run `make messages`"
    )
