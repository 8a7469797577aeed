"""The water-body register spreadsheet (SPEC §2): its column layout, reading .xlsx/.csv files into typed rows,
and writing the register back into a workbook. No database access here: rivers.services validates the rows
against the models and writes them (docs/register.md describes the layout for the offices).

Three sheets (one .xlsx with three worksheets, or one .csv file per sheet):
places (counties, townships, villages), water_bodies, segments. Row 1 is the header, in Chinese or with the
English column keys; columns may come in any order. Every cell problem is reported with the row number the user
sees in the spreadsheet program (header = row 1).

One module per job: `layout` (the columns, sheet names and the words of the choice columns), `reading` (files into
tables), `rows` (tables into typed rows, every bad cell reported), `writing` (the export workbook); `common` holds
what they share (the error, the table, cell text). Callers import from here.
"""

from rivers.register.common import RegisterError, Table
from rivers.register.layout import (
    BASES,
    BASINS,
    COUNTY_KINDS,
    EXCEL_CELL_LIMIT,
    LAYOUT,
    PLACES,
    SEGMENTS,
    SHEET_NAMES,
    SHEET_ORDER,
    SIZE_CLASSES,
    VILLAGE_SEPARATORS,
    WATER_BODIES,
    WATER_BODY_KINDS,
    Column,
    header_of,
)
from rivers.register.reading import files_from_paths, read_files
from rivers.register.rows import ParsedRegister, PlaceRow, SegmentRow, WaterBodyRow, parse_tables
from rivers.register.writing import label_of, write_workbook

__all__ = [
    "BASES",
    "BASINS",
    "COUNTY_KINDS",
    "EXCEL_CELL_LIMIT",
    "LAYOUT",
    "PLACES",
    "SEGMENTS",
    "SHEET_NAMES",
    "SHEET_ORDER",
    "SIZE_CLASSES",
    "VILLAGE_SEPARATORS",
    "WATER_BODIES",
    "WATER_BODY_KINDS",
    "Column",
    "ParsedRegister",
    "PlaceRow",
    "RegisterError",
    "SegmentRow",
    "Table",
    "WaterBodyRow",
    "files_from_paths",
    "header_of",
    "label_of",
    "parse_tables",
    "read_files",
    "write_workbook",
]
