"""manage.py export_register FILE.xlsx: write the water-body register in the import layout (docs/register.md)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from rivers.services import register_export


class Command(BaseCommand):
    help = "Export the water-body register to an .xlsx workbook that import_register reads back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.xlsx")

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(_("导出文件名必须以.xlsx结尾。"))
        # Write next to the target and rename, so that a failed export never leaves half a workbook behind.
        partial = path.with_name(path.name + ".part")
        try:
            with partial.open("wb") as output:
                register_export(output=output)
            partial.replace(path)
        except ValidationError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(_("；").join(exc.messages)) from exc
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(_("无法写入文件：%(error)s") % {"error": exc}) from exc
        self.stdout.write(self.style.SUCCESS(_("登记册已导出到%(path)s") % {"path": path}))
