"""`manage.py rebuild_summaries [--month YYYY-MM …]`: recompute the monthly figures of the overview from the facts."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from assessments.rules import parse_month
from overview.summaries import summaries_rebuild


class Command(BaseCommand):
    help = (
        "从巡察员在岗天数、巡查日志和考核结果重新计算总览的月度汇总(巡察员月度汇总、乡镇月度汇总)。"
        "不指定 --month 时重算所有有数据的月份。升级后运行一次；汇总随每次写入自动更新，平时无需运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", action="append", default=[], help="YYYY-MM，可重复")

    def handle(self, *args, month: list[str], **options) -> None:
        months = []
        for value in month:
            parsed = parse_month(value)
            if parsed is None:
                raise CommandError(_("月份格式应为 YYYY-MM：%(value)s") % {"value": value})
            months.append(parsed)
        rows, sums = summaries_rebuild(months=months or None, stdout=self.stdout)
        self.stdout.write(
            _("已重算：巡察员月度汇总%(rows)d行，乡镇月度汇总%(sums)d行。") % {"rows": rows, "sums": sums}
        )
