"""Stored file names that say nothing: ``<folder>/<year>/<month>/<uuid4 hex><ext>``.

What a person uploaded (their own file name: often their name, ID number or company) is
kept in the database for display and as the download's file name, never in the path,
so a path cannot be guessed from it. No URL serves the media folder in any mode: every
file goes out through a view that checks who asks (issue 11 item 4).
"""

import uuid
from pathlib import PurePath

from django.utils import timezone
from django.utils.deconstruct import deconstructible

# Kept only when it is a plain extension (.pdf, .png); anything else is dropped.
_EXTENSION_MAX = 10


def random_name(folder: str, filename: str) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    if not (1 < len(suffix) <= _EXTENSION_MAX and suffix[1:].isalnum()):
        suffix = ""
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


@deconstructible
class RandomName:
    """A FileField's ``upload_to``: a random name under ``folder``."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return random_name(self.folder, filename)

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder
