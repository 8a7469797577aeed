"""The register's layout: sheets, their columns (Chinese header, English key, accepted aliases) and the words
of the choice columns. docs/register.md describes the same layout for the offices."""

import re
from dataclasses import dataclass

# Excel keeps at most this many characters in a cell and silently cuts longer text.
EXCEL_CELL_LIMIT = 32767


@dataclass(frozen=True)
class Column:
    key: str  # English key: accepted as a header, used in code
    header: str  # Chinese header written on export
    aliases: tuple[str, ...] = ()  # further headers accepted on import
    # A column added after files were already in use: a file without it imports, leaving the field as it is.
    optional: bool = False


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
        Column("dam_township_code", "坝址乡镇编码", aliases=("坝址所在乡镇编码", "坝址乡镇"), optional=True),
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


def header_of(sheet: str, key: str) -> str:
    return next(column.header for column in LAYOUT[sheet] if column.key == key)
