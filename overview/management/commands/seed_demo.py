"""`manage.py seed_demo [--password PW] [--force]`: load the demo data set (SPEC §2, API.md "Demo accounts").

It lives in the top app because it seeds every app in turn: the register and the demo users (rivers), the roster
(staffing), the patrol logs (patrol), the assessments, and the overview's summaries."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from assessments.demo import seed_assessments
from overview.demo import seed_summaries
from patrol.demo import seed_patrol_logs
from rivers import demo
from rivers.models import County, Segment, Township, Village, WaterBody
from staffing.demo import seed_roster


class Command(BaseCommand):
    help = (
        "载入演示数据：郑州市16个县(市、区)、111条河流、16个湖泊、141座水库及其河段，以及演示账号 "
        f"{', '.join(u[0] for u in demo.DEMO_USERS)}。可重复运行，第二次不做任何改动。"
        f"新建账号的默认密码为 {demo.DEFAULT_PASSWORD}；不指定 --password 时不改动已有账号的密码。"
        "DEBUG 关闭时须加 --force。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            help=f"演示账号的密码(默认 {demo.DEFAULT_PASSWORD})；指定时也重设已有演示账号的密码",
        )
        parser.add_argument("--force", action="store_true", help="DEBUG 关闭(生产环境)时也载入演示数据")

    def handle(self, *args, password: str | None = None, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(_("DEBUG 未开启，疑似生产环境，拒绝载入演示数据。确需载入请加 --force。"))
        if password == "":
            raise CommandError(_("密码不能为空。"))
        explicit = password is not None
        password = password if explicit else demo.DEFAULT_PASSWORD

        with transaction.atomic():
            register = demo.seed_register()
            users = demo.seed_users(password, reset_passwords=explicit)
            seed_roster(stdout=self.stdout, password=password)
        # Outside the transaction: the photo pipeline opens its own, so that files and rows stay in step.
        seed_patrol_logs(stdout=self.stdout)
        seed_assessments(stdout=self.stdout)
        seed_summaries(stdout=self.stdout)
        self._summary(register, users)

    def _summary(self, register: demo.SeedResult, users: demo.SeedResult) -> None:
        bodies = WaterBody.objects.filter(is_demo=True).aggregate(
            rivers=Count("pk", filter=Q(kind=WaterBody.Kind.RIVER)),
            lakes=Count("pk", filter=Q(kind=WaterBody.Kind.LAKE)),
            reservoirs=Count("pk", filter=Q(kind=WaterBody.Kind.RESERVOIR)),
        )
        county_codes = [row.code for row in demo.COUNTIES]
        self.stdout.write(
            _(
                "演示数据：%(counties)d个县(市、区)，%(townships)d个乡镇(街道)，%(villages)d个村(社区)；"
                "河流%(rivers)d条，湖泊%(lakes)d个，水库%(reservoirs)d座，河段%(segments)d个。"
            )
            % {
                "counties": County.objects.filter(code__in=county_codes).count(),
                "townships": Township.objects.filter(county__code__in=county_codes).count(),
                "villages": Village.objects.filter(township__county__code__in=county_codes).count(),
                "segments": Segment.objects.filter(is_demo=True).count(),
                **bodies,
            }
        )
        self.stdout.write(
            _(
                "本次新建%(created)d条、更新%(updated)d条登记记录；新建%(users_created)d个、更新%(users_updated)d个演示账号。"
            )
            % {
                "created": register.created,
                "updated": register.updated,
                "users_created": users.created,
                "users_updated": users.updated,
            }
        )
        self.stdout.write(_("演示账号：%(names)s") % {"names": " ".join(u[0] for u in demo.DEMO_USERS)})
