"""Excel exports (导出 Excel) of every supervision table, with its page's filters."""

from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from approvals.selectors import paused_limits
from feedback.figures import FIGURES as RATING_FIGURES
from jinpu_portal.api.fields import paused_time_left
from jinpu_portal.views import found_or_404

from .. import rollups
from ..exports import Sheet, chunks, new_workbook, to_file
from ..hall_figures import hall_figures
from ..selectors import board_rows, case_lights, lit_clocks
from .board import board_context
from .cases import searched
from .common import requested_group, supervisor_required
from .delegations import GROUPS as DELEGATION_GROUPS
from .delegations import delegation_table
from .overview import GROUPS, breakdown, breakdown_columns
from .rankings import GROUPS as RANKING_GROUPS
from .rankings import ranking_table

LIGHTS = {0: "绿灯", 1: "黄灯", 2: "红灯"}


def _period(f) -> str:
    if not (f.start or f.end):
        return "全部期间"
    start = f.start.isoformat() if f.start else "不限"
    end = f.end.isoformat() if f.end else "不限"
    return f"{start} 至 {end}"


def write_table(workbook, title: str, columns, rows, f) -> None:
    """A sortable page table (``tables.Column``) as one sheet, in the page's order, with
    the period in its first row."""
    sheet = Sheet(
        workbook,
        title[:31],
        [column.heading for column in columns],
        widths=[36] + [14] * (len(columns) - 1),
    )
    for row in rows:
        sheet.append([column.exported(row) for column in columns])
    sheet.append([])
    sheet.append([f"统计期间：{_period(f)}"])


def _rate(value):
    """A figure as a cell: a rate or an average (Decimal) as a float, a count as it is,
    None (nothing under the denominator) an empty cell."""
    return float(value) if isinstance(value, Decimal) else value


def _sheet_heading(column) -> str:
    """A column's heading in a sheet: its unit always named, "%" too (the cell holds the
    bare number)."""
    return f"{column.label}（{column.unit}）" if column.unit else column.label


def _overview(request, workbook):
    _form, f, group = requested_group(request, GROUPS, "department")
    c = rollups.case_figures(f)
    counts = rollups.rating_counts(f)
    summary = Sheet(workbook, "汇总", ["指标", "数值"], widths=[24, 16])
    summary.append(["统计期间", _period(f)])
    for label, value in (
        ("收件", c.received),
        ("网上办收件", c.received_online),
        ("受理", c.accepted),
        ("逾期视为受理", c.deemed_accepted),
        ("一次性告知补正", c.corrected),
        ("不予受理", c.refused),
        ("办结", c.concluded),
        ("即办件办结", c.immediate),
        ("按时办结", c.on_time),
        ("提前办结", c.early),
        ("超期办结", c.overdue),
        ("按时办结率（%）", _rate(c.on_time_rate)),
        ("提前办结率（%）", _rate(c.early_rate)),
        ("平均办结用时（工作日）", _rate(c.average_days)),
        ("平均承诺时限（工作日）", _rate(c.average_promised)),
        ("平均法定时限（工作日）", _rate(c.average_statutory)),
        ("网办率（%）", _rate(c.online_rate)),
        ("一次办结率（%）", _rate(c.one_visit_rate)),
        ("即办件占比（%）", _rate(c.immediate_share)),
        ("评价数", counts.rated),
    ):
        summary.append([label, value])
    for figure in RATING_FIGURES.values():
        unit = "%" if figure.unit == "%" else figure.unit
        summary.append([f"{figure.label}（{unit}）", _rate(figure(counts))])
    queue = hall_figures(f)
    for label, value in (
        ("取号（大厅排队）", queue.tickets),
        ("已办理（大厅排队）", queue.served),
        ("过号（大厅排队）", queue.no_show),
        ("已失效（大厅排队）", queue.expired),
        ("平均等候（分钟）", _rate(queue.average_wait_minutes)),
        (f"等候超 {queue.long_wait_minutes} 分钟", queue.long_waits),
    ):
        summary.append([label, value])
    columns = breakdown_columns()
    table = Sheet(
        workbook,
        f"按{rollups.BY_LABELS[group]}",
        [rollups.BY_LABELS[group], *(_sheet_heading(column) for column in columns)],
        widths=[30] + [12] * len(columns),
    )
    for row in breakdown(f, group):
        table.append([row["label"], *(_rate(column.value(row)) for column in columns)])
    table.append([])
    table.append([f"统计期间：{_period(f)}"])
    return "综合监管"


def _date(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _promised(application, paused: dict) -> str:
    """承诺办结日期, or while that limit is paused what the case's pages say instead: its
    due date moves by the paused working days, so it is not known; the working days left
    are, frozen ("已暂停，剩余 5 个工作日，恢复后顺延")."""
    left = paused.get(application.pk, {}).get("promised")
    if left:
        return paused_time_left(left)
    due = application.promised_due_date
    return due.isoformat() if due else ""


def _cases(request, workbook):
    _form, _f, results = searched(request)
    sheet = Sheet(
        workbook,
        "办件",
        [
            "办件编号",
            "申请人",
            "证件号码",
            "事项",
            "部门",
            "渠道",
            "状态",
            "亮灯",
            "提交时间",
            "受理时间",
            "办结时间",
            "承诺办结日期",
        ],
        widths=[22, 20, 22, 36, 26, 10, 12, 8, 18, 18, 18, 14],
    )
    for batch in chunks(results):
        lights = case_lights(batch)
        paused = paused_limits(batch)
        for a in batch:
            enterprise = a.enterprise_id is not None
            sheet.append(
                [
                    a.case_number or "",
                    a.enterprise.name if enterprise else a.applicant.name,
                    a.enterprise.masked_credit_code if enterprise else a.applicant.masked_id_number,
                    a.item_version.name,
                    a.item_version.department.name,
                    a.get_channel_display(),
                    a.get_status_display(),
                    LIGHTS.get(lights.get(a.pk), ""),
                    _date(a.submitted_at),
                    _date(a.accepted_at),
                    _date(a.concluded_at),
                    _promised(a, paused),
                ]
            )
    return "办件查询"


def _lights(request, workbook):
    context = board_context(request)
    clocks = lit_clocks(
        scope=request.scope, department=context["department"], light=context["light"]
    ).only("pk")
    sheet = Sheet(
        workbook,
        "红黄灯",
        ["亮灯", "办件编号", "事项", "时限", "责任部门", "到期日期", "暂停", "督办中", "督办合计"],
        widths=[8, 22, 36, 16, 26, 30, 8, 10, 10],
    )
    for batch in chunks(clocks):
        for row in board_rows(batch):
            a = row.application
            sheet.append(
                [
                    LIGHTS[row.clock.light],
                    (a.case_number or "") if a else "",
                    a.item_version.name if a else "",
                    row.what,
                    row.clock.department.name,
                    # As the board: a paused clock's working days left, not its date.
                    row.clock.paused_left or row.clock.due_date.isoformat(),
                    "是" if row.clock.paused_since else "",
                    row.open_escalations,
                    row.escalations,
                ]
            )
    return "红黄灯"


def _rankings(request, workbook):
    table = ranking_table(request)
    write_table(workbook, RANKING_GROUPS[table.group][1], table.columns, table.rows, table.f)
    return "排名与时限分析"


def _delegations(request, workbook):
    table = delegation_table(request)
    write_table(workbook, DELEGATION_GROUPS[table.group][1], table.columns, table.rows, table.f)
    return "赋权与就近办理"


TABLES = {
    "overview": _overview,
    "cases": _cases,
    "lights": _lights,
    "rankings": _rankings,
    "delegations": _delegations,
}


@supervisor_required
@require_GET
def export(request, table):
    """One table as .xlsx, with the filters of its page's query string, in scope."""
    writer = found_or_404(TABLES.get(table), "没有这个表格。")
    workbook = new_workbook()
    name = writer(request, workbook)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        to_file(workbook),
        as_attachment=True,
        filename=f"{name}-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
