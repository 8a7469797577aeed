"""The water-body register spreadsheet (SPEC §2): its column layout, reading .xlsx/.csv files into typed rows,
and writing the register back into a workbook. No database access here: rivers/services.py validates the rows
against the models and writes them (docs/register.md describes the layout for the offices).

Three sheets (one .xlsx with three worksheets, or one .csv file per sheet):
places (counties, townships, villages), water_bodies, segments. Row 1 is the header, in Chinese or with the
English column keys; columns may come in any order. Every cell problem is reported with the row number the user
sees in the spreadsheet program (header = row 1).
"""

import csv
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

# Excel keeps at most this many characters in a cell and silently cuts longer text.
EXCEL_CELL_LIMIT = 32767


@dataclass(frozen=True)
class Column:
    key: str  # English key: accepted as a header, used in code
    header: str  # Chinese header written on export
    aliases: tuple[str, ...] = ()  # further headers accepted on import


PLACES = "places"
WATER_BODIES = "water_bodies"
SEGMENTS = "segments"

LAYOUT: dict[str, tuple[Column, ...]] = {
    PLACES: (
        Column("county_code", "县级编码"),
        Column("county_name", "县级名称"),
        Column("county_kind", "县级类型"),
        Column("township_code", "乡镇编码"),
        Column("township_name", "乡镇名称"),
        Column("village_code", "村编码"),
        Column("village_name", "村名称"),
    ),
    WATER_BODIES: (
        Column("code", "编码"),
        Column("name", "名称"),
        Column("kind", "类型"),
        Column("size_class", "规模"),
        Column("basin", "流域"),
        Column("length_km", "长度(公里)", aliases=("长度",)),
    ),
    SEGMENTS: (
        Column("code", "编码"),
        Column("name", "名称"),
        Column("water_body_code", "河湖库编码"),
        Column("township_code", "乡镇编码"),
        Column("length_km", "长度(公里)", aliases=("长度",)),
        Column("village_codes", "途经村编码", aliases=("途经村",)),
        Column("basis", "配备依据"),
        Column("required_patrollers", "核定人数"),
        Column("river_chiefs", "河长"),
        Column("geometry", "空间范围(GeoJSON)", aliases=("空间范围", "GeoJSON")),
    ),
}
SHEET_ORDER = (PLACES, WATER_BODIES, SEGMENTS)
# Worksheet titles and CSV file names (without .csv) accepted for each sheet.
SHEET_NAMES = {
    PLACES: (PLACES, "行政区划"),
    WATER_BODIES: (WATER_BODIES, "河湖库"),
    SEGMENTS: (SEGMENTS, "河段"),
}

# Allowed values of the choice columns: model value → the Chinese words written on export (first) and accepted on
# import (all of them, and the model value itself). Kept here, not read from the model labels, because the file
# format must stay stable when a label's wording changes; tests check every model choice is covered.
COUNTY_KINDS = {"district": ("市辖区", "区"), "city": ("县级市",), "county": ("县",), "zone": ("功能区",)}
WATER_BODY_KINDS = {"river": ("河流", "河"), "lake": ("湖泊", "湖"), "reservoir": ("水库",)}
SIZE_CLASSES = {
    "large": ("大型",),
    "medium": ("中型",),
    "small_1": ("小(1)型", "小1型", "小一型", "小Ⅰ型"),
    "small_2": ("小(2)型", "小2型", "小二型", "小Ⅱ型"),
}
BASINS = {"yellow_river": ("黄河", "黄河流域"), "huai_river": ("淮河", "淮河流域")}
BASES = {"length": ("按长度", "长度", "按长度(每公里1名)"), "village": ("按村", "村", "按村(每村1名)")}

# Village codes in one cell: separated by 、 ; , or white space (full-width ；， become ;, under NFKC).
VILLAGE_SEPARATORS = re.compile(r"[、;,\s]+")


@dataclass(frozen=True)
class RegisterError:
    """One problem, shown to the user as `segments 第3行“长度(公里)”：…`."""

    sheet: str
    row: int | None
    message: str
    column: str | None = None

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where = _("%(sheet)s 第%(row)d行") % {"sheet": self.sheet, "row": self.row}
        if self.column:
            where += f"“{self.column}”"
        return f"{where}：{self.message}"

    def sort_key(self) -> tuple[int, int]:
        """Sheets in layout order, rows in order; problems of whole files first, as they came."""
        key = _sheet_key(self.sheet)
        return (SHEET_ORDER.index(key) if key else -1, self.row or 0)


@dataclass
class Table:
    """One sheet as read from a file: `rows` holds (row number, {column key: raw cell value})."""

    key: str
    label: str
    source: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    row_errors: list[RegisterError] = field(default_factory=list)


@dataclass
class PlaceRow:
    row: int
    county_code: str
    county_name: str
    county_kind: str
    township_code: str
    township_name: str
    village_code: str
    village_name: str


@dataclass
class WaterBodyRow:
    row: int
    code: str
    name: str
    kind: str
    size_class: str
    basin: str
    length_km: Decimal | None


@dataclass
class SegmentRow:
    row: int
    code: str
    name: str
    water_body_code: str
    township_code: str
    length_km: Decimal | None
    village_codes: list[str]
    basis: str
    required_patrollers: int | None
    river_chiefs: str
    geometry: dict | None


@dataclass
class ParsedRegister:
    """Typed rows of every sheet given. A row with a cell error is in `errors` and in `failed`, not in the lists."""

    sheets: dict[str, str] = field(default_factory=dict)  # sheet key → label used in messages
    places: list[PlaceRow] = field(default_factory=list)
    water_bodies: list[WaterBodyRow] = field(default_factory=list)
    segments: list[SegmentRow] = field(default_factory=list)
    failed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # sheet key → raw values of bad rows
    errors: list[RegisterError] = field(default_factory=list)


def header_of(sheet: str, key: str) -> str:
    return next(column.header for column in LAYOUT[sheet] if column.key == key)


# ---------------------------------------------------------------------------------------------- reading files


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


def _sheet_key(name: str) -> str | None:
    wanted = _normalize(name).lower()
    for key, names in SHEET_NAMES.items():
        if wanted in (_normalize(n).lower() for n in names):
            return key
    return None


def _read_xlsx(name: str, content: bytes) -> tuple[list[Table], list[RegisterError]]:
    try:
        # data_only: formulas count with the value Excel computed, as the user sees it.
        workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        return [], [RegisterError(name, None, _("无法读取该Excel文件，请确认是.xlsx格式。"))]
    tables, errors = [], []
    for worksheet in workbook.worksheets:
        key = _sheet_key(worksheet.title)
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
    key = _sheet_key(Path(name).stem)
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
        _normalize(name).lower(): column.key
        for column in LAYOUT[key]
        for name in (column.key, column.header, *column.aliases)
    }
    for index, value in enumerate(header):
        text = _normalize(_text(value))
        if not text:
            continue
        column_key = accepted.get(text.lower())
        if column_key is None:
            errors.append(RegisterError(label, 1, _("无法识别的列“%(column)s”。") % {"column": text}))
        elif column_key in columns.values():
            errors.append(RegisterError(label, 1, _("列“%(column)s”重复。") % {"column": text}))
        else:
            columns[index] = column_key
    missing = [column.header for column in LAYOUT[key] if column.key not in columns.values()]
    if missing:
        errors.append(RegisterError(label, 1, _("缺少列：%(columns)s。") % {"columns": _("、").join(missing)}))
    if errors:
        return table, errors
    for number, values in rows:
        if _empty(values):
            continue
        if any(_text(v).strip() for i, v in enumerate(values) if i not in columns):
            # A note typed beside the table: the row is refused, the other rows are still checked.
            table.row_errors.append(RegisterError(label, number, _("表头以外的列有内容。")))
            continue
        table.rows.append((number, {columns[i]: v for i, v in enumerate(values) if i in columns}))
    return table, errors


# ---------------------------------------------------------------------------------------------- typed rows


class _Cells:
    """Reads one row's cells into typed values, collecting a message per bad cell."""

    def __init__(self, sheet: str, label: str, number: int, values: dict[str, Any]) -> None:
        self.sheet, self.label, self.number, self.values = sheet, label, number, values
        self.errors: list[RegisterError] = []

    def error(self, key: str, message: str) -> None:
        self.errors.append(RegisterError(self.label, self.number, message, header_of(self.sheet, key)))

    def text(self, key: str) -> str:
        return _text(self.values.get(key)).strip()

    def code(self, key: str) -> str:
        value = self.values.get(key)
        # A code typed into Excel as a number comes back as int (or float): 410105 must stay "410105".
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return _normalize(_text(value))

    def choice(self, key: str, choices: dict[str, tuple[str, ...]]) -> str:
        text = _normalize(self.text(key))
        if not text:
            return ""
        for value, words in choices.items():
            if text.lower() == value or text in (_normalize(w) for w in words):
                return value
        allowed = _("、").join(words[0] for words in choices.values())
        self.error(key, _("“%(value)s”不是可用的值，可填：%(allowed)s。") % {"value": text, "allowed": allowed})
        return ""

    def decimal(self, key: str) -> Decimal | None:
        value = self.values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, float):
            # repr() is the shortest text that reads back as the same float: the 4.01 the user typed,
            # never the binary 4.0099999999999997868371792719699442386627197265625.
            number = Decimal(repr(value))
        else:
            try:
                number = Decimal(_normalize(str(value)))
            except InvalidOperation:
                number = None
        if number is None or not number.is_finite():
            self.error(key, _("应填写数字，例如4.01。"))
            return None
        try:
            hundredths = number.quantize(Decimal("0.01"))
        except InvalidOperation:  # more digits than a Decimal context holds: no length is that long
            self.error(key, _("数值超出范围。"))
            return None
        # "4.010" is exactly 4.01, but 4.005 cannot be kept in hundredths: refuse rather than round.
        if number != hundredths:
            self.error(key, _("最多两位小数(精确到0.01公里)。"))
            return None
        return hundredths

    def integer(self, key: str) -> int | None:
        value = self.values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = _normalize(str(value))
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        self.error(key, _("应填写整数。"))
        return None

    def code_list(self, key: str) -> list[str]:
        value = self.values.get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        codes = [c for c in VILLAGE_SEPARATORS.split(_normalize(_text(value))) if c]
        return list(dict.fromkeys(codes))  # the same village twice is once

    def geojson(self, key: str) -> dict | None:
        text = self.text(key)
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            self.error(key, _("不是有效的GeoJSON文本。"))
            return None
        if isinstance(value, dict) and value.get("type") == "Feature":
            value = value.get("geometry")  # a Feature copied from a map tool: keep its geometry
        if not isinstance(value, dict):
            self.error(key, _("空间范围必须是GeoJSON几何对象。"))
            return None
        return value


def parse_tables(tables: dict[str, Table]) -> ParsedRegister:
    parsed = ParsedRegister(sheets={key: table.label for key, table in tables.items()})
    for key in SHEET_ORDER:
        table = tables.get(key)
        if table is None:
            continue
        parsed.failed[key] = []
        parsed.errors.extend(table.row_errors)
        for number, values in table.rows:
            cells = _Cells(key, table.label, number, values)
            row = _ROW_PARSERS[key](cells)
            if cells.errors:
                parsed.errors.extend(cells.errors)
                parsed.failed[key].append({k: cells.code(k) for k in values if k.endswith("code")})
            else:
                getattr(parsed, key).append(row)
    return parsed


def _place_row(cells: _Cells) -> PlaceRow:
    row = PlaceRow(
        row=cells.number,
        county_code=cells.code("county_code"),
        county_name=cells.text("county_name"),
        county_kind=cells.choice("county_kind", COUNTY_KINDS),
        township_code=cells.code("township_code"),
        township_name=cells.text("township_name"),
        village_code=cells.code("village_code"),
        village_name=cells.text("village_name"),
    )
    if not row.county_code:
        cells.error("county_code", _("必须填写县级编码。"))
    if row.township_name and not row.township_code:
        cells.error("township_code", _("填写了乡镇名称，必须同时填写乡镇编码。"))
    if row.village_name and not row.village_code:
        cells.error("village_code", _("填写了村名称，必须同时填写村编码。"))
    if row.village_code and not row.township_code:
        cells.error("township_code", _("村必须属于一个乡镇，请填写乡镇编码。"))
    return row


def _water_body_row(cells: _Cells) -> WaterBodyRow:
    row = WaterBodyRow(
        row=cells.number,
        code=cells.code("code"),
        name=cells.text("name"),
        kind=cells.choice("kind", WATER_BODY_KINDS),
        size_class=cells.choice("size_class", SIZE_CLASSES),
        basin=cells.choice("basin", BASINS),
        length_km=cells.decimal("length_km"),
    )
    if not row.code:
        cells.error("code", _("必须填写编码。"))
    return row


def _segment_row(cells: _Cells) -> SegmentRow:
    row = SegmentRow(
        row=cells.number,
        code=cells.code("code"),
        name=cells.text("name"),
        water_body_code=cells.code("water_body_code"),
        township_code=cells.code("township_code"),
        length_km=cells.decimal("length_km"),
        village_codes=cells.code_list("village_codes"),
        basis=cells.choice("basis", BASES) or "length",
        required_patrollers=cells.integer("required_patrollers"),
        river_chiefs=cells.text("river_chiefs"),
        geometry=cells.geojson("geometry"),
    )
    if not row.code:
        cells.error("code", _("必须填写编码。"))
    if not row.water_body_code:
        cells.error("water_body_code", _("必须填写河湖库编码。"))
    if not row.township_code:
        cells.error("township_code", _("必须填写乡镇编码。"))
    return row


_ROW_PARSERS = {PLACES: _place_row, WATER_BODIES: _water_body_row, SEGMENTS: _segment_row}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _normalize(text: str) -> str:
    """Full-width letters, digits and brackets as typed by Chinese input methods become their ASCII forms."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _empty(values: Sequence[Any]) -> bool:
    return all(not _text(v).strip() for v in values)


# ---------------------------------------------------------------------------------------------- writing


def label_of(choices: dict[str, tuple[str, ...]], value: str) -> str:
    return choices[value][0] if value else ""


def write_workbook(rows: dict[str, Iterable[Sequence[Any]]], output: IO[bytes]) -> None:
    """Write the three sheets (rows in LAYOUT column order) as an .xlsx workbook that import reads back."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    code_columns = {"county_code", "township_code", "village_code", "code", "water_body_code", "village_codes"}
    for key in SHEET_ORDER:
        worksheet = workbook.create_sheet(key)
        columns = LAYOUT[key]
        worksheet.append([column.header for column in columns])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for values in rows.get(key, ()):
            worksheet.append([None if value == "" else value for value in values])
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            worksheet.column_dimensions[letter].width = 40 if column.key == "geometry" else 16
            if column.key in code_columns:
                # Text format, so that a code typed later stays text (leading zeros, long digit strings).
                for (cell,) in worksheet.iter_rows(min_col=index, max_col=index, min_row=2):
                    cell.number_format = "@"
            elif column.key == "length_km":
                for (cell,) in worksheet.iter_rows(min_col=index, max_col=index, min_row=2):
                    cell.number_format = "0.00"
        worksheet.freeze_panes = "A2"
    workbook.save(output)
