"""Storage for files that must not be public (evidence attached to training hours)."""

from django.core.files.storage import FileSystemStorage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """Files with no URL: only views that check permissions stream them."""

    def url(self, name):
        raise ValueError("private files have no public URL")


def private_storage():
    return storages["private"]
