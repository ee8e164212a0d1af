"""PDF and QR helpers shared by every document the portal issues.

One ``render_pdf`` for WeasyPrint: HTML templates under ``templates/documents/``,
fonts from Debian's fonts-noto-cjk (named in ``templates/documents/base.html``).
Rendering is slow (hundreds of milliseconds): callers render in a Celery task or
cache the result, and store it with its hash so it is never rendered differently.
"""

import base64
import hashlib
import io

import qrcode
from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango costs ~0.5 s

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def qr_png(data: str, box_size: int = 6) -> bytes:
    image = qrcode.make(data, box_size=box_size, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_data_uri(data: str, box_size: int = 6) -> str:
    """A QR code as a data: URI, to embed in HTML that WeasyPrint renders."""
    return "data:image/png;base64," + base64.b64encode(qr_png(data, box_size)).decode("ascii")


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
