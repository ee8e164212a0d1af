"""Excel import and export: the round trip, and each kind of bad file refused as a whole
with every error located by sheet, row and column."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from catalog.constants import CaseType, CatalogEventAction, Channel, TongbanScope, VersionStatus
from catalog.excel import catalog_export, catalog_import, read_workbook, workbook_cells
from catalog.models import (
    CatalogEvent,
    ItemMaterial,
    ItemVersion,
    ServiceItem,
    ServiceObjectType,
    WorkflowStep,
)
from catalog.services import version_create_draft


@pytest.fixture
def catalog(department, make_item, make_department, make_hall):
    """Three items covering the elements: parallel steps, 即办件, not online, 全程网办."""
    station = make_department("SCJ-S01", "友谊市场监督管理所", kind="station")
    water = make_department("SWU", "金普新区水务集团有限公司")
    hall = make_hall()
    objects = ServiceObjectType.objects.filter(code__in=["1", "2"])
    make_item(
        "11210213A00001",
        department,
        name="个人独资企业设立登记",
        keywords="个体 独资",
        tongban_scope=TongbanScope.DISTRICT,
        faqs=[{"q": "需要多久？", "a": "当场办结。"}],
        fee_required=True,
        fee_description="=0 元（不收费）",  # a leading "=" must stay text in Excel
        relations={
            "service_objects": list(objects),
            "accepting_halls": [hall],
            "accepting_units": [station],
            "co_departments": [water],
        },
        steps=[
            (1, "审查", 3),
            (2, "现场勘查", 4, water),
            (2, "审核", 2),
            (3, "决定", 1),
        ],
    )
    make_item(
        "11210213A00002",
        department,
        name="高校毕业生租房补贴",
        case_type=CaseType.IMMEDIATE,
        promised_limit_days=0,
        steps=[],
        fully_online=True,
        visits_required=0,
        visits_reason="",
        channels=[Channel.PC, Channel.MOBILE],
        online_depth=4,
    )
    make_item(
        "11210213A00003",
        water,
        name="供水报装",
        online_available=False,
        not_online_reason="需现场踏勘管网",
        materials=[
            {"name": "用水申请表", "originals": 1, "copies": 0, "tolerance_allowed": True},
            {"name": "产权证明", "originals": 0, "copies": 2, "requirement": "optional"},
        ],
        steps=[(1, "受理", 1), (2, "踏勘", 5), (3, "接水", 5)],
        promised_limit_days=11,
        statutory_limit_days=15,
    )
    return ServiceItem.objects.all()


def wipe_catalog():
    """An empty catalog (departments, halls and code tables stay, as in a fresh install)."""
    CatalogEvent.objects.all().delete()
    ServiceItem.objects.update(current_version=None)
    ItemMaterial.objects.all().delete()
    WorkflowStep.objects.all().delete()
    ItemVersion.objects.all().delete()
    ServiceItem.objects.all().delete()


def edit(data: bytes, sheet: str, changes: dict | None = None, delete_column: str | None = None):
    """The workbook with cells changed: ``changes`` maps (row, header) to a value."""
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook[sheet]
    headers = {cell.value: cell.column for cell in ws[1]}
    for (row, header), value in (changes or {}).items():
        ws.cell(row=row, column=headers[header], value=value)
    if delete_column:
        ws.delete_cols(headers[delete_column])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def append_row(data: bytes, sheet: str, copy_row: int, changes: dict | None = None) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook[sheet]
    headers = {cell.value: cell.column for cell in ws[1]}
    values = [cell.value for cell in ws[copy_row]]
    for header, value in (changes or {}).items():
        values[headers[header] - 1] = value
    ws.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def column_letter(data: bytes, sheet: str, header: str) -> str:
    ws = load_workbook(io.BytesIO(data))[sheet]
    return next(cell.column_letter for cell in ws[1] if cell.value == header)


def test_export_has_the_three_sheets_with_chinese_headers_and_codes(catalog):
    cells = workbook_cells(catalog_export())
    assert list(cells)[:3] == ["事项", "材料", "环节"]
    items = cells["事项"]
    header = items[0]
    assert header[:4] == ("实施编码", "事项名称", "基本编码", "事项类型")
    row = dict(zip(header, items[1], strict=True))
    assert row["事项类型"] == "01"
    assert row["实施主体编码"] == "SPJ"
    assert row["服务对象代码"] == "1,2"
    assert row["受理大厅编码"] == "JP"
    assert row["通办范围"] == "district"
    assert row["是否收费"] == "是"
    assert row["收费标准"] == "=0 元（不收费）"
    assert len(cells["材料"]) == 1 + 2 + 2 + 2
    steps = cells["环节"]
    assert steps[0] == ("实施编码", "环节顺序", "环节名称", "办理部门编码", "环节时限（工作日）")
    assert ("11210213A00001", 2, "现场勘查", "SWU", 4) in steps


def test_round_trip_into_an_empty_catalog_reproduces_the_file(catalog):
    first = catalog_export()
    wipe_catalog()

    result = catalog_import(first, actor=None, publish=True, source_name="catalog.xlsx")

    assert result.ok, [str(e) for e in result.errors]
    assert sorted(result.created) == ["11210213A00001", "11210213A00002", "11210213A00003"]
    assert workbook_cells(catalog_export()) == workbook_cells(first)
    version = ServiceItem.objects.get(code="11210213A00001").current_version
    assert version.status == VersionStatus.PUBLISHED
    assert version.search_text  # built by the services
    imported = CatalogEvent.objects.filter(action=CatalogEventAction.IMPORTED)
    assert imported.count() == 3
    assert imported.first().details["source"] == "catalog.xlsx"


def test_importing_the_same_file_again_changes_nothing(catalog):
    data = catalog_export()
    versions = ItemVersion.objects.count()

    result = catalog_import(data, actor=None, publish=True)

    assert result.ok
    assert len(result.unchanged) == 3
    assert result.created == result.drafted == []
    assert ItemVersion.objects.count() == versions


def test_a_changed_item_becomes_a_new_draft_of_the_existing_item(catalog):
    data = edit(catalog_export(), "事项", {(3, "事项名称"): "高校毕业生租房补贴（2026 年）"})

    result = catalog_import(data, actor=None, publish=False)

    assert result.ok
    assert result.drafted == ["11210213A00002"]
    assert len(result.unchanged) == 2
    item = ServiceItem.objects.get(code="11210213A00002")
    draft = item.versions.get(status=VersionStatus.DRAFT)
    assert draft.number == 2
    assert draft.name == "高校毕业生租房补贴（2026 年）"
    assert item.current_version.name == "高校毕业生租房补贴"  # still the published one
    actions = set(draft.events.values_list("action", flat=True))
    assert actions == {CatalogEventAction.DRAFT_CREATED, CatalogEventAction.IMPORTED}


def test_an_item_with_a_draft_in_progress_is_not_overwritten(catalog):
    item = ServiceItem.objects.get(code="11210213A00001")
    version_create_draft(item=item, actor=None)
    data = edit(catalog_export(), "事项", {(2, "关键词"): "新关键词"})

    result = catalog_import(data, actor=None, publish=True)

    assert not result.ok
    [error] = result.errors
    assert (error.sheet, error.row, error.column) == ("事项", 2, "A")
    assert "已有草稿版本" in error.message
    assert item.versions.count() == 2


def assert_refused(data: bytes, expected: list[tuple]):
    """Nothing imported; each expected (sheet, row, column header, text) is listed."""
    items, versions, events = (
        ServiceItem.objects.count(),
        ItemVersion.objects.count(),
        CatalogEvent.objects.count(),
    )
    result = catalog_import(data, actor=None, publish=True)
    assert not result.ok
    listed = [(e.sheet, e.row, e.header, e.message) for e in result.errors]
    for sheet, row, header, text in expected:
        assert any((s, r, h) == (sheet, row, header) and text in m for s, r, h, m in listed), (
            f"{(sheet, row, header, text)} not in {listed}"
        )
    assert (
        ServiceItem.objects.count(),
        ItemVersion.objects.count(),
        CatalogEvent.objects.count(),
    ) == (items, versions, events)
    return result.errors


@pytest.fixture
def exported(catalog):
    """The catalog's workbook, then an empty catalog to import it into."""
    data = catalog_export()
    wipe_catalog()
    return data


def test_missing_column_is_refused(exported):
    data = edit(exported, "事项", delete_column="事项类型")
    errors = assert_refused(data, [("事项", 1, "事项类型", "缺少列「事项类型」")])
    assert str(errors[0]) == "事项 第 1 行 「事项类型」列：缺少列「事项类型」。"


def test_missing_sheet_is_refused(exported):
    workbook = load_workbook(io.BytesIO(exported))
    del workbook["环节"]
    out = io.BytesIO()
    workbook.save(out)
    assert_refused(out.getvalue(), [("环节", None, "", "缺少工作表「环节」")])


def test_bad_code_value_is_refused_with_its_cell(exported):
    data = edit(exported, "事项", {(2, "事项类型"): "99"})
    errors = assert_refused(data, [("事项", 2, "事项类型", "代码「99」无效")])
    assert errors[0].column == column_letter(exported, "事项", "事项类型") == "D"
    assert "01 行政许可" in errors[0].message


def test_unknown_department_is_refused(exported):
    data = edit(exported, "事项", {(3, "实施主体编码"): "NOPE"})
    assert_refused(data, [("事项", 3, "实施主体编码", "未知的部门编码「NOPE」")])


def test_promised_longer_than_statutory_is_refused(exported):
    data = edit(exported, "事项", {(4, "承诺办结时限（工作日）"): 30})
    assert_refused(
        data, [("事项", 4, "承诺办结时限（工作日）", "承诺办结时限不能超过法定办结时限")]
    )


def test_duplicate_item_code_in_the_file_is_refused(exported):
    data = append_row(exported, "事项", copy_row=3)
    assert_refused(data, [("事项", 5, "实施编码", "与第 3 行重复")])


def test_each_check_constraint_is_reported_in_chinese(exported):
    data = edit(
        exported,
        "事项",
        {
            (2, "办件类型"): "1",  # 即办件 with a promised limit
            (3, "到办事现场次数"): 2,  # fully online but visits
            (4, "可网上办理"): "是",
            (4, "全程网办"): "是",  # fully online, 1 visit
        },
    )
    errors = assert_refused(
        data,
        [
            ("事项", 2, "承诺办结时限（工作日）", "即办件的承诺时限必须为 0"),
            ("事项", 3, "到办事现场次数", "全程网办的事项到现场次数必须为 0"),
            ("事项", 4, "到办事现场次数", "全程网办的事项到现场次数必须为 0"),
        ],
    )
    assert len(errors) >= 3


def test_material_and_step_sheets_are_checked(exported):
    data = edit(
        exported,
        "材料",
        {
            (2, "实施编码"): "NO-SUCH-ITEM",
            (3, "允许容缺"): "也许",
            (6, "必要性"): "optional",  # 容缺 on an optional material
        },
    )
    data = edit(data, "环节", {(2, "办理部门编码"): "XX", (3, "环节时限（工作日）"): "三天"})
    assert_refused(
        data,
        [
            ("材料", 2, "实施编码", "「事项」表中没有实施编码「NO-SUCH-ITEM」"),
            ("材料", 3, "允许容缺", "应填写“是”或“否”"),
            ("材料", 6, "允许容缺", "只有必要材料才能设置为允许容缺"),
            ("环节", 2, "办理部门编码", "未知的部门编码「XX」"),
            ("环节", 3, "环节时限（工作日）", "「三天」不是整数"),
        ],
    )


def test_steps_longer_than_the_promise_are_refused(exported):
    data = edit(exported, "环节", {(7, "环节时限（工作日）"): 9})  # 供水报装 踏勘: 1+9+5 > 11
    assert_refused(data, [("事项", 4, "承诺办结时限（工作日）", "最长路径共 15 个工作日")])


def test_an_item_without_materials_is_refused(exported):
    workbook = load_workbook(io.BytesIO(exported))
    ws = workbook["材料"]
    for row in range(ws.max_row, 1, -1):
        if ws.cell(row=row, column=1).value == "11210213A00002":
            ws.delete_rows(row)
    out = io.BytesIO()
    workbook.save(out)
    assert_refused(out.getvalue(), [("事项", 3, "实施编码", "没有申请材料")])


def test_every_error_of_the_file_is_listed_at_once(exported):
    data = append_row(exported, "事项", copy_row=2)
    data = edit(
        data,
        "事项",
        {(2, "事项类型"): "99", (3, "实施主体编码"): "NOPE", (4, "主题分类"): "无此主题"},
    )
    errors = assert_refused(
        data,
        [
            ("事项", 2, "事项类型", "无效"),
            ("事项", 3, "实施主体编码", "未知的部门编码"),
            ("事项", 4, "主题分类", "无效"),
            ("事项", 5, "实施编码", "重复"),
        ],
    )
    assert len(errors) == 4


def test_a_file_that_is_not_excel_is_refused(db):
    records, errors = read_workbook(b"not a spreadsheet")
    assert records == []
    assert errors[0].message.startswith("无法读取文件")


def test_codes_typed_as_numbers_and_labels_are_understood(exported):
    data = edit(exported, "事项", {(2, "事项类型"): 1, (3, "事项类型"): "行政许可"})
    result = catalog_import(data, actor=None, publish=True)
    assert result.ok, [str(e) for e in result.errors]
    assert set(ItemVersion.objects.values_list("item_type", flat=True)) == {"01"}


def test_management_commands_export_and_import(catalog, tmp_path):
    path = tmp_path / "catalog.xlsx"
    call_command("catalog_export", str(path), stdout=io.StringIO())
    data = path.read_bytes()
    wipe_catalog()

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(edit(data, "事项", {(2, "事项类型"): "99"}))
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("catalog_import", str(bad), "--publish", stdout=io.StringIO())
    assert not ServiceItem.objects.exists()

    out = io.StringIO()
    call_command("catalog_import", str(path), "--publish", stdout=out)
    assert "新增事项 3 项" in out.getvalue()
    assert ServiceItem.objects.filter(current_version__isnull=False).count() == 3
