"""Problem reports 上报 (第七条(二)): the moves the river office may make and who makes them. No ORM.

A log with the `escalated` action creates one report per problem (patrol.services.logs). From there the office of the
report's township — or the county office above it — accepts it, assigns it to someone with a deadline, records
the fix (a note, optionally photos), closes it, or reopens it when the fix did not hold. Every move is checked
against `ALLOWED` (patrol.services.problems).

A report is overdue when it has a deadline that has passed and it is neither resolved nor closed.
"""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from patrol.models import ProblemReport

Status = ProblemReport.Status

# The transitions an office may make: from status → the statuses it may move the report to. Assigning again
# (assigned → assigned) hands the report to someone else or moves the deadline; closing straight from
# reported/accepted dismisses a report that needs no action (a reason is then required).
ALLOWED: dict[str, frozenset[str]] = {
    Status.REPORTED: frozenset({Status.ACCEPTED, Status.CLOSED}),
    Status.ACCEPTED: frozenset({Status.ASSIGNED, Status.CLOSED}),
    Status.ASSIGNED: frozenset({Status.ASSIGNED, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.CLOSED: frozenset({Status.REOPENED}),
    Status.REOPENED: frozenset({Status.ASSIGNED, Status.RESOLVED, Status.CLOSED}),
}

# The actions of the API (`POST …/{id}/<action>/`) and the page, with the status each one leads to.
ACTIONS: dict[str, str] = {
    "accept": Status.ACCEPTED,
    "assign": Status.ASSIGNED,
    "resolve": Status.RESOLVED,
    "close": Status.CLOSED,
    "reopen": Status.REOPENED,
}
ACTION_LABELS = {
    "accept": gettext_lazy("受理"),
    "assign": gettext_lazy("交办"),
    "resolve": gettext_lazy("登记处理结果"),
    "close": gettext_lazy("办结"),
    "reopen": gettext_lazy("退回重办"),
}

# Not yet dealt with: the statuses in which a passed deadline makes a report overdue.
DONE = frozenset({Status.RESOLVED, Status.CLOSED})
ASSIGNEE_MAX_LENGTH = ProblemReport._meta.get_field("assignee").max_length
NOTE_MAX_LENGTH = 2000
MAX_RESOLUTION_PHOTOS = 20
# Photos of the fix uploaded at once with the resolution (the page's file input; multipart bounds the total).
MAX_RESOLUTION_UPLOADS = 5
HANDLING_ROLES = frozenset({Role.TOWNSHIP_OFFICE, Role.COUNTY_OFFICE})


def actions_from(status: str) -> list[str]:
    """The actions that may be taken on a report in `status`, in ACTIONS order (for buttons)."""
    allowed = ALLOWED.get(status, frozenset())
    return [action for action, target in ACTIONS.items() if target in allowed]


def transition_problem(from_status: str, to_status: str) -> str | None:
    """Why a report in `from_status` may not move to `to_status`, or None when it may."""
    if to_status in ALLOWED.get(from_status, frozenset()):
        return None
    return _("问题当前状态为“%(current)s”，不能%(action)s。") % {
        "current": Status(from_status).label,
        "action": _action_label(to_status),
    }


def _action_label(to_status: str) -> str:
    for action, target in ACTIONS.items():
        if target == to_status:
            return str(ACTION_LABELS[action])
    return str(Status(to_status).label)


def is_overdue(*, status: str, deadline: date | None, today: date) -> bool:
    return deadline is not None and deadline < today and status not in DONE


def may_handle(user, report: ProblemReport) -> bool:
    """The township office of the report's township, or the county office above it, moves reports along.

    The county office may too: it supervises the townships' handling and takes over what a township cannot
    settle. The city office and everyone else only read.
    """
    if not getattr(user, "is_authenticated", False) or user.role not in HANDLING_ROLES:
        return False
    if user.role == Role.TOWNSHIP_OFFICE:
        return user.township_id == report.township_id
    return user.county_id == report.township.county_id
