"""The annual report's services and reads: requesting a report (one per year and scope
at a time), building it (the Celery task's body: figures, charts, PDF, with progress),
and which reports a supervisor may see.

A supervisor's report covers their scope (``accounts.selectors.supervision_scope``): the
district for a district-wide supervisor, else the departments they watch. Requests for
the same year and scope share the one being made: the partial unique index
``annual_report_one_active`` lets one queued or running row exist per year and scope, so
two requests racing each other end with one row (the loser reads the winner's). A row
left queued or running by a worker that died is failed after ``STALE`` without a
progress update, so it never blocks the year for good.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.selectors import supervision_scope
from jinpu_portal.pdf import render_pdf, sha256_hex

from . import annual, refresh
from .models import REPORT_ACTIVE, AnnualReport, ReportState

logger = logging.getLogger(__name__)

#: A queued or running report with no progress for this long is failed.
STALE = datetime.timedelta(minutes=30)
#: The first year a report can be asked for.
FIRST_YEAR = 2020


class ReportError(Exception):
    """A request the service refuses, with a Chinese message the page shows."""


def scope_key(departments: list[int] | None) -> str:
    if departments is None:
        return "district"
    ids = ",".join(str(pk) for pk in sorted(set(departments)))
    return "d:" + hashlib.sha256(ids.encode()).hexdigest()[:32]


def user_departments(user) -> list[int] | None:
    """The departments of the user's reports: None for the district."""
    scope = supervision_scope(user=user)
    return None if scope is None else sorted(scope)


def years(today: datetime.date | None = None) -> list[int]:
    """The years a report can be asked for, newest first."""
    today = today or timezone.localdate()
    return list(range(today.year, FIRST_YEAR - 1, -1))


def visible_reports(user) -> QuerySet[AnnualReport]:
    """The reports a supervisor may see: every one for a district-wide supervisor, those
    of exactly their scope for the others."""
    departments = user_departments(user)
    reports = AnnualReport.objects.select_related("requested_by")
    if departments is None:
        return reports
    return reports.filter(scope_key=scope_key(departments))


def _fail_stale(year: int, key: str, now) -> None:
    AnnualReport.objects.filter(
        year=year, scope_key=key, state__in=REPORT_ACTIVE, updated_at__lt=now - STALE
    ).update(
        state=ReportState.FAILED,
        error="生成超时：任务长时间没有进展，已停止，请重新生成。",
        finished_at=now,
        updated_at=now,
    )


def report_request(*, user, year: int) -> tuple[AnnualReport, bool]:
    """Ask for the annual report of ``year`` over the user's scope: (the report, whether
    this request created it). While one for the same year and scope is queued or
    running, that one is answered instead. The task is queued when the row commits."""
    if year not in years():
        raise ReportError(f"只能生成 {FIRST_YEAR} 年至今年的年度报告。")
    departments = user_departments(user)
    key = scope_key(departments)
    now = timezone.now()
    _fail_stale(year, key, now)
    active = AnnualReport.objects.filter(year=year, scope_key=key, state__in=REPORT_ACTIVE)
    existing = active.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(
                year=year,
                scope_key=key,
                departments=departments,
                scope_label=annual.scope_label(departments),
                requested_by=user,
                step="排队等待生成",
            )
    except IntegrityError:
        # Another request created it between our read and our insert.
        existing = active.first()
        if existing is None:  # it finished (or failed) in between
            raise ReportError(
                "同一年度的报告刚刚生成完毕，请刷新页面查看，需要时再重新生成。"
            ) from None
        return existing, False

    from .tasks import annual_report_build

    transaction.on_commit(lambda: annual_report_build.delay(report.pk), robust=True)
    return report, True


def _progress(pk: int, percent: int, step: str) -> None:
    AnnualReport.objects.filter(pk=pk, state=ReportState.RUNNING).update(
        progress=percent, step=step, updated_at=timezone.now()
    )


def report_build(report_id: int) -> AnnualReport:
    """Make the report's PDF, recording progress; a failure is recorded on the report
    with a readable message (and logged), never raised to the worker."""
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report_id)
        if report.state != ReportState.QUEUED:
            return report  # already taken by another worker, or done
        report.state = ReportState.RUNNING
        report.started_at = timezone.now()
        report.progress, report.step = 2, "开始生成"
        report.save(update_fields=["state", "started_at", "progress", "step", "updated_at"])
    step = "更新汇总数据"
    try:

        def progress(percent: int, text: str) -> None:
            nonlocal step
            step = text
            _progress(report_id, percent, text)

        progress(5, step)
        refresh.refresh()
        figures = annual.annual_figures(report.year, report.departments, progress)
        progress(80, "绘制图表")
        charts = annual.charts(figures)
        progress(88, "排版并生成 PDF")
        content = render_pdf(
            "documents/supervision/annual_report.html", {"a": figures, "charts": charts}
        )
        progress(97, "保存文件")
    except Exception as exc:
        logger.exception("Annual report %s failed at %s", report_id, step)
        message = str(exc).strip() or exc.__class__.__name__
        AnnualReport.objects.filter(pk=report_id).update(
            state=ReportState.FAILED,
            error=f"{step}时出错：{message}"[:1000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        report.refresh_from_db()
        return report
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report_id)
        report.file.save(f"annual-{report.year}.pdf", ContentFile(content), save=False)
        report.size = len(content)
        report.sha256 = sha256_hex(content)
        report.state = ReportState.DONE
        report.progress, report.step = 100, "已完成"
        report.finished_at = timezone.now()
        report.save()
    return report


def download_name(report: AnnualReport) -> str:
    label = "全区" if report.departments is None else "部门"
    return f"金普新区政务服务{report.year}年度报告-{label}-{report.pk}.pdf"
