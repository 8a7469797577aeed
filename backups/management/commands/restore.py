"""`manage.py restore PATH [--force] [--no-media]`: put a backup of `manage.py backup` back and check it
(backups/services.py; docs/deploy.md "Backups")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backups import services


class Command(BaseCommand):
    help = (
        "从 manage.py backup 的备份恢复数据库和媒体文件，并核对各表行数与照片校验和。"
        "数据库中已有数据时拒绝执行，除非加 --force(将清空现有数据)。恢复期间请停止服务。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="备份目录或 .tar 文件")
        parser.add_argument("--force", action="store_true", help="数据库中已有数据时也恢复(现有数据将被替换)")
        parser.add_argument("--no-media", action="store_true", help="只恢复数据库，不写回媒体文件")

    def handle(self, *args, **options) -> None:
        try:
            directory, done = services.open_backup(Path(options["path"]))
        except (OSError, services.BackupError) as error:
            raise CommandError(str(error)) from None
        try:
            manifest = services.read_manifest(directory)
            held = services.holds_data()
            if held and not options["force"]:
                tables = ", ".join(f"{table} ({count})" for table, count in sorted(held.items())[:5])
                raise CommandError(
                    _("数据库中已有数据(%(tables)s…)，拒绝恢复。确需用备份替换现有数据请加 --force。")
                    % {"tables": tables}
                )
            services.restore_database(directory, manifest)
            self.stdout.write(_("数据库已恢复：%(tables)d张表。") % {"tables": len(manifest["tables"])})
            if not options["no_media"]:
                written, present = services.restore_media(directory, manifest, progress=self.stdout.write)
                self.stdout.write(
                    _("媒体文件：写回%(written)d个，%(present)d个原已存在且一致。")
                    % {"written": written, "present": present}
                )
                problems = services.verify(manifest)
            else:
                problems = services.verify({**manifest, "media": "skipped"})
        except services.BackupError as error:
            raise CommandError(str(error)) from None
        finally:
            done()
        if problems:
            raise CommandError(_("恢复后核对不一致：") + "; ".join(problems[:20]))
        self.stdout.write(
            _("核对无误：各表行数与备份一致，%(photos)d张照片的校验和一致。") % {"photos": len(manifest["photos"])}
        )
