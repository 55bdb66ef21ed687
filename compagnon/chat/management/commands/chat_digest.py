"""Post this week's digest to the chat channel; run weekly or daily (once per ISO week)."""

from django.core.management.base import BaseCommand

from compagnon.chat.services import chat_digest_post


class Command(BaseCommand):
    help = "Post the weekly digest to the chat channel (once per ISO week)."

    def handle(self, *args, **options):
        self.stdout.write(f"chat digest posted: {chat_digest_post()}")
