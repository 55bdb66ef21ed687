"""Compile the gettext catalogues without GNU gettext (polib), so a fresh machine needs no msgfmt.

python -m compagnon.core.i18n compile   # locale/*/LC_MESSAGES/django.po -> .mo
"""

from __future__ import annotations

import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"


def catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def compile_all() -> list[Path]:
    import polib

    written = []
    for po_path in catalogues():
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        written.append(po_path.with_suffix(".mo"))
    return written


if __name__ == "__main__":
    if sys.argv[1:] != ["compile"]:
        sys.exit("usage: python -m compagnon.core.i18n compile")
    for path in compile_all():
        print(f"compiled {path.relative_to(LOCALE_DIR.parent)}")
