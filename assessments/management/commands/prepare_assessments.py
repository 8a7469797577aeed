"""Monthly cron: township-level drafts with suggested scores for every patroller of the city (SPEC §6)."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments import rules, services
from config.web import parse_id
from rivers.models import County


class Command(BaseCommand):
    help = (
        "生成月度考评草稿：为全市(或一个县)每名在合同期内的巡察员生成乡级考评草稿和建议分，"
        "与各乡镇河长办点击“生成考评表”的结果相同。可重复运行(已有草稿只更新建议分，已定稿的不变)。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", required=True, help="考评月份 YYYY-MM")
        parser.add_argument("--county", help="只生成该县(市、区)：区划代码或编号")
        parser.add_argument(
            "--chunk",
            type=int,
            default=services.PREPARE_CHUNK,
            help=f"每个事务处理的巡察员人数(按整乡镇划分，默认 {services.PREPARE_CHUNK})",
        )

    def handle(self, *args, **options) -> None:
        month = rules.parse_month(options["month"])
        if month is None:
            raise CommandError(f"--month must be YYYY-MM, got {options['month']!r}")
        if options["chunk"] < 1:
            raise CommandError("--chunk must be at least 1")
        county = None
        if options["county"]:
            value = options["county"]
            county = County.objects.filter(code=value).first()
            if county is None and parse_id(value) is not None:
                county = County.objects.filter(pk=parse_id(value)).first()
            if county is None:
                raise CommandError(f"no county with code or id {value!r}")
        where = county.name if county is not None else "全市"
        started = time.monotonic()

        def progress(done: int, total: int, so_far: services.PreparedMonth) -> None:
            # A province's month takes minutes: one line when the facts are read and one per committed chunk.
            elapsed = time.monotonic() - started
            if done == 0:
                self.stdout.write(
                    f"{rules.month_label(month)} {where}: facts read for {so_far.townships} township(s) "
                    f"in {elapsed:.1f} s; {total} chunk(s) to write"
                )
            else:
                self.stdout.write(
                    f"chunk {done}/{total}: {so_far.patrollers} patroller(s) so far, {so_far.created} created, "
                    f"{so_far.refreshed} refreshed ({elapsed:.1f} s)"
                )
            self.stdout.flush()

        try:
            done = services.assessments_prepare_month(
                month=month, county=county, chunk=options["chunk"], progress=progress
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"{rules.month_label(month)} {where}: {done.patrollers} patroller(s) in {done.townships} township(s), "
            f"{done.created} draft(s) created, {done.refreshed} refreshed, in {done.transactions} transaction(s)"
        )
