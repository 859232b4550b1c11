"""Storage for files that must not be public (evidence attached to training hours)."""

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


class PrivateFileSystemStorage(FileSystemStorage):
    """Files with no URL: only views that check permissions stream them."""

    def url(self, name):
        raise ValueError("private files have no public URL")


def private_storage():
    return storages["private"]


@deconstructible
class MaxFileSizeValidator:
    """Refuses an uploaded file larger than ``limit`` bytes, naming both sizes.

    On the model field, so every form that writes it (admin, snippets, views) enforces it.
    """

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value):
        size = getattr(value, "size", 0) or 0
        if size > self.limit:
            raise ValidationError(
                _("文件过大（%(size)s），上限为 %(limit)s。"),
                code="file_too_large",
                params={"size": filesizeformat(size), "limit": filesizeformat(self.limit)},
            )

    def __eq__(self, other):
        return isinstance(other, MaxFileSizeValidator) and other.limit == self.limit
