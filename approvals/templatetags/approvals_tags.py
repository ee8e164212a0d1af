"""Template helpers for approvals pages and documents."""

import base64
import mimetypes

from django import template
from django.core.files.storage import default_storage

register = template.Library()


@register.filter
def has_role(user, role: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(role))


@register.filter
def seal_uri(name: str) -> str:
    """A stored seal image (Department.seal_image name) as a data: URI for WeasyPrint,
    or "" when there is none or it cannot be read (the document then shows the seal
    placeholder instead of failing)."""
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as handle:
            content = handle.read()
    except OSError:
        return ""
    mime = mimetypes.guess_type(name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"
