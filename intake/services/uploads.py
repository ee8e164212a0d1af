"""Checking uploaded material files by their content, not their name, and keeping them
(``store_upload``): one pipeline for every file a citizen or a clerk hands in."""

import os

import filetype
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..errors import IntakeError

ALLOWED = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
}


def check_upload(uploaded_file) -> str:
    """Return the detected MIME type, or raise IntakeError in Chinese."""
    limit = settings.INTAKE_UPLOAD_MAX_BYTES
    if uploaded_file.size > limit:
        raise IntakeError(
            f"文件“{uploaded_file.name}”大小为 {uploaded_file.size / 1048576:.1f} MB，"
            f"超过 {limit / 1048576:.0f} MB 的上限。",
            code="too_large",
        )
    if uploaded_file.size == 0:
        raise IntakeError(f"文件“{uploaded_file.name}”是空文件。", code="empty")
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime not in ALLOWED:
        raise IntakeError(
            f"文件“{uploaded_file.name}”的内容不是 PDF、JPEG 或 PNG，请上传扫描件或照片。",
            code="bad_type",
        )
    extension = os.path.splitext(uploaded_file.name)[1].lower()
    if extension not in ALLOWED[mime]:
        raise IntakeError(
            f"文件“{uploaded_file.name}”的扩展名与内容不符（内容为 {kind.extension.upper()}）。",
            code="disguised",
        )
    return mime


def store_upload(target, uploaded_file, *, mime: str | None = None) -> None:
    """Put ``uploaded_file`` on ``target`` (a ``StoredUpload`` row: a material slot, a
    supplement's file) under a random name, with its original name, detected type, size
    and time; the caller saves the row. ``mime``: the type ``check_upload`` already
    detected for this file, else it is checked here (IntakeError in Chinese). A file
    the row held before is deleted only once the new one is committed: a rollback must
    leave the row pointing at a file that still exists."""
    mime = mime or check_upload(uploaded_file)
    if target.file:
        old_storage, old_name = target.file.storage, target.file.name
        transaction.on_commit(lambda: old_storage.delete(old_name))
    uploaded_file.seek(0)
    target.file.save(uploaded_file.name, uploaded_file, save=False)
    target.original_filename = uploaded_file.name[:200]
    target.content_type = mime
    target.size = uploaded_file.size
    target.uploaded_at = timezone.now()
