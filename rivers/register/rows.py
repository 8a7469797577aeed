"""Typed rows: each table's raw cells read into places, water bodies and segments, every bad cell reported
with its sheet, row and column."""

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from rivers.register.common import RegisterError, Table, cell_text, normalize
from rivers.register.layout import (
    BASES,
    BASINS,
    COUNTY_KINDS,
    PLACES,
    SEGMENTS,
    SHEET_ORDER,
    SIZE_CLASSES,
    VILLAGE_SEPARATORS,
    WATER_BODIES,
    WATER_BODY_KINDS,
    header_of,
)


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
    dam_township_code: str | None = None  # None: the file has no such column (the field stays as it is)


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


class _Cells:
    """Reads one row's cells into typed values, collecting a message per bad cell."""

    def __init__(self, sheet: str, label: str, number: int, values: dict[str, Any]) -> None:
        self.sheet, self.label, self.number, self.values = sheet, label, number, values
        self.errors: list[RegisterError] = []

    def error(self, key: str, message: str) -> None:
        self.errors.append(RegisterError(self.label, self.number, message, header_of(self.sheet, key)))

    def text(self, key: str) -> str:
        return cell_text(self.values.get(key)).strip()

    def code(self, key: str) -> str:
        value = self.values.get(key)
        # A code typed into Excel as a number comes back as int (or float): 410105 must stay "410105".
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return normalize(cell_text(value))

    def choice(self, key: str, choices: dict[str, tuple[str, ...]]) -> str:
        text = normalize(self.text(key))
        if not text:
            return ""
        for value, words in choices.items():
            if text.lower() == value or text in (normalize(w) for w in words):
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
                number = Decimal(normalize(str(value)))
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
        text = normalize(str(value))
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        self.error(key, _("应填写整数。"))
        return None

    def code_list(self, key: str) -> list[str]:
        value = self.values.get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        codes = [c for c in VILLAGE_SEPARATORS.split(normalize(cell_text(value))) if c]
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
        dam_township_code=cells.code("dam_township_code") if "dam_township_code" in cells.values else None,
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
