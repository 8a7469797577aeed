"""Rows of the permission matrix (tests/accounts/test_permissions.py) for the problem-report endpoints of issue 4.

The report: the `patroller` login (矩阵巡查 on S-HOME, see log_matrix) escalated dumping yesterday; each row puts it
in a status from which its transition is allowed, so that the allowed callers get 200.
"""

import uuid
from datetime import date, datetime, timedelta

from django.utils import timezone

from patrol import rules
from patrol import services as patrol_services
from patrol.models import ProblemReport
from tests.factories import ALL_NORMAL
from tests.patrol.log_matrix import body, on_duty

OTHER_OFFICES = frozenset({"other_township_office", "other_county_office"})
READERS = frozenset({"township_office", "county_office", "city_office", "patroller"})
HANDLERS = frozenset({"township_office", "county_office"})

# action → (a status it is allowed from, its body)
TRANSITIONS = {
    "accept": (ProblemReport.Status.REPORTED, {}),
    "assign": (ProblemReport.Status.ACCEPTED, {"assignee": "村两委"}),  # + a deadline, below
    "resolve": (ProblemReport.Status.ASSIGNED, {"note": "已清理完毕"}),
    "close": (ProblemReport.Status.RESOLVED, {}),
    "reopen": (ProblemReport.Status.CLOSED, {"note": "复查仍有垃圾"}),
}


def home_report(get, status: str = ProblemReport.Status.REPORTED) -> ProblemReport:
    report = ProblemReport.objects.first()
    if report is None:
        data = body(get)
        data.update(
            client_uuid=uuid.UUID(data["client_uuid"]),
            date=date.fromisoformat(data["date"]),
            started_at=datetime.fromisoformat(data["started_at"]),
            ended_at=datetime.fromisoformat(data["ended_at"]),
            checks={**ALL_NORMAL, "dumping": "problem"},
            actions=["stopped", "escalated"],
        )
        log, _ = patrol_services.patrol_log_submit(patroller=on_duty(get), data=data)
        report = log.problem_reports.get()
    ProblemReport.objects.filter(pk=report.pk).update(status=status)
    return report


def _transition_body(action: str):
    def make(get) -> dict:
        data = dict(TRANSITIONS[action][1])
        if action == "assign":
            data["deadline"] = (timezone.localdate(timezone=rules.LOCAL_TZ) + timedelta(days=7)).isoformat()
        return data

    return make


def _transition_path(action: str):
    return lambda get: f"/api/v1/problem-reports/{home_report(get, TRANSITIONS[action][0]).pk}/{action}/"


def problem_report_rows(Row) -> list:
    rows = [
        Row(
            "problem reports: offices (their scope) and patrollers (their own) list",
            "problem-report-list",
            lambda get: "/api/v1/problem-reports/",
            allowed=READERS | OTHER_OFFICES,
        ),
        Row(
            "a problem report on S-HOME: its patroller and the offices above it",
            "problem-report-detail",
            lambda get: f"/api/v1/problem-reports/{home_report(get).pk}/",
            allowed=READERS,
            hidden=OTHER_OFFICES,
        ),
    ]
    for action in TRANSITIONS:
        rows.append(
            Row(
                f"{action} a problem report: the township office and its county office",
                f"problem-report-{action}",
                _transition_path(action),
                allowed=HANDLERS,
                hidden=OTHER_OFFICES,
                method="post",
                data=_transition_body(action),
            )
        )
    return rows
