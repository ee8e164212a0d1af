"""Checking uploaded material files by their content, not their name."""

import os

import filetype
from django.conf import settings

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
