"""Private file storage: uploads have no URL of their own and are served only through views that
load them via the permission gate.

Where they live is the "private" entry of `settings.STORAGES`: a folder under PRIVATE_MEDIA_ROOT,
outside the web root (the default), or an S3-compatible bucket (STORAGE_S3_BUCKET), which every
web and worker pod of a cluster shares. The file fields hold `PrivateStorage`, which hands each
call to that entry when it is made, so the choice is the settings' alone (and a test's)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from storages.backends.s3 import S3Storage

NO_URL = "private files have no public URL; serve them through a permission-checked view"


class PrivateFileSystemStorage(FileSystemStorage):
    # Read the setting each time so tests (and operators) can point it elsewhere.
    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError(NO_URL)


class PrivateS3Storage(S3Storage):
    """A bucket whose objects stay private: no ACL is sent (the bucket's own, private, applies),
    no signed link is made, and a name already taken is not overwritten (two uploads of one
    digest in the same instant get two objects, as on disk)."""

    default_acl = None
    file_overwrite = False

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError(NO_URL)


class PrivateStorage(Storage):
    """Every call handed to `storages["private"]`, looked up when it is made."""

    @property
    def backend(self) -> Storage:
        return storages["private"]

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def size(self, name):
        return self.backend.size(name)

    def path(self, name):
        return self.backend.path(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def get_modified_time(self, name):
        return self.backend.get_modified_time(name)

    def url(self, name):
        raise ValueError(NO_URL)


def private_storage() -> PrivateStorage:
    return PrivateStorage()
