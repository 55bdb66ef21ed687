"""Benchmark of the member import: `uv run python bench/import_members.py`.

`python bench/import_members.py 85000` measures a file of 85 000 rows (within the 20 MB
limit) through the background tasks the staff pages use (preview, then apply).

Runs against a throwaway SQLite database in a temporary directory (never var/),
or against DATABASE_URL when it is set; in that case everything the benchmark
writes is rolled back at the end. Prints one line per measure:

    csv_parse_10k: 0.05 s
    import_preview_10k: 1.23 s (24.6x csv parse floor; target < 10 s)

The floor is the time Python's csv module takes just to split the same file:
no import can be faster than reading it.
"""

from __future__ import annotations

import csv
import io
import os
import random
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROWS = 10_000
ORGANISATIONS = 300
TARGET_SECONDS = 10.0
SEED = 20240601
ROOT = Path(__file__).resolve().parent.parent

FIRST_NAMES = ["Ada", "Bruno", "Chloé", "Driss", "Élodie", "Farid", "Gaëlle", "Hugo", "Inès", "Jules",
               "Karim", "Léa", "Mathis", "Nadia", "Océane", "Pierre", "Quentin", "Rania", "Sofiane", "Zoé"]  # fmt: skip
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
              "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "García", "Benali", "Nguyen", "Faure"]  # fmt: skip
ROLES = ["Data Scientist", "Data Engineer", "Data Analyst", "ML Engineer", "Manager", "RH", "DPO",
         "Chercheur", "Doctorant", "Freelance", "Consultant", ""]  # fmt: skip
STATUSES = ["Adhérent", "Membre", "Résident", "Chercheur", "Staff", "Invité", ""]
UNKNOWN_TAGS = ["Machin Lerning", "Blockchain", "Quantum stuff", "Statistiks"]


def django_setup(work_dir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    if not os.environ.get("DATABASE_URL"):
        os.environ["COMPAGNON_VAR_DIR"] = str(work_dir)
    os.environ.setdefault("DEBUG", "false")  # DEBUG keeps every query in memory
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def csv_generate() -> bytes:
    """A seeded spreadsheet: names, 300 organisations, labels, synonyms, unknown tags, duplicates."""
    from compagnon.members.importing import IMPORT_HEADERS
    from compagnon.members.taxonomy import TAXONOMY

    rng = random.Random(SEED)
    tag_names = [
        name
        for _slug, fr, en, synonyms, _parent in TAXONOMY
        for name in (fr, en, *synonyms.split(",")[:2])
    ]
    organisations = [f"Organisation {number:03d}" for number in range(ORGANISATIONS)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(IMPORT_HEADERS)
    emails: list[str] = []
    for number in range(ROWS):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if emails and rng.random() < 0.01:
            email = rng.choice(emails).upper()  # a duplicate, in another case
        else:
            email = f"{_ascii(first)}.{_ascii(last)}.{number}@example.org".lower()
            emails.append(email)

        def tags(count: int) -> str:
            picked = rng.sample(tag_names, count)
            if rng.random() < 0.05:
                picked.append(rng.choice(UNKNOWN_TAGS))
            return ", ".join(name.strip() for name in picked)

        writer.writerow(
            [
                first,
                last,
                email,
                rng.choice(organisations),
                rng.choice(
                    ["Lead data scientist", "Ingénieur", '=HYPERLINK("http://x")', "PhD student"]
                ),
                rng.choice(ROLES),
                tags(rng.randint(0, 2)),
                rng.choice(["Finance", "Recherche", "Food", "Telecom", "Santé", "Banque", ""]),
                tags(rng.randint(0, 3)),
                rng.choice(STATUSES),
                rng.choice(
                    ["", "Works on forecasting.", "Travaille sur la vision par ordinateur."]
                ),
                rng.choice(["", f"https://www.linkedin.com/in/member-{number}"]),
            ]
        )
    return out.getvalue().encode("utf-8")


def timed(action):
    started = time.perf_counter()
    value = action()
    return value, time.perf_counter() - started


def report(name: str, seconds: float, floor: float) -> None:
    print(
        f"{name}: {seconds:.2f} s ({seconds / floor:.1f}x csv parse floor; target < {TARGET_SECONDS:.0f} s)"
    )


def main() -> int:
    global ROWS
    if len(sys.argv) > 1:
        ROWS = int(sys.argv[1])
        return large()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="compagnon-bench-") as work_dir:
        django_setup(Path(work_dir))
        from django.db import transaction

        from compagnon.members import services
        from compagnon.members.models import Person

        data = csv_generate()
        _rows, floor = timed(
            lambda: list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        )
        print(f"csv_parse_10k: {floor:.2f} s")

        class Rollback(Exception):
            pass

        try:
            with transaction.atomic():
                preview, seconds = timed(lambda: services.people_import_preview(data=data))
                report("import_preview_10k", seconds, floor)
                result, seconds = timed(
                    lambda: services.people_import_apply(
                        data=data, filename="bench.csv", imported_by=None
                    )
                )
                report("import_apply_10k", seconds, floor)
                again, seconds = timed(lambda: services.people_import_preview(data=data))
                report("import_reimport_preview_10k", seconds, floor)
                changed = data.replace(b"Lead data scientist", b"Head of data").replace(
                    b"PhD student", b"Postdoc"
                )
                updated, seconds = timed(
                    lambda: services.people_import_apply(
                        data=changed, filename="bench.csv", imported_by=None
                    )
                )
                report("import_update_apply_10k", seconds, floor)
                print(
                    f"# rows: {len(preview.rows)}; created {result.created}, skipped {result.skipped}; "
                    f"re-import unchanged {again.counts['unchanged']}; updated {updated.updated}; "
                    f"people {Person.objects.count()}; "
                    f"total {time.perf_counter() - started:.1f} s"
                )
                # Leave a DATABASE_URL database as it was found.
                raise Rollback
        except Rollback:
            pass
    return 0


def large() -> int:
    """The staff path for a large file: upload kept, preview task, apply task (one transaction)."""
    with tempfile.TemporaryDirectory(prefix="compagnon-bench-") as work_dir:
        django_setup(Path(work_dir))
        os.environ.setdefault("PRIVATE_ROOT", str(Path(work_dir) / "private"))
        from django.conf import settings
        from django.core.files.uploadedfile import SimpleUploadedFile

        settings.PRIVATE_ROOT = str(Path(work_dir) / "private")
        from compagnon.members.importing import (
            member_import_apply_run,
            member_import_create,
            member_import_preview_run,
        )
        from compagnon.members.models import MemberImport, Person

        data = csv_generate()
        label = f"{ROWS // 1000}k"
        print(f"# file: {ROWS} rows, {len(data) / 1024 / 1024:.1f} MB")
        _rows, floor = timed(
            lambda: list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        )
        print(f"csv_parse_{label}: {floor:.2f} s")
        member_import = member_import_create(
            upload=SimpleUploadedFile("big.csv", data, "text/csv"), uploaded_by=None
        )
        state, seconds = timed(lambda: member_import_preview_run(pk=member_import.pk))
        print(
            f"import_task_preview_{label}: {seconds:.2f} s ({seconds / floor:.1f}x csv parse "
            f"floor; was inside the request, over gunicorn's 30 s timeout)"
        )
        state, seconds = timed(lambda: member_import_apply_run(pk=member_import.pk, user_id=None))
        print(
            f"import_task_apply_{label}: {seconds:.2f} s ({seconds / floor:.1f}x csv parse floor)"
        )
        result = MemberImport.objects.get(pk=member_import.pk).result
        print(
            f"# {state}: created {result['created']}, skipped {result['skipped']}; "
            f"people {Person.objects.count()}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
