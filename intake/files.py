"""Serving stored case files (materials, the power of attorney) to those a view let in.

Files are never reachable by a /media/ URL: every view that serves one checks who asks
(the citizen's own case, the clerk's window, the approver's department on the route)
and then answers through ``stored_file_response``. The content types are the ones
``services.uploads.check_upload`` detected from the bytes, so PDF, JPEG and PNG open
inline in a new browser tab (the browser's own PDF viewer or image view: the portal's
pages keep frame-ancestors 'none' and object-src 'none'); anything else is a download.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

from .services.uploads import ALLOWED

PREVIEWABLE = frozenset(ALLOWED)


def stored_file_response(
    name_or_file, *, filename: str, content_type: str = "", inline: bool = True
) -> FileResponse:
    """The file (a FieldFile or a storage name) as a response; ``inline`` only for the
    previewable types, else ``Content-Disposition: attachment``."""
    try:
        if isinstance(name_or_file, str):
            handle = default_storage.open(name_or_file, "rb")
        else:
            handle = name_or_file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    content_type = content_type or "application/octet-stream"
    return FileResponse(
        handle,
        as_attachment=not (inline and content_type in PREVIEWABLE),
        filename=filename,
        content_type=content_type,
    )


def upload_file_response(row, *, name: str, inline: bool = True) -> FileResponse:
    """The file of a ``StoredUpload`` row (a material slot, a supplement's file), under
    the uploader's file name (``name`` when none); 404 when it has none."""
    if not row.file:
        raise Http404("该材料没有电子文件。")
    return stored_file_response(
        row.file,
        filename=row.original_filename or name,
        content_type=row.content_type,
        inline=inline,
    )


def material_file_response(slot, *, inline: bool = True) -> FileResponse:
    """One submitted material's file (``SubmittedMaterial``); 404 when it has none."""
    return upload_file_response(slot, name=slot.material.name, inline=inline)


def supplement_file_response(row, *, inline: bool = True) -> FileResponse:
    """One file of a department's supplement (``SupplementFile``)."""
    return upload_file_response(row, name=f"补正材料{row.item}", inline=inline)


def attorney_file_response(attorney: dict | None, *, inline: bool = True) -> FileResponse:
    """The power of attorney as stored in the application's form data; 404 without."""
    if not attorney or not attorney.get("file"):
        raise Http404("未上传授权委托书。")
    return stored_file_response(
        attorney["file"],
        filename=attorney.get("original_filename") or "授权委托书",
        content_type=attorney.get("content_type", ""),
        inline=inline,
    )
