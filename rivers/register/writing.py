"""Writing the register back into an .xlsx workbook in the import layout (export → import reproduces it)."""

from collections.abc import Iterable, Sequence
from typing import IO, Any

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from config import xlsx
from rivers.register.layout import LAYOUT, SHEET_ORDER


def label_of(choices: dict[str, tuple[str, ...]], value: str) -> str:
    return choices[value][0] if value else ""


def write_workbook(rows: dict[str, Iterable[Sequence[Any]]], output: IO[bytes]) -> None:
    """Write the three sheets (rows in LAYOUT column order) as an .xlsx workbook that import reads back."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    code_columns = {
        "county_code",
        "township_code",
        "village_code",
        "code",
        "water_body_code",
        "village_codes",
        "dam_township_code",
    }
    for key in SHEET_ORDER:
        worksheet = workbook.create_sheet(key)
        columns = LAYOUT[key]
        xlsx.append(worksheet, [column.header for column in columns])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for values in rows.get(key, ()):
            # Text stays text (config/xlsx.py): a name typed as "=…" reads back as typed, never as a formula.
            xlsx.append(worksheet, [None if value == "" else value for value in values])
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
