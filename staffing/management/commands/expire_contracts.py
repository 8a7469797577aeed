"""Daily cron: contracts whose end has passed end, and people not renewed turn `expired` (SPEC §4)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from staffing import services


class Command(BaseCommand):
    help = "合同到期处理：结束日期已过的合同标记为到期，未续聘的巡察员转为合同期满。可重复运行。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="当天日期 YYYY-MM-DD(默认今天)；结束日期早于该日的合同到期")

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = parse_date(options["date"])
            except ValueError:
                today = None
            if today is None:
                raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}")
        ended = services.contracts_expire(today=today)
        self.stdout.write(f"{ended} contract(s) ended before {today.isoformat()}")
