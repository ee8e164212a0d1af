"""年度报告: choose a year, generate the PDF (a Celery task), watch its progress (the
list polls itself every second with htmx while a report is being made) and download
it; earlier reports of the supervisor's scope are listed."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jinpu_portal.views import found_or_404

from ..models import ReportState
from ..reports import ReportError, download_name, report_request, visible_reports, years
from .common import supervisor_required

#: The reports listed (newest first).
LISTED = 30
POLL_SECONDS = 1


def _visible(request, pk: int):
    return found_or_404(visible_reports(request.user).filter(pk=pk).first(), "没有这份年度报告。")


def _list_context(request) -> dict:
    reports = list(visible_reports(request.user)[:LISTED])
    return {
        "reports": reports,
        "polling": any(report.active for report in reports),
        "poll_seconds": POLL_SECONDS,
        "fragment_url": reverse("supervision:annual_list"),
    }


@supervisor_required
@require_GET
def annual_reports(request):
    choices = years()
    try:
        chosen = int(request.GET.get("year", ""))
    except ValueError:
        chosen = None
    return render(
        request,
        "supervision/annual.html",
        {
            "years": choices,
            "chosen": chosen if chosen in choices else choices[0],
            "district_wide": request.scope is None,
            **_list_context(request),
        },
    )


@supervisor_required
@require_GET
def annual_list(request):
    """htmx: the list of reports; it keeps polling while one is queued or running."""
    return render(request, "supervision/_annual_list.html", _list_context(request))


@supervisor_required
@require_POST
def annual_request(request):
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    try:
        report, created = report_request(user=request.user, year=year)
    except ReportError as error:
        messages.error(request, str(error))
        return redirect("supervision:annual")
    if created:
        messages.success(request, f"已开始生成 {report.year} 年度报告，完成后可在下方下载。")
    else:
        messages.info(request, f"{report.year} 年度报告正在生成中，请稍候，不必重复申请。")
    return redirect(f"{reverse('supervision:annual')}?year={report.year}")


@supervisor_required
@require_GET
def annual_download(request, pk: int):
    report = _visible(request, pk)
    if report.state != ReportState.DONE or not report.file:
        raise Http404("这份年度报告尚未生成完成。")
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=download_name(report),
    )
