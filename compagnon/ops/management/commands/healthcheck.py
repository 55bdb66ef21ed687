"""`manage.py healthcheck`: the readiness report on the command line, exit 1 on failure.

Runs the checks in this process (no HTTP), so it works in a worker container or on the
host: database, cache, queue depth, worker heartbeat. `--only database,cache` narrows
it (a worker container's own probe); `--json` prints the readiness page's body.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from compagnon.ops.health import CHECKS, checks_run, report


class Command(BaseCommand):
    help = "Check the database, cache, task queues and workers; exit 1 if one fails."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--only", default="", help=f"Comma-separated among: {', '.join(CHECKS)}"
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options) -> None:
        names = [n.strip() for n in options["only"].split(",") if n.strip()] or None
        unknown = sorted(set(names or []) - set(CHECKS))
        if unknown:
            raise CommandError(
                f"Unknown check(s) {', '.join(unknown)}; choose among {', '.join(CHECKS)}."
            )
        body = report(checks_run(names))
        if options["json"]:
            self.stdout.write(json.dumps(body, indent=2))
        else:
            for name, check in body["checks"].items():
                self.stdout.write(f"{name}: {check['message']} ({check['ms']} ms)")
            if body.get("queues"):
                self.stdout.write(
                    "queue depth: " + ", ".join(f"{q}={n}" for q, n in body["queues"].items())
                )
            beats = body.get("workers_last_beat_seconds")
            if beats:
                self.stdout.write(
                    "last worker beat: "
                    + ", ".join(
                        f"{q}={'never' if s is None else f'{s:.0f}s'}" for q, s in beats.items()
                    )
                )
            self.stdout.write(f"status: {body['status']}")
        if body["status"] != "ok":
            sys.exit(1)
