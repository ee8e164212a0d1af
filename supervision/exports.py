"""Excel exports of the supervision tables, with the page's filters applied.

The workbook is written in openpyxl's write-only mode (rows go to the file as they come,
memory stays flat) into a temporary file that the response then streams: a search of a
hundred thousand cases is read from the database in chunks and never held whole.
Text is written as text (a value starting with "=" never becomes a formula)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

CHUNK = 2000


class Sheet:
    def __init__(self, workbook: Workbook, title: str, headers: list[str], widths=None):
        self.sheet = workbook.create_sheet(title)
        # The header row stays in view while a long table scrolls.
        self.sheet.freeze_panes = "A2"
        for index, width in enumerate(widths or [], start=1):
            self.sheet.column_dimensions[_letter(index)].width = width
        bold = Font(bold=True)
        row = []
        for header in headers:
            cell = WriteOnlyCell(self.sheet, value=header)
            cell.font = bold
            row.append(cell)
        self.sheet.append(row)

    def append(self, values: Iterable) -> None:
        row = []
        for value in values:
            if isinstance(value, str):
                cell = WriteOnlyCell(self.sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"
                row.append(cell)
            else:
                row.append(value)
        self.sheet.append(row)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def to_file(workbook: Workbook):
    """The workbook saved to a temporary file, positioned at its start."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    workbook.save(file)
    file.seek(0)
    return file


def chunks(queryset, size: int = CHUNK):
    """The queryset's rows in lists of ``size`` (a server-side cursor on PostgreSQL)."""
    batch = []
    for row in queryset.iterator(chunk_size=size):
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
