"""`manage.py backup [--output DIR] [--archive] [--no-media] [--keep N]`: the database, the media files and a
manifest into a timestamped directory (backups/services.py; docs/deploy.md "Backups")."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backups import services


class Command(BaseCommand):
    help = (
        "备份数据库(PostgreSQL 用 pg_dump 自定义格式，SQLite 用在线备份)、照片等媒体文件，"
        "并写入清单(各表行数、每张照片的 SHA-256)，存入带时间戳的目录。服务运行中也可备份。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", default=str(settings.BACKUP_DIR), help="备份存放目录(默认 BACKUP_DIR)")
        parser.add_argument("--archive", action="store_true", help="打包为一个 .tar 文件")
        parser.add_argument(
            "--no-media", action="store_true", help="不复制媒体文件，只列出并校验(对象存储自有版本管理时)"
        )
        parser.add_argument("--keep", type=int, default=0, help="只保留最新的 N 份备份(默认全部保留)")

    def handle(self, *args, **options) -> None:
        if options["keep"] < 0:
            raise CommandError("--keep must be 0 or more")
        try:
            path = services.backup_create(
                output=Path(options["output"]),
                media=not options["no_media"],
                archive=options["archive"],
                keep=options["keep"],
                progress=self.stdout.write,
            )
        except services.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("备份完成：%(path)s") % {"path": path})
