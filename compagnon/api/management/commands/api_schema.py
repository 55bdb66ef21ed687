"""Write the API's OpenAPI schema to docs/api/openapi.json (or check it is current).

python manage.py api_schema           # rewrite the committed schema
python manage.py api_schema --check   # exit 1 when it differs from the code
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def schema_text() -> str:
    from compagnon.api.api import api

    return (
        json.dumps(api.get_openapi_schema(path_prefix="/api/v1"), indent=2, sort_keys=True) + "\n"
    )


class Command(BaseCommand):
    help = "Write the REST API's OpenAPI schema to docs/api/openapi.json (--check: compare)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check: bool = False, **options):
        text = schema_text()
        if check:
            if not SCHEMA_PATH.exists() or SCHEMA_PATH.read_text() != text:
                raise CommandError(
                    f"{SCHEMA_PATH} is out of date: run `python manage.py api_schema`."
                )
            self.stdout.write("The committed schema is current.")
            return
        SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
        SCHEMA_PATH.write_text(text)
        self.stdout.write(f"Wrote {SCHEMA_PATH}")
