"""Public pages: anyone holding a notice can check it against the stored document.

A visitor enters the verification code printed on the notice (or scans its QR code)
and sees what the portal issued under that code; optionally they upload the PDF they
hold and the page compares its SHA-256 with the stored document's.
"""

import hashlib

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ..models import Notice
from ..page_hooks import public_case_links

VERIFY_UPLOAD_MAX_BYTES = 20 * 1024 * 1024


def _normalise(code: str) -> str:
    return "".join((code or "").split()).upper()[:12]


@require_GET
def verify_start(request):
    """The form to enter a code; ``?code=`` goes to that code's page."""
    code = _normalise(request.GET.get("code", ""))
    if code:
        return redirect(reverse("intake:verify", args=[code]))
    return render(request, "intake/verify.html", {"start": True})


def _sha256_of(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


@never_cache  # it may carry a rating link (a token made for this answer)
@require_http_methods(["GET", "POST"])
def verify(request, code: str):
    code = _normalise(code)
    notice = (
        Notice.objects.select_related("application__item_version")
        .filter(verification_code=code)
        .first()
    )
    context = {
        "notice": notice,
        "code": code,
        # Whoever holds the notice (its QR code, its code): e.g. the rating links.
        "case_links": public_case_links(notice.application) if notice else [],
    }
    if request.method == "POST" and notice is not None:
        upload = request.FILES.get("document")
        if upload is None:
            context["upload_error"] = "请选择要比对的 PDF 文件。"
        elif upload.size > VERIFY_UPLOAD_MAX_BYTES:
            context["upload_error"] = "文件超过 20 MB，不是本平台出具的文书。"
        elif not notice.sha256:
            context["upload_error"] = "该文书正在生成，暂不能比对，请稍后再试。"
        else:
            digest = _sha256_of(upload)
            context["uploaded_sha256"] = digest
            context["matches"] = digest == notice.sha256
    return render(request, "intake/verify.html", context, status=200 if notice else 404)
