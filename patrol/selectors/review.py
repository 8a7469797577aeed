"""The review of one township (or a whole county) over a day or a month, as the review page shows it and its
.xlsx export writes it: its logs with their flags and photos, who has not logged, the open problem reports (overdue
first)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from patrol import rules
from patrol.models import LocalCheck, PatrolLog, Photo, ProblemReport
from patrol.selectors import local_checks
from patrol.selectors.logs import patrol_log_list
from patrol.selectors.problems import overdue_q, problem_report_list
from rivers.models import County, Township
from staffing import selectors as staffing_selectors
from staffing.models import Assignment, Patroller

LOGS_PER_PAGE = 100
PROBLEMS_SHOWN = 200


@dataclass
class Place:
    """What the review covers: one township, or every township of a county (`township` None)."""

    county: County
    township: Township | None = None

    @property
    def whole_county(self) -> bool:
        return self.township is None

    @property
    def label(self) -> str:
        if self.township is None:
            return _("%(county)s · 全县") % {"county": self.county.name}
        return f"{self.county.name} · {self.township.name}"

    @property
    def name(self) -> str:
        return self.county.name if self.township is None else self.township.name

    @property
    def query(self) -> dict[str, int | str]:
        return {"county": self.county.pk} if self.township is None else {"township": self.township.pk}

    @property
    def filters(self) -> dict[str, int]:
        """The filters of the log and problem selectors."""
        return {"county": self.county.pk} if self.township is None else {"township": self.township.pk}


@dataclass
class Period:
    first: date
    last: date
    month: bool  # a calendar month, else one day

    @property
    def query(self) -> dict[str, str]:
        return {"month": self.first.strftime("%Y-%m")} if self.month else {"date": self.first.isoformat()}

    @property
    def label(self) -> str:
        if self.month:
            return _("%(year)d年%(month)d月") % {"year": self.first.year, "month": self.first.month}
        return _("%(year)d年%(month)d月%(day)d日") % {
            "year": self.first.year,
            "month": self.first.month,
            "day": self.first.day,
        }


@dataclass
class LogRow:
    """One log as the reviewer reads it: problems, actions and flags in words, photos with their flags."""

    log: PatrolLog
    problems: list[tuple[str, str]]  # fixed checks, then local items answered with a problem
    actions: list[str]
    flags: list[tuple[str, str]]
    photos: list[tuple[Photo, str | None, list[tuple[str, str]]]]
    local: list[local_checks.LocalAnswer] = field(default_factory=list)  # every answer to a local item (第八条)

    @property
    def all_flags(self) -> list[tuple[str, str]]:
        """Log flags, then each photo flag once (what the export's flag column says)."""
        seen = dict(self.flags)
        for _photo, _url, photo_flags in self.photos:
            seen.update(dict(photo_flags))
        return list(seen.items())


@dataclass
class Attendance:
    """One patroller over the period: days under contract (up to today), days with a log, the missing days."""

    patroller: Patroller
    segment_name: str
    contract_days: int
    logged_days: int
    missing: list[date] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.logged_days / self.contract_days if self.contract_days else None


@dataclass
class Review:
    place: Place
    period: Period
    logs: list[LogRow]
    log_count: int
    flag_totals: list[tuple[str, str, int]]
    attendance: list[Attendance]
    problems: list[ProblemReport]

    @property
    def township(self) -> Township | None:
        """The township reviewed; None for a whole county."""
        return self.place.township

    @property
    def patroller_days(self) -> int:
        return sum(row.contract_days for row in self.attendance)

    @property
    def logged_days(self) -> int:
        return sum(row.logged_days for row in self.attendance)

    @property
    def rate(self) -> float | None:
        return self.logged_days / self.patroller_days if self.patroller_days else None

    @property
    def missing(self) -> list[Attendance]:
        return [row for row in self.attendance if row.missing]


def _flag_pairs(codes) -> list[tuple[str, str]]:
    return [(code, str(rules.FLAG_LABELS.get(code, code))) for code in codes or []]


def log_row(log: PatrolLog, local_items: dict[str, LocalCheck] | None = None) -> LogRow:
    """`local_items`: the items of the log's county by code (`local_checks.items_by_code`), to read its local
    answers with."""
    checks = rules.CHECKS
    local = local_checks.local_answers(log, local_items or {})
    return LogRow(
        log=log,
        problems=[
            (str(checks[code][0]), str(rules.VALUE_LABELS.get(log.checks[code], log.checks[code])))
            for code in log.problem_checks
        ]
        + [(answer.name, answer.label) for answer in local if answer.problem],
        local=local,
        actions=[str(rules.ACTIONS.get(code, code)) for code in log.actions],
        flags=_flag_pairs(log.flags),
        photos=[(photo, thumbnail_url(photo), _flag_pairs(photo.flags)) for photo in log.photos.all()],
    )


def _logs_in(user, place: Place, period: Period, flag: str | None = None, patroller: int | None = None):
    filters = {**place.filters, "date_from": period.first, "date_to": period.last}
    if patroller:
        filters["patroller"] = patroller
    logs = patrol_log_list(user=user, filters=filters)
    if flag in rules.PHOTO_FLAGS:
        logs = logs.filter(photos__flags__icontains=f'"{flag}"').distinct()
    elif flag:
        logs = logs.filter(flags__icontains=f'"{flag}"')
    return logs.order_by("-date", "patroller__name", "started_at", "id")


def _flag_totals(logs) -> list[tuple[str, str, int]]:
    """How many logs and photos of the period carry each flag (two queries)."""
    counts = dict.fromkeys(rules.FLAG_LABELS, 0)
    for flags in logs.order_by().values_list("flags", flat=True):
        for code in flags or []:
            counts[code] = counts.get(code, 0) + 1
    photo_flags = Photo.objects.filter(log__in=logs.order_by().values("pk")).exclude(flags=[])
    for flags in photo_flags.values_list("flags", flat=True):
        for code in flags or []:
            counts[code] = counts.get(code, 0) + 1
    return [(code, str(label), counts[code]) for code, label in rules.FLAG_LABELS.items()]


def attendance(
    *, township: Township | None = None, county: County | None = None, first: date, last: date, today: date
) -> list[Attendance]:
    """Per patroller on the roster of the township (or of every township of `county`): the days of [first, last]
    (not after today) they were under contract on an assignment — the same "in force" rule as the staffing report
    and `missing_logs` — and the days among them with a log. Two queries whatever the length of the period."""
    last = min(last, today)
    if last < first:
        return []
    roster = Q(patroller__township=township) if township is not None else Q(patroller__township__county=county)
    assignments = (
        Assignment.objects.filter(roster, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .filter(staffing_selectors.contract_covers_q(first, last, prefix="contract__"))
        .select_related("patroller", "segment", "contract")
        .order_by("patroller__township__code", "patroller__name", "patroller_id", "start")
    )
    days: dict[int, set[date]] = {}
    rows: dict[int, Attendance] = {}
    for assignment in assignments:
        contract = assignment.contract
        start = max(assignment.start, contract.start, first)
        end = min(assignment.end or last, contract.last_day, last)
        if end < start:
            continue
        patroller = assignment.patroller
        rows.setdefault(patroller.pk, Attendance(patroller, assignment.segment.name, 0, 0))
        rows[patroller.pk].segment_name = assignment.segment.name  # the latest assignment's segment
        days.setdefault(patroller.pk, set()).update(start + timedelta(n) for n in range((end - start).days + 1))
    logged: dict[int, set[date]] = {}
    for patroller_id, day in (
        PatrolLog.objects.filter(patroller_id__in=list(rows), date__gte=first, date__lte=last)
        .order_by()
        .values_list("patroller_id", "date")
        .distinct()
    ):
        logged.setdefault(patroller_id, set()).add(day)
    for pk, row in rows.items():
        under_contract = days[pk]
        present = under_contract & logged.get(pk, set())
        row.contract_days, row.logged_days = len(under_contract), len(present)
        row.missing = sorted(under_contract - present)
    return list(rows.values())


def build_review(
    *, user, place: Place, period: Period, flag: str | None = None, page=None, patroller: int | None = None
) -> Review:
    """Everything on the page for one township (or a whole county) and period. `page`: the page number of the log
    list, or None for every log (the export); `patroller`: only that patroller's logs in the list. The same number
    of queries for a township and a county."""
    today = timezone.localdate()
    logs = _logs_in(user, place, period, flag, patroller)
    if page is None:
        shown, count = list(logs), None
    else:
        paged = Paginator(logs, LOGS_PER_PAGE).get_page(page)
        shown, count = list(paged.object_list), paged.paginator.count
    queue = problem_report_list(user=user, filters=place.filters).exclude(status=ProblemReport.Status.CLOSED)
    overdue = overdue_q(today)
    answered = any(log.local_checks for log in shown)
    local_items = local_checks.items_by_code(county_id=place.county.pk) if answered else {}
    return Review(
        place=place,
        period=period,
        logs=[log_row(log, local_items) for log in shown],
        log_count=len(shown) if count is None else count,
        flag_totals=_flag_totals(_logs_in(user, place, period)),
        attendance=attendance(
            township=place.township, county=place.county, first=period.first, last=period.last, today=today
        ),
        problems=list(_overdue_first(queue, overdue)[:PROBLEMS_SHOWN]),
    )


def _overdue_first(queue, overdue: Q):
    return queue.annotate(
        is_overdue=Case(When(overdue, then=Value(True)), default=Value(False), output_field=BooleanField())
    ).order_by("-is_overdue", "deadline", "-log__date", "-id")


def thumbnail_url(photo: Photo) -> str:
    """The protected thumbnail (answers only to users who may see the log)."""
    return reverse("patrol-photo-thumbnail", kwargs={"pk": photo.pk})
