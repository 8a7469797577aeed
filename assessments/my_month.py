"""A patroller's own month, for the phone app's "我的本月" (`GET /api/v1/me/month/?month=YYYY-MM`).

Only the caller's own data: the days patrolled and missing, their logs with the flags in plain words, their
problem reports and where each stands, their final scores by month (the three parts), an open dismissal flag,
and today's duty (the segment, or why there is none and which office to call).

It reads patrol, staffing and assessments together, so it lives in the top layer. A fixed number of queries
whatever the number of logs, photos or reports (tests/mobile/test_my_month.py counts them).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from assessments import rules
from assessments.models import Assessment, DismissalFlag
from patrol import rules as patrol_rules
from patrol.models import PatrolLog, Photo, ProblemReport
from rivers.models import Township
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors
from staffing.models import Patroller

# What each flag means for the patroller and what to do about it (the office's labels are patrol.rules.FLAG_LABELS).
PLAIN_FLAGS: dict[str, Any] = {
    patrol_rules.EVIDENCE_MISSING: gettext_lazy("发现的问题没有照片，请补拍上传"),
    patrol_rules.NO_TRACK: gettext_lazy("没有巡查轨迹：巡查时请打开本应用并保持屏幕常亮"),
    patrol_rules.LOW_COVERAGE: gettext_lazy("轨迹没有走完整个河段"),
    patrol_rules.VEHICLE_SPEED: gettext_lazy("轨迹速度像是乘车，巡查应步行"),
    "duplicate_photo": gettext_lazy("照片与其他日志中的照片重复"),
    "taken_outside_window": gettext_lazy("照片拍摄时间不在巡查时段内"),
    "far_from_segment": gettext_lazy("照片拍摄地点离河段太远"),
    "no_exif": gettext_lazy("照片缺少拍摄时间"),
}

# Months of final scores shown, ending with the month asked for.
SCORE_MONTHS = 12

PATROLLED, MISSING, TODAY, OFF, FUTURE = "patrolled", "missing", "today", "off", "future"
ON_DUTY, NO_CONTRACT, NO_ASSIGNMENT, NO_RECORD = "on_duty", "no_contract", "no_assignment", "no_record"


@dataclass(frozen=True)
class Period:
    start: date
    last: date


def _office(township: Township | None) -> dict[str, Any]:
    """The township river office to call: its name, its phone and the office staff's display names (one query)."""
    if township is None:
        return {"name": str(_("乡级河长办")), "contacts": [], "phone": ""}
    contacts = list(
        User.objects.filter(role=Role.TOWNSHIP_OFFICE, township=township, is_active=True)
        .order_by("id")
        .values_list("display_name", "username")[:3]
    )
    return {
        "name": _("%(county)s%(township)s河长办") % {"county": township.county.name, "township": township.name},
        "contacts": [display or username for display, username in contacts],
        "phone": township.office_phone,
    }


def _duty(*, patroller: Patroller | None, today: date, office: dict[str, Any]) -> dict[str, Any]:
    """Today's duty: the segment to patrol, or the reason there is none, in words, with whom to call."""
    call = _("请联系%(office)s。") % {"office": office["name"]}
    if patroller is None:
        return {
            "status": NO_RECORD,
            "segment": None,
            "message": _("您的账号还没有关联巡察员档案，暂时不能提交巡查日志。") + call,
            "office": office,
        }
    assignment = staffing_selectors.assignment_on(patroller=patroller, on=today)
    if assignment is not None:
        segment = assignment.segment
        return {
            "status": ON_DUTY,
            "segment": {"id": segment.pk, "name": segment.name, "water_body": segment.water_body.name},
            "message": "",
            "office": office,
        }
    if staffing_selectors.contract_in_force(patroller=patroller, on=today) is None:
        message = _("您今天不在管护合同期内(合同已到期、已终止或尚未开始)，不能提交巡查日志。")
        return {"status": NO_CONTRACT, "segment": None, "message": message + call, "office": office}
    message = _("您的管护合同有效，但今天没有分配巡查河段。")
    return {"status": NO_ASSIGNMENT, "segment": None, "message": message + call, "office": office}


def _contract_days(*, patroller: Patroller, period: Period) -> set[date]:
    """The days of the period under a contract in force (one query): the roster's rule, so the day of a dismissal
    or resignation and a contract cancelled before it began are no days under contract."""
    days: set[date] = set()
    contracts = (
        staffing_selectors.contracts_in_force_between(period.start, period.last)
        .filter(patroller=patroller)
        .values_list("start", "end", "terminated_on")
    )
    for start, end, terminated_on in contracts:
        day = max(start, period.start)
        last = min(end, staffing_rules.last_day_in_force(end=end, terminated_on=terminated_on), period.last)
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def _days(*, period: Period, today: date, under_contract: set[date], logged: set[date]) -> list[dict[str, str]]:
    out = []
    day = period.start
    while day <= period.last:
        if day > today:
            status = FUTURE
        elif day in logged:
            status = PATROLLED
        elif day not in under_contract:
            status = OFF
        elif day == today:
            status = TODAY
        else:
            status = MISSING
        out.append({"date": day.isoformat(), "status": status})
        day += timedelta(days=1)
    return out


def _flags(log: PatrolLog) -> list[dict[str, Any]]:
    """The log's flags, then its photos' flags with how many photos carry each, in plain words."""
    photo_counts: dict[str, int] = {}
    for photo in log.photos.all():
        for code in photo.flags or []:
            photo_counts[code] = photo_counts.get(code, 0) + 1
    flags = [{"code": code, "text": str(PLAIN_FLAGS.get(code, code)), "photos": None} for code in log.flags or []]
    for code in patrol_rules.PHOTO_FLAGS:
        if code in photo_counts:
            flags.append({"code": code, "text": str(PLAIN_FLAGS[code]), "photos": photo_counts[code]})
    return flags


def _log(log: PatrolLog) -> dict[str, Any]:
    return {
        "id": log.pk,
        "client_uuid": str(log.client_uuid),
        "date": log.date.isoformat(),
        "segment_name": log.segment.name,
        "started_at": log.started_at,
        "ended_at": log.ended_at,
        "coverage": log.coverage,
        "problems": [str(patrol_rules.CHECKS[code][0]) for code in log.problem_checks],
        "photos": len(log.photos.all()),
        "flags": _flags(log),
    }


def _problem(report: ProblemReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "category": report.category,
        "category_label": report.category_label,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "date": report.log.date.isoformat(),
        "segment_name": report.segment.name,
        "created_at": report.created_at,
        "deadline": report.deadline.isoformat() if report.deadline else None,
        "resolution_note": report.resolution_note,
    }


def _scores(*, patroller: Patroller, month: date) -> list[dict[str, Any]]:
    """Final scores of the last SCORE_MONTHS months, newest first: the county spot check where one exists for the
    month (it prevails, SPEC §6), else the township's (one query)."""
    since = month
    for _i in range(SCORE_MONTHS - 1):
        since = rules.previous_month(since)
    finals = Assessment.objects.filter(
        patroller=patroller, status=Assessment.Status.FINAL, month__gte=since, month__lte=month
    ).order_by("-month", "level")
    prevailing: dict[date, Assessment] = {}
    for assessment in finals:
        current = prevailing.get(assessment.month)
        if current is None or assessment.level == Assessment.Level.COUNTY:
            prevailing[assessment.month] = assessment
    return [
        {
            "month": rules.month_label(a.month),
            "level": a.level,
            "level_label": str(a.get_level_display()),
            "appearance": a.appearance,
            "daily_work": a.daily_work,
            "records": a.records,
            "total": a.total,
            "grade": a.grade,
            "grade_label": str(a.get_grade_display()),
            "passed": a.passed,
        }
        for a in sorted(prevailing.values(), key=lambda a: a.month, reverse=True)
    ]


def _dismissal(patroller: Patroller) -> dict[str, Any] | None:
    flag = patroller.dismissal_flags.filter(status=DismissalFlag.Status.OPEN).order_by("-raised_at", "-id").first()
    if flag is None:
        return None
    months = list(flag.months or [])
    return {
        "rule": flag.rule,
        "rule_label": str(flag.get_rule_display()),
        "months": months,
        "message": _(
            "您%(rule)s(%(months)s)。依照《郑州市河湖(库)巡察员管理办法》第九条，乡级河长办将核实后办理辞退；"
            "如有异议，请尽快联系乡级河长办。"
        )
        % {"rule": flag.get_rule_display(), "months": _("、").join(months)},
    }


def my_month(*, user, month: date, today: date) -> dict[str, Any]:
    """Everything "我的本月" shows for `month` (the 1st), as of `today`; the duty block is today's."""
    period = Period(month, rules.month_end(month))
    patroller = (
        Patroller.objects.filter(user=user).select_related("township__county").first()
        if user.role == Role.PATROLLER
        else None
    )
    township = patroller.township if patroller is not None else None
    if township is None and user.township_id:
        township = Township.objects.select_related("county").get(pk=user.township_id)
    office = _office(township)
    duty = _duty(patroller=patroller, today=today, office=office)
    answer: dict[str, Any] = {
        "month": rules.month_label(month),
        "today": today.isoformat(),
        "patroller": None,
        "duty": duty,
        "days": [],
        "days_patrolled": 0,
        "days_missing": 0,
        "logs": [],
        "problems": [],
        "scores": [],
        "dismissal_flag": None,
        "late_days": settings.RIVER["LOG_LATE_DAYS"],
    }
    if patroller is None:
        return answer

    logs = list(
        PatrolLog.objects.filter(patroller=patroller, date__gte=period.start, date__lte=period.last)
        .select_related("segment")
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.only("id", "log_id", "flags").order_by("id")))
        .order_by("-date", "-started_at", "-id")
    )
    days = _days(
        period=period,
        today=today,
        under_contract=_contract_days(patroller=patroller, period=period),
        logged={log.date for log in logs},
    )
    reports = (
        ProblemReport.objects.filter(log__patroller=patroller)
        .filter(
            Q(log__date__gte=period.start, log__date__lte=period.last)
            | ~Q(status=ProblemReport.Status.CLOSED) & Q(log__date__lte=period.last)
        )
        .select_related("log", "segment", "local_check")
        .order_by("-created_at", "-id")
    )
    answer.update(
        patroller={"id": patroller.pk, "name": patroller.name},
        days=days,
        days_patrolled=sum(1 for d in days if d["status"] == PATROLLED),
        days_missing=sum(1 for d in days if d["status"] == MISSING),
        logs=[_log(log) for log in logs],
        problems=[_problem(report) for report in reports],
        scores=_scores(patroller=patroller, month=month),
        dismissal_flag=_dismissal(patroller),
    )
    return answer
