"""Public pages: anyone holding a notice can check it against the stored document."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..models import Notice


@require_GET
def verify(request, code: str):
    notice = (
        Notice.objects.select_related("application__item_version")
        .filter(verification_code=code.strip().upper())
        .first()
    )
    return render(
        request,
        "intake/verify.html",
        {"notice": notice, "code": code},
        status=200 if notice else 404,
    )
