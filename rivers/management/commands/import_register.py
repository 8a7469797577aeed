"""manage.py import_register FILE [FILE …]: load the water-body register from .xlsx or .csv (docs/register.md)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from rivers import register
from rivers.services import RegisterInvalid, register_import


class Command(BaseCommand):
    help = (
        "Import the water-body register: an .xlsx workbook with the sheets places, water_bodies and segments, "
        "or places.csv / water_bodies.csv / segments.csv (or a directory holding them). All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help=".xlsx or .csv files, or directories")

    def handle(self, *args, files: list[str], **options) -> None:
        try:
            contents = register.files_from_paths(files)
        except OSError as exc:
            raise CommandError(_("无法读取文件：%(error)s") % {"error": exc}) from exc
        try:
            summary = register_import(files=contents)
        except RegisterInvalid as exc:
            for error in exc.register_errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("登记册有%(count)d处错误，未导入任何数据。") % {"count": len(exc.register_errors)}
            ) from exc
        self.stdout.write(self.style.SUCCESS(_("导入完成：%(summary)s") % {"summary": summary}))
