"""The export of ratings in the fields of the provincial 好差评 interface.

One row per rating: case number, item code and version, department code, handling
state, region code, channel, rater, evaluated person, level, time and text (the fields
the provincial payloads carry), with the rating's id and push status for the
push job to come. ID numbers are masked (first 6, last 4): the export is read by people.

Rows are read with one query through a server-side cursor (``iterator``) and written as
they come, so an export of any size streams in constant memory: CSV in UTF-8 with a BOM
(Excel opens the Chinese without an import dialog), or a JSON array.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable, Iterator

from django.utils import timezone

from accounts.validators import mask_identity_number

from .constants import Level, PushStatus, RatingChannel, Stage
from .figures import period_filter
from .models import Rating
from .selectors import StaffScope, rated_by_applicant, rater_name_of

#: (field, Chinese label): the CSV's columns and the JSON objects' keys, in order.
EXPORT_FIELDS: list[tuple[str, str]] = [
    ("rating_id", "评价编号"),
    ("case_number", "办件编号"),
    ("item_code", "事项编码"),
    ("item_version", "事项版本"),
    ("item_name", "事项名称"),
    ("department_code", "部门编码"),
    ("handling_state", "办理状态"),
    ("region_code", "行政区划代码"),
    ("channel", "评价渠道"),
    ("channel_label", "评价渠道名称"),
    ("rater", "评价人"),
    ("rater_id_number", "评价人证件号码（脱敏）"),
    ("evaluated_person", "被评价人"),
    ("level", "评价等级"),
    ("level_label", "评价等级名称"),
    ("is_default", "默认评价"),
    ("rated_at", "评价时间"),
    ("text", "评价内容"),
    ("excluded", "申诉核减（不计入统计）"),
    ("push_status", "推送状态"),
]

#: The handling state of the case when the rated service was done (受理 or 办结).
HANDLING_STATE = {Stage.INTAKE: "受理", Stage.CONCLUSION: "办结"}

_VALUES = (
    "pk",
    "level",
    "rated_at",
    "text",
    "channel",
    "is_default",
    "excluded",
    "push_status",
    "rater_id",
    "rater__full_name",
    "rater__username",
    "rater__citizen__id_number",
    "instance__stage",
    "instance__item__code",
    "instance__application__case_number",
    "instance__application__item_version__number",
    "instance__application__item_version__name",
    "instance__application__applicant__name",
    "instance__application__applicant__id_number",
    "instance__application__applicant__user_id",
    "instance__department__code",
    "instance__department__region_code",
    "instance__staff__full_name",
    "instance__staff__username",
)


def export_rows(
    *, scope: StaffScope, start: datetime.date | None = None, end: datetime.date | None = None
) -> Iterator[dict]:
    """The export's rows (dicts keyed by EXPORT_FIELDS) of the ratings in ``scope``
    rated from ``start`` to ``end``, oldest first, read in chunks."""
    if scope.is_empty:
        return
    rows = (
        Rating.objects.filter(scope.rating_filter())
        .filter(period_filter(start, end))
        .order_by("rated_at", "pk")
        .values(*_VALUES)
    )
    levels = dict(Level.choices)
    channels = dict(RatingChannel.choices)
    statuses = dict(PushStatus.choices)
    zone = timezone.get_current_timezone()
    for r in rows.iterator(chunk_size=2000):
        default = r["is_default"]
        yield {
            "rating_id": r["pk"],
            "case_number": r["instance__application__case_number"] or "",
            "item_code": r["instance__item__code"],
            "item_version": r["instance__application__item_version__number"],
            "item_name": r["instance__application__item_version__name"],
            "department_code": r["instance__department__code"] or "",
            "handling_state": HANDLING_STATE[r["instance__stage"]],
            "region_code": r["instance__department__region_code"] or "",
            "channel": r["channel"],
            "channel_label": str(channels[r["channel"]]),
            "rater": _rater(r),
            "rater_id_number": "" if default else mask_identity_number(_rater_id_number(r)),
            "evaluated_person": r["instance__staff__full_name"]
            or r["instance__staff__username"]
            or "",
            "level": r["level"],
            "level_label": str(levels[r["level"]]),
            "is_default": default,
            "rated_at": r["rated_at"].astimezone(zone).isoformat(timespec="seconds"),
            "text": r["text"],
            "excluded": r["excluded"],
            "push_status": str(statuses[r["push_status"]]),
        }


def _rater(r: dict) -> str:
    """The rater by feedback's one rule (``selectors.rater_name_of``)."""
    return rater_name_of(
        is_default=r["is_default"],
        rater_id=r["rater_id"],
        applicant_user_id=r["instance__application__applicant__user_id"],
        applicant_name=r["instance__application__applicant__name"] or "",
        rater_full_name=r["rater__full_name"] or "",
        rater_username=r["rater__username"] or "",
    )


def _rater_id_number(r: dict) -> str:
    """The ID number of the person ``_rater`` names: the applicant's, or the other
    account's own (its identity's; empty when it has none)."""
    if rated_by_applicant(
        rater_id=r["rater_id"], applicant_user_id=r["instance__application__applicant__user_id"]
    ):
        return r["instance__application__applicant__id_number"] or ""
    return r["rater__citizen__id_number"] or ""


def csv_stream(rows: Iterable[dict]) -> Iterator[str]:
    """CSV text in pieces: the BOM and the Chinese header first, then about 100 rows a
    piece; booleans as 是/否."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([label for _name, label in EXPORT_FIELDS])
    names = [name for name, _label in EXPORT_FIELDS]
    for count, row in enumerate(rows, start=1):
        writer.writerow([_cell(row[name]) for name in names])
        if count % 100 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


#: A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Booleans as 是/否; text that a spreadsheet would run as a formula (a citizen's
    comment starting with "=") is quoted with a leading apostrophe (OWASP)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def json_stream(rows: Iterable[dict]) -> Iterator[str]:
    """A JSON array (objects keyed as EXPORT_FIELDS), about 100 objects a piece."""
    yield "["
    piece = []
    for index, row in enumerate(rows):
        piece.append(("," if index else "") + json.dumps(row, ensure_ascii=False))
        if len(piece) == 100:
            yield "".join(piece)
            piece = []
    yield "".join(piece) + "]"
