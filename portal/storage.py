"""Private file storage: uploads live under PRIVATE_MEDIA_ROOT, outside the web root, and have no
URL of their own; they are served only through views that load them via the permission gate."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    # Read the setting each time so tests (and operators) can point it elsewhere.
    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files have no public URL; serve them through a permission-checked view")


def private_storage() -> PrivateStorage:
    return PrivateStorage()
