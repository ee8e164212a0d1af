"""The public progress query (办件进度查询): anyone holding a 受理通知书 enters its case
number and verification code and sees where the case stands: status, steps and dates,
never names.

Both values must match one case; a wrong pair gets the same neutral answer whichever of
them is wrong. A client address that keeps guessing is slowed down: after
``PROGRESS_FAILURES_ALLOWED`` wrong pairs within ``PROGRESS_FAILURE_WINDOW`` seconds it
is refused (429) until the window has passed, so codes cannot be enumerated.
"""

from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..page_hooks import paused_limits_of, public_case_links
from ..selectors import case_progress_lookup, case_progress_steps

PROGRESS_FAILURES_ALLOWED = 10
PROGRESS_FAILURE_WINDOW = 15 * 60
NOT_FOUND = "办件编号或验证码不正确，请核对受理通知书后重新输入。"
TOO_MANY = "查询失败次数过多，请 15 分钟后再试，或拨打 8890 政务服务便民热线查询。"


def _failures_key(request) -> str:
    return f"intake:progress-failures:{request.META.get('REMOTE_ADDR', '')}"


def _clean(value: str, length: int) -> str:
    return "".join((value or "").split()).upper()[:length]


@never_cache
@require_http_methods(["GET", "POST"])
def progress(request):
    context = {"case_number": "", "code": ""}
    if request.method != "POST":
        return render(request, "intake/progress.html", context)
    case_number = _clean(request.POST.get("case_number", ""), 32)
    code = _clean(request.POST.get("code", ""), 12)
    context.update(case_number=case_number, code=code)
    key = _failures_key(request)
    if cache.get(key, 0) >= PROGRESS_FAILURES_ALLOWED:
        context["error"] = TOO_MANY
        return render(request, "intake/progress.html", context, status=429)
    application = case_progress_lookup(case_number=case_number, code=code)
    if application is None:
        cache.add(key, 0, PROGRESS_FAILURE_WINDOW)
        cache.incr(key)
        context["error"] = NOT_FOUND
        return render(request, "intake/progress.html", context, status=404)
    context.update(
        application=application,
        paused_limits=paused_limits_of(application),
        steps=case_progress_steps(application),
        # The verification code was proven: the links for its holder (feedback: rating).
        case_links=public_case_links(application),
    )
    return render(request, "intake/progress.html", context)
