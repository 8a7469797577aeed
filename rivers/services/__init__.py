"""Writes to the water-body register: the spreadsheet import (all or nothing) and its export (docs/register.md).

`register_import` reads and checks the rows and upserts them; `register_export` writes them back in the same
layout. Callers import from here.
"""

from rivers.services.register_export import register_export
from rivers.services.register_import import REGISTER_MODELS, RegisterInvalid, register_import

__all__ = ["REGISTER_MODELS", "RegisterInvalid", "register_export", "register_import"]
