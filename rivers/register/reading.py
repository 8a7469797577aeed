"""Reading .xlsx and .csv files into tables by sheet key: the header row mapped to column keys, structure
problems (unknown, duplicate or missing columns, files that cannot be read) reported as errors."""

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from rivers.register.common import RegisterError, Table, cell_text, normalize, sheet_key
from rivers.register.layout import LAYOUT


def files_from_paths(paths: Iterable[str | Path]) -> list[tuple[str, bytes]]:
    """Read the files named on the command line; a directory stands for the .xlsx and .csv files inside it."""
    files: list[tuple[str, bytes]] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in (".xlsx", ".csv") and p.is_file())
            files.extend((p.name, p.read_bytes()) for p in inside if not p.name.startswith("~$"))
        else:
            files.append((path.name, path.read_bytes()))
    return files


def read_files(files: Sequence[tuple[str, bytes]]) -> tuple[dict[str, Table], list[RegisterError]]:
    """Read uploaded or named files into tables by sheet key; errors are problems of the files' structure."""
    tables: dict[str, Table] = {}
    errors: list[RegisterError] = []
    if not files:
        return tables, [RegisterError(_("登记册"), None, _("没有提供文件。"))]
    for name, content in files:
        suffix = Path(name).suffix.lower()
        if suffix == ".xlsx":
            found, problems = _read_xlsx(name, content)
        elif suffix == ".csv":
            found, problems = _read_csv(name, content)
        else:
            found, problems = [], [RegisterError(name, None, _("不支持的文件类型，请使用.xlsx或.csv文件。"))]
        errors.extend(problems)
        for table in found:
            if table.key in tables:
                message = _("%(sheet)s表重复提供(%(first)s和%(second)s)。") % {
                    "sheet": table.key,
                    "first": tables[table.key].source,
                    "second": table.source,
                }
                errors.append(RegisterError(table.label, None, message))
            else:
                tables[table.key] = table
    if not tables and not errors:
        errors.append(RegisterError(_("登记册"), None, _("文件中没有places、water_bodies或segments表。")))
    return tables, errors


def _read_xlsx(name: str, content: bytes) -> tuple[list[Table], list[RegisterError]]:
    try:
        # data_only: formulas count with the value Excel computed, as the user sees it.
        workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        return [], [RegisterError(name, None, _("无法读取该Excel文件，请确认是.xlsx格式。"))]
    tables, errors = [], []
    for worksheet in workbook.worksheets:
        key = sheet_key(worksheet.title)
        if key is None:
            continue  # e.g. a sheet of explanations
        rows = ((cells[0].row, [cell.value for cell in cells]) for cells in worksheet.iter_rows() if cells)
        table, problems = _table(key, worksheet.title, name, rows)
        tables.append(table)
        errors.extend(problems)
    if not tables:
        errors.append(RegisterError(name, None, _("文件中没有places、water_bodies或segments工作表。")))
    return tables, errors


def _read_csv(name: str, content: bytes) -> tuple[list[Table], list[RegisterError]]:
    key = sheet_key(Path(name).stem)
    if key is None:
        message = _("无法判断这是哪张表：CSV文件应命名为places.csv、water_bodies.csv或segments.csv。")
        return [], [RegisterError(name, None, message)]
    # Excel saves "CSV UTF-8" with a BOM, and plain "CSV" in the system code page (GB18030 on Chinese Windows).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return [], [RegisterError(name, None, _("无法识别文件编码，请另存为UTF-8编码的CSV文件。"))]
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return [], [RegisterError(name, None, _("CSV格式有误，无法读取。"))]
    # A record's position is the row number a spreadsheet program shows, even when a cell spans several lines.
    table, errors = _table(key, Path(name).stem, name, enumerate(records, start=1))
    return [table], errors


def _table(
    key: str, label: str, source: str, rows: Iterable[tuple[int, list[Any]]]
) -> tuple[Table, list[RegisterError]]:
    table = Table(key=key, label=label, source=source)
    errors: list[RegisterError] = []
    rows = iter(rows)
    number, header = next(rows, (1, []))
    if number != 1 or _empty(header):
        return table, [RegisterError(label, 1, _("第1行必须是表头。"))]
    columns: dict[int, str] = {}
    accepted = {
        normalize(name).lower(): column.key
        for column in LAYOUT[key]
        for name in (column.key, column.header, *column.aliases)
    }
    for index, value in enumerate(header):
        text = normalize(cell_text(value))
        if not text:
            continue
        column_key = accepted.get(text.lower())
        if column_key is None:
            errors.append(RegisterError(label, 1, _("无法识别的列“%(column)s”。") % {"column": text}))
        elif column_key in columns.values():
            errors.append(RegisterError(label, 1, _("列“%(column)s”重复。") % {"column": text}))
        else:
            columns[index] = column_key
    missing = [column.header for column in LAYOUT[key] if not column.optional and column.key not in columns.values()]
    if missing:
        errors.append(RegisterError(label, 1, _("缺少列：%(columns)s。") % {"columns": _("、").join(missing)}))
    if errors:
        return table, errors
    for number, values in rows:
        if _empty(values):
            continue
        if any(cell_text(v).strip() for i, v in enumerate(values) if i not in columns):
            # A note typed beside the table: the row is refused, the other rows are still checked.
            table.row_errors.append(RegisterError(label, number, _("表头以外的列有内容。")))
            continue
        # Every column of the header is in the row (a short CSV row leaves its last cells empty): a key is missing
        # only when the file has no such column (an optional one), which leaves the field as it is.
        table.rows.append((number, {key: values[i] if i < len(values) else None for i, key in columns.items()}))
    return table, errors


def _empty(values: Sequence[Any]) -> bool:
    return all(not cell_text(v).strip() for v in values)
