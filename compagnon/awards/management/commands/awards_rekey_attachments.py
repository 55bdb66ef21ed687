"""Once, at the upgrade: move award attachments stored under older keys to random ones.

Older keys spelled the applicant's file name (`awards/1/2/Dupont_CV.pdf`), and on S3 a
download link spells the key, blind review or not. Safe to run again, and to stop.
"""

from django.core.management.base import BaseCommand

from compagnon.awards.services import attachments_rekey


class Command(BaseCommand):
    help = (
        "Move award attachments stored under a key that may carry the applicant's file name "
        "to a random key (copy, save, then delete the old object). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be moved; change nothing."
        )

    def handle(self, *args, **options):
        report = attachments_rekey(dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(
                f"attachments to move: {report.moved}; "
                f"older objects left to delete: {report.finished} (dry run, nothing changed)"
            )
            return
        self.stdout.write(
            f"attachments moved: {report.moved}; older objects deleted: {report.finished}; "
            f"missing from the storage: {report.missing}"
        )
        if report.missing:
            self.stderr.write(
                "Attachments with no object under their key were left as they are "
                "(see the log for their ids)."
            )
