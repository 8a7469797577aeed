"""Daily cron: contracts whose end has passed end, and people not renewed turn `expired` (SPEC §4)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from staffing import services

PROGRESS_EVERY = 500


class Command(BaseCommand):
    help = "合同到期处理：结束日期已过的合同标记为到期，未续聘的巡察员转为合同期满。可重复运行。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="当天日期 YYYY-MM-DD(默认今天)；结束日期早于该日的合同到期")
        parser.add_argument(
            "--progress-every",
            type=int,
            default=PROGRESS_EVERY,
            help=f"长时间运行时每处理这么多份合同报告一次进度(默认 {PROGRESS_EVERY})",
        )

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = parse_date(options["date"])
            except ValueError:
                today = None
            if today is None:
                raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}")
        every = options["progress_every"]
        if every < 1:
            raise CommandError("--progress-every must be at least 1")
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            # The day after a year's contracts end together (thousands at once), one line every `every` contracts.
            if done % every == 0 and done < total:
                self.stdout.write(f"{done}/{total} contract(s) handled ({time.monotonic() - started:.1f} s)")
                self.stdout.flush()

        ended = services.contracts_expire(today=today, progress=progress)
        self.stdout.write(f"{ended} contract(s) ended before {today.isoformat()}")
