"""Reads of the patrol app, always through the caller's scope, loaded so that no list or page does N+1.

One module per subject: `logs` (patrol logs, who is on duty, flag counts, missing logs), `problems` (problem
reports), `review` (the review of a township or county over a day or a month: the read model of the review page and
its .xlsx export); callers import these from here. `local_checks` (the local check items of 第八条, the phones'
checklist, a log's local answers) is imported as a module of its own (`from patrol.selectors import local_checks`):
its names (`checklist`, `status_of`, `IN_FORCE`…) read as what they are only next to the module's.
"""

from patrol.selectors.logs import (
    duty_on,
    flag_counts,
    missing_logs,
    patrol_log_get,
    patrol_log_list,
    patrol_logs_visible_to,
)
from patrol.selectors.problems import (
    overdue_q,
    problem_report_get,
    problem_report_list,
    problem_reports_visible_to,
    report_photos,
)
from patrol.selectors.review import (
    LOGS_PER_PAGE,
    PROBLEMS_SHOWN,
    Attendance,
    LogRow,
    Period,
    Place,
    Review,
    attendance,
    build_review,
    log_row,
    thumbnail_url,
)

__all__ = [
    "LOGS_PER_PAGE",
    "PROBLEMS_SHOWN",
    "Attendance",
    "LogRow",
    "Period",
    "Place",
    "Review",
    "attendance",
    "build_review",
    "duty_on",
    "flag_counts",
    "log_row",
    "missing_logs",
    "overdue_q",
    "patrol_log_get",
    "patrol_log_list",
    "patrol_logs_visible_to",
    "problem_report_get",
    "problem_report_list",
    "problem_reports_visible_to",
    "report_photos",
    "thumbnail_url",
]
