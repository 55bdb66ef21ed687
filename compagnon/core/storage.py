import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files that must never be served by URL (uploaded spreadsheets, hidden data).

    They live in PRIVATE_ROOT, beside MEDIA_ROOT and not under it, so neither
    the proxy nor the development media route can expose them. The location is
    read from settings at each use so tests can point it at a scratch folder.
    """

    @property
    def base_location(self):
        return settings.PRIVATE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_storage() -> FileSystemStorage:
    return PrivateStorage()
