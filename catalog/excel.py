"""The catalog as an Excel workbook, the form in which governments circulate their lists.

Three sheets: 事项 (one row per item, every element of its published version; code
tables as codes, departments and halls by code, many-to-many elements as
comma-separated codes), 材料 (materials, keyed by the item's implementation code) and
环节 (workflow steps, keyed likewise). A fourth sheet, 代码说明, explains the codes and
is ignored on import.

Import validates the whole file before it writes anything: a bad file is refused
as a whole, with every error listed by sheet, row and column. A good one is written
in one transaction through ``catalog.services.version_import``: a new item, or a new
draft of an existing item, published when asked. An item whose content equals its
published version is left alone.

Both directions go through one record form (``ItemRecord``), so an export read back
gives the same records, and exporting them again gives the same cells.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from accounts.models import Department, Hall, User

from .constants import CaseType, Channel, VersionStatus
from .models import ItemMaterial, ItemVersion, ServiceItem, ServiceObjectType, WorkflowStep
from .services import VERSION_M2M, version_import, workflow_longest_path_days

ITEMS_SHEET = "事项"
MATERIALS_SHEET = "材料"
STEPS_SHEET = "环节"
CODES_SHEET = "代码说明"
CODE_HEADER = "实施编码"
TRUE_WORDS = {"是", "true", "yes", "y", "1", "√"}
FALSE_WORDS = {"否", "false", "no", "n", "0", "×", ""}

# Column kinds
TEXT, CODE, INT, BOOL, CHOICE = "text", "code", "int", "bool", "choice"
DEPARTMENT, DEPARTMENTS, HALLS, OBJECTS, CHANNELS, FAQS = (
    "department",
    "departments",
    "halls",
    "objects",
    "channels",
    "faqs",
)


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = TEXT
    #: a CHOICE column's (code, label) pairs
    choices: Sequence[tuple] | None = None


def _vn(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _field_column(model: type[models.Model], name: str, kind: str = TEXT) -> Column:
    """The column of a field of ``model``, named as the field is; a CHOICE column takes
    its codes from the field's choices."""
    choices = model._meta.get_field(name).choices if kind == CHOICE else None
    return Column(_vn(model, name), name, kind, choices)


def _item_column(name: str, kind: str = TEXT) -> Column:
    return _field_column(ItemVersion, name, kind)


ITEM_COLUMNS = [
    Column(CODE_HEADER, "code", CODE),
    _item_column("name"),
    _item_column("basic_code"),
    _item_column("item_type", CHOICE),
    Column("实施主体编码", "department", DEPARTMENT),
    _item_column("implementer_nature", CHOICE),
    Column("共同实施部门编码", "co_departments", DEPARTMENTS),
    _item_column("legal_basis"),
    _item_column("theme", CHOICE),
    Column("服务对象代码", "service_objects", OBJECTS),
    _item_column("keywords"),
    _item_column("case_type", CHOICE),
    _item_column("statutory_limit_days", INT),
    _item_column("promised_limit_days", INT),
    _item_column("acceptance_conditions"),
    _item_column("process_description"),
    _item_column("fee_required", BOOL),
    _item_column("fee_description"),
    _item_column("fee_basis"),
    _item_column("tongban_scope", CHOICE),
    _item_column("channels", CHANNELS),
    _item_column("online_available", BOOL),
    _item_column("not_online_reason"),
    _item_column("fully_online", BOOL),
    _item_column("online_depth", CHOICE),
    _item_column("visits_required", INT),
    _item_column("visits_reason"),
    _item_column("appointment_supported", BOOL),
    _item_column("online_payment_supported", BOOL),
    _item_column("postal_delivery_supported", BOOL),
    Column("受理大厅编码", "accepting_halls", HALLS),
    Column("就近受理单位编码", "accepting_units", DEPARTMENTS),
    _item_column("location"),
    _item_column("office_hours"),
    _item_column("consult_phone"),
    _item_column("complaint_phone"),
    Column("常见问题（JSON）", "faqs", FAQS),
    _item_column("result_name"),
]


def _material_column(name: str, kind: str = TEXT) -> Column:
    return _field_column(ItemMaterial, name, kind)


MATERIAL_COLUMNS = [
    Column(CODE_HEADER, "code", CODE),
    _material_column("position", INT),
    _material_column("name"),
    _material_column("issuing_body"),
    _material_column("source", CHOICE),
    _material_column("originals", INT),
    _material_column("copies", INT),
    _material_column("requirement", CHOICE),
    _material_column("tolerance_allowed", BOOL),
    _material_column("electronic_required", BOOL),
    _material_column("signature_requirement"),
    _material_column("notes"),
]

STEP_COLUMNS = [
    Column(CODE_HEADER, "code", CODE),
    Column(_vn(WorkflowStep, "stage"), "stage", INT),
    Column(_vn(WorkflowStep, "name"), "name"),
    Column("办理部门编码", "department", DEPARTMENT),
    Column(_vn(WorkflowStep, "budget_days"), "budget_days", INT),
]

SHEETS = [
    (ITEMS_SHEET, ITEM_COLUMNS),
    (MATERIALS_SHEET, MATERIAL_COLUMNS),
    (STEPS_SHEET, STEP_COLUMNS),
]

# Which column a check constraint's error belongs to.
CONSTRAINT_FIELDS = {
    "itemversion_promise_within_statute": "promised_limit_days",
    "itemversion_immediate_iff_zero_days": "promised_limit_days",
    "itemversion_fully_online_iff_zero_visits": "visits_required",
    "itemversion_visits_need_reason": "visits_reason",
    "itemversion_offline_needs_reason": "not_online_reason",
    "itemversion_fully_online_is_online": "fully_online",
    "material_tolerance_only_for_required": "tolerance_allowed",
    "material_some_form": "originals",
}


# --- Records -------------------------------------------------------------------------


@dataclass
class ItemRecord:
    """One item as the workbook holds it: codes, not objects."""

    code: str
    fields: dict = field(default_factory=dict)
    relations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    materials: list[dict] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)
    row: int = 0  # row and column of the code in the 事项 sheet, for error messages
    code_column: str = ""

    def comparable(self) -> tuple:
        """Content only (not the row), steps in a stable order, m2m as sets."""
        return (
            self.code,
            sorted(self.fields.items()),
            sorted((k, tuple(sorted(v))) for k, v in self.relations.items()),
            [sorted(m.items()) for m in self.materials],
            sorted(sorted(s.items()) for s in self.steps),
        )


def _scalar_keys() -> list[str]:
    skip = {"code", *VERSION_M2M}
    return [c.key for c in ITEM_COLUMNS if c.key not in skip]


def version_record(version: ItemVersion) -> ItemRecord:
    """A version (relations prefetched, see ``export_queryset``) as a record."""
    fields = {}
    for key in _scalar_keys():
        if key == "department":
            fields[key] = version.department.code
        else:
            fields[key] = getattr(version, key)
    relations = {
        "co_departments": tuple(sorted(d.code for d in version.co_departments.all())),
        "service_objects": tuple(sorted(o.code for o in version.service_objects.all())),
        "accepting_halls": tuple(sorted(h.code for h in version.accepting_halls.all())),
        "accepting_units": tuple(sorted(d.code for d in version.accepting_units.all())),
    }
    materials = [
        {c.key: getattr(m, c.key) for c in MATERIAL_COLUMNS if c.key != "code"}
        for m in sorted(version.materials.all(), key=lambda m: m.position)
    ]
    steps = [
        {
            "stage": s.stage,
            "name": s.name,
            "department": s.department.code,
            "budget_days": s.budget_days,
        }
        for s in sorted(version.steps.all(), key=lambda s: (s.stage, s.id))
    ]
    return ItemRecord(
        code=version.item.code,
        fields=fields,
        relations=relations,
        materials=materials,
        steps=steps,
    )


def export_queryset():
    """Every item's published version with everything the workbook shows."""
    return (
        ItemVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("item", "department")
        .prefetch_related(
            "co_departments",
            "service_objects",
            "accepting_halls",
            "accepting_units",
            Prefetch("materials", queryset=ItemMaterial.objects.order_by("position")),
            Prefetch(
                "steps",
                queryset=WorkflowStep.objects.select_related("department").order_by("stage", "id"),
            ),
        )
        .order_by("item__code")
    )


# --- Export --------------------------------------------------------------------------


def _cell_value(column: Column, value):
    """A record value as the cell shows it."""
    if column.kind == BOOL:
        return "是" if value else "否"
    if column.kind in (DEPARTMENTS, HALLS, OBJECTS):
        return ",".join(value)
    if column.kind == CHANNELS:
        return ",".join(value or [])
    if column.kind == FAQS:
        return json.dumps(value, ensure_ascii=False) if value else ""
    if column.kind == CHOICE:
        return "" if value in (None, "") else str(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _write_sheet(sheet, columns: list[Column], rows: Iterable[list]) -> None:
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for values in rows:
        sheet.append([None if v == "" else v for v in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                # Text stays text: no formulas from data, no lost leading zeros.
                cell.data_type = "s"
                cell.number_format = "@"
    sheet.freeze_panes = "B2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            10, min(40, 2 * len(column.header) + 2)
        )


def _write_codes_sheet(sheet) -> None:
    sheet.append(["代码表", "代码", "含义"])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    tables = [c for c in ITEM_COLUMNS + MATERIAL_COLUMNS if c.kind == CHOICE]
    tables.append(Column(_vn(ItemVersion, "channels"), "channels", CHOICE, Channel.choices))
    for column in tables:
        for value, label in column.choices:
            sheet.append([column.header, str(value) if value != "" else "（空）", str(label)])
    for obj in ServiceObjectType.objects.all():
        sheet.append(["服务对象代码", obj.code, obj.name])
    for hall in Hall.objects.all():
        sheet.append(["受理大厅编码", hall.code, hall.name])
    for department in Department.objects.all():
        sheet.append(["部门编码", department.code, department.name])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"
            cell.number_format = "@"
    for letter, width in (("A", 20), ("B", 16), ("C", 40)):
        sheet.column_dimensions[letter].width = width


def _record_value(record: ItemRecord, key: str):
    if key == "code":
        return record.code
    if key in VERSION_M2M:
        return record.relations[key]
    return record.fields[key]


def _child_rows(records: list[ItemRecord], columns: list[Column], children: str) -> Iterable[list]:
    """The rows of a sheet keyed by the item's code (``children``: "materials" or
    "steps"): one per child, the record's code in the code column, so the import can
    put each child back under its item."""
    return (
        [_cell_value(c, r.code if c.key == "code" else child[c.key]) for c in columns]
        for r in records
        for child in getattr(r, children)
    )


def records_workbook(records: Iterable[ItemRecord]) -> Workbook:
    records = list(records)
    workbook = Workbook()
    items = workbook.active
    items.title = ITEMS_SHEET
    _write_sheet(
        items,
        ITEM_COLUMNS,
        ([_cell_value(c, _record_value(r, c.key)) for c in ITEM_COLUMNS] for r in records),
    )
    _write_sheet(
        workbook.create_sheet(MATERIALS_SHEET),
        MATERIAL_COLUMNS,
        _child_rows(records, MATERIAL_COLUMNS, "materials"),
    )
    _write_sheet(
        workbook.create_sheet(STEPS_SHEET),
        STEP_COLUMNS,
        _child_rows(records, STEP_COLUMNS, "steps"),
    )
    _write_codes_sheet(workbook.create_sheet(CODES_SHEET))
    return workbook


def catalog_export(versions=None) -> bytes:
    """The published catalog (or the given versions, prefetched) as an .xlsx file."""
    versions = export_queryset() if versions is None else versions
    buffer = io.BytesIO()
    records_workbook(version_record(v) for v in versions).save(buffer)
    return buffer.getvalue()


# --- Import: reading and checking -----------------------------------------------------


@dataclass(frozen=True)
class ExcelError:
    """One reason a file is refused: where (sheet, row, column) and why, in Chinese."""

    sheet: str
    row: int | None
    column: str  # letter, e.g. "D"
    header: str
    message: str

    def __str__(self) -> str:
        where = [self.sheet or "文件"]
        if self.row:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"{self.column} 列（{self.header}）" if self.header else self.column)
        elif self.header:
            where.append(f"「{self.header}」列")
        return " ".join(where) + f"：{self.message}"


@dataclass
class ImportResult:
    errors: list[ExcelError] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # new items
    drafted: list[str] = field(default_factory=list)  # new versions of existing items
    unchanged: list[str] = field(default_factory=list)
    published: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class _Lookups:
    def __init__(self):
        self.departments = {d.code: d for d in Department.objects.all()}
        self.halls = {h.code: h for h in Hall.objects.all()}
        self.objects = {o.code: o for o in ServiceObjectType.objects.all()}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _codes(value) -> list[str]:
    text = _text(value).replace("，", ",").replace("、", ",")
    return [part.strip() for part in text.split(",") if part.strip()]


class CellError(Exception):
    pass


def _parse_int(value) -> int:
    if isinstance(value, bool):
        raise CellError("应填写整数。")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    if not text:
        raise CellError("不能为空，应填写整数。")
    if not text.lstrip("-").isdigit():
        raise CellError(f"「{text}」不是整数。")
    return int(text)


def _parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(f"「{_text(value)}」无效，应填写“是”或“否”。")


def _parse_choice(value, choices: Sequence[tuple]):
    text = _text(value)
    codes = {str(code): code for code, _label in choices}
    if text in codes:
        return codes[text]
    # A code typed as a number loses its leading zero in Excel: 1 -> "01".
    for code in codes:
        if text.isdigit() and code.isdigit() and text.zfill(len(code)) == code:
            return codes[code]
    for code, label in choices:
        if text == str(label):
            return code
    allowed = "、".join(f"{code or '（空）'} {label}" for code, label in choices)
    raise CellError(f"代码「{text}」无效，可选：{allowed}。")


def _parse_faqs(value) -> list:
    text = _text(value)
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError as error:
        raise CellError('不是有效的 JSON，格式应为 [{"q": "问题", "a": "回答"}]。') from error
    if not isinstance(data, list) or not all(
        isinstance(d, dict) and set(d) <= {"q", "a"} for d in data
    ):
        raise CellError('格式应为 [{"q": "问题", "a": "回答"}]。')
    return data


def _parse_cell(column: Column, value, lookups: _Lookups):
    kind = column.kind
    if kind == TEXT:
        return _text(value)
    if kind == CODE:
        text = _text(value)
        if not text:
            raise CellError("实施编码不能为空。")
        if any(ch.isspace() for ch in text):
            raise CellError(f"实施编码「{text}」不能包含空格。")
        return text
    if kind == INT:
        return _parse_int(value)
    if kind == BOOL:
        return _parse_bool(value)
    if kind == CHOICE:
        return _parse_choice(value, column.choices)
    if kind == DEPARTMENT:
        code = _text(value)
        if not code:
            raise CellError("部门编码不能为空。")
        if code not in lookups.departments:
            raise CellError(f"未知的部门编码「{code}」。")
        return code
    if kind in (DEPARTMENTS, HALLS, OBJECTS):
        table, what = {
            DEPARTMENTS: (lookups.departments, "部门编码"),
            HALLS: (lookups.halls, "大厅编码"),
            OBJECTS: (lookups.objects, "服务对象代码"),
        }[kind]
        codes = _codes(value)
        unknown = [c for c in codes if c not in table]
        if unknown:
            raise CellError(f"未知的{what}：{'、'.join(unknown)}。")
        return tuple(sorted(set(codes)))
    if kind == CHANNELS:
        codes = _codes(value)
        parsed = [_parse_choice(code, Channel.choices) for code in codes]
        return list(dict.fromkeys(parsed))
    if kind == FAQS:
        return _parse_faqs(value)
    raise ValueError(kind)


@dataclass
class _Row:
    number: int
    values: dict
    failed: set[str]  # keys whose cell could not be read


class _SheetReader:
    """Reads one sheet's header and rows, collecting errors."""

    def __init__(self, workbook, name: str, columns: list[Column], errors: list[ExcelError]):
        self.name, self.columns, self.errors = name, columns, errors
        self.positions: dict[str, int] = {}
        self.complete = False
        self.rows: list[_Row] = []
        if name not in workbook.sheetnames:
            errors.append(ExcelError(name, None, "", "", f"缺少工作表「{name}」。"))
            return
        self.sheet = workbook[name]

    def letter(self, key: str) -> str:
        position = self.positions.get(key)
        return get_column_letter(position + 1) if position is not None else ""

    def header(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)

    def error(self, row: int | None, key: str | None, message: str) -> None:
        self.errors.append(
            ExcelError(
                self.name,
                row,
                self.letter(key) if key else "",
                self.header(key) if key else "",
                message,
            )
        )

    def read(self, lookups: _Lookups) -> None:
        if not hasattr(self, "sheet"):
            return
        rows = self.sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        titles = [_text(v) for v in header]
        for index, title in enumerate(titles):
            if not title:
                continue
            if titles.index(title) != index:
                self.errors.append(
                    ExcelError(
                        self.name,
                        1,
                        get_column_letter(index + 1),
                        title,
                        f"列「{title}」重复出现。",
                    )
                )
        by_title = {title: index for index, title in reversed(list(enumerate(titles)))}
        missing = []
        for column in self.columns:
            if column.header in by_title:
                self.positions[column.key] = by_title[column.header]
            else:
                missing.append(column)
        for column in missing:
            self.errors.append(
                ExcelError(self.name, 1, "", column.header, f"缺少列「{column.header}」。")
            )
        self.complete = not missing
        for number, cells in enumerate(rows, start=2):
            if all(_text(v) == "" for v in cells):
                continue
            values, failed = {}, set()
            for column in self.columns:
                position = self.positions.get(column.key)
                if position is None:
                    failed.add(column.key)
                    continue
                raw = cells[position] if position < len(cells) else None
                try:
                    values[column.key] = _parse_cell(column, raw, lookups)
                except CellError as error:
                    failed.add(column.key)
                    self.error(number, column.key, str(error))
            self.rows.append(_Row(number, values, failed))


def _constraint_errors(instance: models.Model, exclude: set[str]) -> list[tuple[str, str]]:
    """(field, message) for each check constraint the unsaved instance violates."""
    found = []
    for constraint in instance._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue
        try:
            constraint.validate(type(instance), instance, exclude=exclude)
        except ValidationError as error:
            target = CONSTRAINT_FIELDS.get(constraint.name, "")
            found.extend((target, message) for message in error.messages)
    return found


def _model_errors(instance: models.Model, exclude: set[str]) -> list[tuple[str, str]]:
    """(field, message) for every field and check-constraint error of an unsaved row."""
    found = []
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            found.extend((name, message) for message in messages)
    return found + _constraint_errors(instance, exclude)


def _version_from(record_fields: dict, lookups: _Lookups) -> ItemVersion:
    values = dict(record_fields)
    department = values.pop("department", None)
    version = ItemVersion(**values)
    if department:
        version.department = lookups.departments[department]
    return version


def _report(reader: _SheetReader, row: int, problems: list[tuple[str, str]]) -> None:
    keys = {c.key for c in reader.columns}
    for name, message in problems:
        reader.error(row, name if name in keys else None, message)


def _build_records(readers: dict[str, _SheetReader], lookups: _Lookups) -> list[ItemRecord]:
    items, materials, steps = (
        readers[ITEMS_SHEET],
        readers[MATERIALS_SHEET],
        readers[STEPS_SHEET],
    )
    records: dict[str, ItemRecord] = {}
    first_row: dict[str, int] = {}
    for row in items.rows:
        code = row.values.get("code")
        if code is None:
            continue
        if code in first_row:
            items.error(row.number, "code", f"实施编码「{code}」与第 {first_row[code]} 行重复。")
            continue
        first_row[code] = row.number
        record = ItemRecord(code=code, row=row.number, code_column=items.letter("code"))
        record.fields = {k: row.values[k] for k in _scalar_keys() if k in row.values}
        record.relations = {k: row.values[k] for k in VERSION_M2M if k in row.values}
        records[code] = record
        version = _version_from(record.fields, lookups)
        exclude = {f.name for f in ItemVersion._meta.fields} - set(_scalar_keys())
        exclude |= row.failed
        _report(items, row.number, _model_errors(version, exclude))
        if len(code) > ServiceItem._meta.get_field("code").max_length:
            items.error(row.number, "code", "实施编码过长（最多 64 个字符）。")
        if "service_objects" in record.relations and not record.relations["service_objects"]:
            items.error(row.number, "service_objects", "至少填写一个服务对象代码。")

    def rows_of(reader: _SheetReader, what: str):
        for row in reader.rows:
            code = row.values.get("code")
            if code is None:
                continue
            if code not in records:
                reader.error(
                    row.number, "code", f"「事项」表中没有实施编码「{code}」，无法添加{what}。"
                )
                continue
            yield records[code], row

    seen_names: dict[tuple[str, str], int] = {}
    seen_positions: dict[tuple[str, int], int] = {}
    for record, row in rows_of(materials, "申请材料"):
        data = {k: v for k, v in row.values.items() if k != "code"}
        record.materials.append(data)
        name, position = data.get("name"), data.get("position")
        if name and (record.code, name) in seen_names:
            materials.error(
                row.number,
                "name",
                f"事项「{record.code}」的材料「{name}」与第 "
                f"{seen_names[(record.code, name)]} 行重复。",
            )
        elif name:
            seen_names[(record.code, name)] = row.number
        if position is not None and (record.code, position) in seen_positions:
            materials.error(
                row.number,
                "position",
                f"事项「{record.code}」的材料序号 {position} 与第 "
                f"{seen_positions[(record.code, position)]} 行重复。",
            )
        elif position is not None:
            seen_positions[(record.code, position)] = row.number
        material = ItemMaterial(**data)
        _report(materials, row.number, _model_errors(material, {"version", *row.failed}))

    seen_steps: dict[tuple, int] = {}
    step_rows: dict[str, list[WorkflowStep]] = defaultdict(list)
    for record, row in rows_of(steps, "办理环节"):
        data = {k: v for k, v in row.values.items() if k != "code"}
        record.steps.append(data)
        key = (record.code, data.get("stage"), data.get("department"), data.get("name"))
        if key in seen_steps:
            steps.error(
                row.number,
                "name",
                f"同一环节顺序、同一部门的环节「{data.get('name')}」"
                f"与第 {seen_steps[key]} 行重复。",
            )
        else:
            seen_steps[key] = row.number
        step = WorkflowStep(**{k: v for k, v in data.items() if k != "department"})
        if "department" in data:
            step.department = lookups.departments[data["department"]]
        _report(steps, row.number, _model_errors(step, {"version", *row.failed}))
        step_rows[record.code].append(step)

    # The rules of catalog.services.version_validate that span the three sheets.
    if items.complete and materials.complete and steps.complete:
        step_failures = {r.values.get("code") for r in steps.rows if r.failed}
        for record in records.values():
            if not record.materials:
                items.error(
                    record.row, "code", f"事项「{record.code}」在「材料」表中没有申请材料。"
                )
            if record.fields.get("case_type") != CaseType.PROMISED:
                continue
            if not record.steps:
                items.error(
                    record.row,
                    "code",
                    f"承诺件「{record.code}」在「环节」表中没有办理环节。",
                )
            elif record.code not in step_failures and "promised_limit_days" in record.fields:
                longest = workflow_longest_path_days(step_rows[record.code])
                promised = record.fields["promised_limit_days"]
                if longest > promised:
                    items.error(
                        record.row,
                        "promised_limit_days",
                        f"办理环节最长路径共 {longest} 个工作日，超过承诺办结时限 "
                        f"{promised} 个工作日。",
                    )
    return list(records.values())


def read_workbook(source) -> tuple[list[ItemRecord], list[ExcelError]]:
    """Records and every error found in a workbook (a path, bytes or a file object)."""
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not .xlsx
        return [], [ExcelError("", None, "", "", "无法读取文件：请上传 Excel（.xlsx）格式的文件。")]
    errors: list[ExcelError] = []
    with translation.override("zh-hans"):
        lookups = _Lookups()
        readers = {name: _SheetReader(workbook, name, columns, errors) for name, columns in SHEETS}
        for reader in readers.values():
            reader.read(lookups)
        records = _build_records(readers, lookups)
    workbook.close()
    sheet_order = {name: index for index, (name, _columns) in enumerate(SHEETS)}
    errors.sort(key=lambda e: (sheet_order.get(e.sheet, -1), e.row or 0, e.column))
    return records, errors


# --- Import: writing ------------------------------------------------------------------


def _check_against_catalog(
    records: list[ItemRecord], errors: list[ExcelError]
) -> tuple[list[ItemRecord], list[str]]:
    """Records to write, and codes left alone because nothing changed. An item with a
    draft in progress is not overwritten: that is an error."""
    items = {
        item.code: item for item in ServiceItem.objects.filter(code__in=[r.code for r in records])
    }
    current = {v.item.code: v for v in export_queryset().filter(item__code__in=list(items))}
    drafts = dict(
        ItemVersion.objects.filter(
            item__code__in=list(items), status=VersionStatus.DRAFT
        ).values_list("item__code", "number")
    )
    to_write, unchanged = [], []
    for record in records:
        version = current.get(record.code)
        if version is not None and version_record(version).comparable() == record.comparable():
            unchanged.append(record.code)
            continue
        if record.code in drafts:
            errors.append(
                ExcelError(
                    ITEMS_SHEET,
                    record.row,
                    record.code_column,
                    CODE_HEADER,
                    f"事项「{record.code}」已有草稿版本（第 {drafts[record.code]} 版），"
                    "请先发布或处理该草稿后再导入。",
                )
            )
            continue
        to_write.append(record)
    return to_write, unchanged


def _write(
    record: ItemRecord, lookups: _Lookups, *, actor, publish: bool, source: str
) -> ItemVersion:
    fields = dict(record.fields)
    fields["department"] = lookups.departments[fields["department"]]
    relations = {
        "co_departments": [lookups.departments[c] for c in record.relations["co_departments"]],
        "service_objects": [lookups.objects[c] for c in record.relations["service_objects"]],
        "accepting_halls": [lookups.halls[c] for c in record.relations["accepting_halls"]],
        "accepting_units": [lookups.departments[c] for c in record.relations["accepting_units"]],
    }
    steps = [
        {**step, "department": lookups.departments[step["department"]]} for step in record.steps
    ]
    return version_import(
        code=record.code,
        actor=actor,
        fields=fields,
        relations=relations,
        materials=[dict(m) for m in record.materials],
        steps=steps,
        publish=publish,
        source=source,
    )


def catalog_import(
    source, *, actor: User | None, publish: bool, source_name: str = ""
) -> ImportResult:
    """Import a workbook: all or nothing. Returns what was done, or every error."""
    records, errors = read_workbook(source)
    result = ImportResult(errors=errors, published=publish)
    if errors:
        return result
    if not records:
        result.errors.append(ExcelError(ITEMS_SHEET, None, "", "", "文件中没有事项。"))
        return result
    with translation.override("zh-hans"):
        to_write, result.unchanged = _check_against_catalog(records, result.errors)
        if result.errors:
            return result
        lookups = _Lookups()
        existing = set(
            ServiceItem.objects.filter(code__in=[r.code for r in to_write]).values_list(
                "code", flat=True
            )
        )
        try:
            with transaction.atomic():
                for record in to_write:
                    _write(record, lookups, actor=actor, publish=publish, source=source_name)
                    (result.drafted if record.code in existing else result.created).append(
                        record.code
                    )
        except (ValidationError, IntegrityError) as error:
            # Checked above already: another writer changed the catalog meanwhile.
            # The transaction rolled back; nothing of the file was kept.
            reason = (
                "；".join(error.messages)
                if isinstance(error, ValidationError)
                else "目录已被他人同时修改，请重试"
            )
            result.created, result.drafted = [], []
            result.errors.append(
                ExcelError(
                    ITEMS_SHEET,
                    record.row,
                    record.code_column,
                    CODE_HEADER,
                    f"导入失败，未导入任何事项：{reason}",
                )
            )
    return result


def workbook_cells(source) -> dict[str, list[tuple]]:
    """Every sheet's cell values, for comparing two workbooks."""
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    workbook = load_workbook(source, read_only=True, data_only=True)
    try:
        return {
            sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def error_rows(errors: Iterable[ExcelError]) -> list[list[str]]:
    return [[e.sheet, str(e.row or ""), e.column, e.header, e.message] for e in errors]
