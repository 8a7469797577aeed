"""`manage.py staffing_report`: the staffing report of SPEC §3 for the whole city, a county or a township."""

import unicodedata
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from config.web import parse_id
from rivers.models import County, Township
from staffing import rules
from staffing.exports import write_staffing_xlsx
from staffing.selectors import StaffingReport, Totals, city_staffing_report


class Command(BaseCommand):
    help = "打印巡察员配备情况(按乡镇、县区、全市汇总)，可导出Excel。 Print the staffing report; --xlsx writes it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", help="县(市、区)的编码或ID / county code or id")
        parser.add_argument("--township", help="乡镇(街道)的编码或ID / township code or id")
        parser.add_argument("--date", help="日期 YYYY-MM-DD，默认今天 / report date, default today")
        parser.add_argument("--xlsx", metavar="FILE", help="同时写入Excel文件 / also write the workbook to FILE")

    def handle(self, *args, **options) -> None:
        on = _parse_date(options["date"])
        county = _find_place(County, options["county"], _("县(市、区)")) if options["county"] else None
        township = _find_place(Township, options["township"], _("乡镇(街道)")) if options["township"] else None
        if county is not None and township is not None and township.county_id != county.pk:
            raise CommandError(
                _("%(township)s 不属于 %(county)s。") % {"township": township.name, "county": county.name}
            )
        # A command runs for the city office itself: no user, the whole city unless narrowed.
        report = city_staffing_report(on=on, county=county, township=township)
        self.stdout.write(format_report(report))
        if options["xlsx"]:
            write_staffing_xlsx(report, options["xlsx"])
            self.stdout.write(_("已写入 %(file)s") % {"file": options["xlsx"]})


def _parse_date(value: str | None) -> date:
    if not value:
        return timezone.localdate()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(_("日期格式应为 YYYY-MM-DD：%(value)s") % {"value": value}) from None


def _find_place(model: type[Model], value: str, label: str):
    """A place by its code, or else by its numeric id (codes are looked up first: they are what offices know)."""
    queryset = model.objects.select_related("county") if model is Township else model.objects.all()
    found = queryset.filter(code=value).first()
    if found is None and parse_id(value) is not None:
        found = queryset.filter(pk=parse_id(value)).first()
    if found is None:
        raise CommandError(_("找不到%(label)s：%(value)s") % {"label": label, "value": value})
    return found


def format_report(report: StaffingReport) -> str:
    """A plain-text table: one row per township, a subtotal per county and the total of the report."""
    statuses = [str(status.label) for status in rules.Status]
    header = [_("县(市、区)"), _("乡镇(街道)"), _("河段数"), _("底线"), _("标准"), _("实有"), *statuses]
    rows: list[list[str]] = []
    by_county: dict[int, list] = {}
    for entry in report.by_township:
        by_county.setdefault(entry.place.county_id, []).append(entry)
    for county_entry in report.by_county:
        for entry in by_county.get(county_entry.place.pk, []):
            rows.append([county_entry.place.name, entry.place.name, *_numbers(entry.totals)])
        rows.append([county_entry.place.name, _("小计"), *_numbers(county_entry.totals)])
    total = [report.scope_label, _("合计"), *_numbers(report.totals)]

    widths = [max(_width(row[i]) for row in [header, *rows, total]) for i in range(len(header))]
    rule = "  ".join("-" * width for width in widths)
    numeric_from = 2  # counts are right-aligned
    lines = [
        _("%(scope)s 巡察员配备情况 %(date)s") % {"scope": report.scope_label, "date": report.on.isoformat()},
        "",
        _table_row(header, widths, numeric_from),
        rule,
        *[_table_row(row, widths, numeric_from) for row in rows],
        rule,
        _table_row(total, widths, numeric_from),
    ]

    shared = report.shared_reservoirs
    if shared:
        lines += ["", _("跨乡镇的小型水库(按每座2名配备，计入坝址所在乡镇)：")]
        for reservoir in shared:
            lines.append(
                "  "
                + _("%(code)s  %(name)s  %(townships)s  计入%(township)s  底线%(floor)d  实有%(actual)d  %(status)s")
                % {
                    "code": reservoir.water_body.code,
                    "name": reservoir.water_body.name,
                    "townships": _("、").join(t.name for t in reservoir.townships),
                    "township": reservoir.counted_in.name,
                    "floor": reservoir.floor,
                    "actual": reservoir.actual,
                    "status": reservoir.status_label,
                }
            )
    dam_missing = report.dam_missing
    if dam_missing:
        lines += [
            "",
            _("待登记坝址的小型水库(%(count)d座)，登记前暂计入第一个河段所在乡镇：") % {"count": len(dam_missing)},
        ]
        for reservoir in dam_missing:
            lines.append(f"  {reservoir.water_body.code}  {reservoir.water_body.name}")

    undetermined = report.undetermined
    if undetermined:
        lines += ["", _("待核定河段(%(count)d个)，请主管河长办核定人数：") % {"count": len(undetermined)}]
        for line in undetermined:
            segment = line.segment
            lines.append(f"  {segment.code}  {segment.name}  {line.kind_label}  {segment.township.name}")
    return "\n".join(lines) + "\n"


def _numbers(totals: Totals) -> list[str]:
    counts = [str(n) for _status, n in totals.status_counts()]
    return [str(totals.segments), str(totals.floor), str(totals.standard), str(totals.actual), *counts]


def _width(text: str) -> int:
    """Display width in a terminal: Chinese characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _table_row(cells: list[str], widths: list[int], numeric_from: int) -> str:
    out = []
    for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        padding = " " * (width - _width(cell))
        out.append(padding + cell if index >= numeric_from else cell + padding)
    return "  ".join(out).rstrip()
