"""Post pending case invitations to the chat; run every few minutes (idempotent)."""

from django.core.management.base import BaseCommand

from compagnon.chat.services import chat_invitations_post


class Command(BaseCommand):
    help = "Post the case invitations waiting for a chat message (each once)."

    def handle(self, *args, **options):
        self.stdout.write(f"chat invitations posted: {chat_invitations_post()}")
