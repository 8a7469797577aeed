"""What reading and typing the rows share: the error reported to the user, a sheet as read from a file, which
sheet a worksheet or file name stands for, and a cell's text as the user typed it."""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from rivers.register.layout import SHEET_NAMES, SHEET_ORDER


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
        key = sheet_key(self.sheet)
        return (SHEET_ORDER.index(key) if key else -1, self.row or 0)


@dataclass
class Table:
    """One sheet as read from a file: `rows` holds (row number, {column key: raw cell value})."""

    key: str
    label: str
    source: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    row_errors: list[RegisterError] = field(default_factory=list)


def sheet_key(name: str) -> str | None:
    wanted = normalize(name).lower()
    for key, names in SHEET_NAMES.items():
        if wanted in (normalize(n).lower() for n in names):
            return key
    return None


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalize(text: str) -> str:
    """Full-width letters, digits and brackets as typed by Chinese input methods become their ASCII forms."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
