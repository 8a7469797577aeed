"""What waits for an office today, for the home page (工作台): five counts in the caller's scope, each with the page
where it is dealt with. Five queries (one COUNT each), whatever the number of patrollers, logs or reports.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Exists, Min, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import OFFICE_ROLES, Role
from accounts.scope import scope_filter
from assessments.models import Assessment, DismissalFlag
from assessments.rules import month_label
from patrol import selectors as patrol_selectors
from patrol.models import PatrolLog
from staffing.models import Assignment, Patroller, RosterChange
from staffing.selectors import assignment_in_force_q


@dataclass
class WorkItem:
    code: str  # a stable name for tests and styles: missing_logs, overdue_problems, drafts, open_flags, unfiled
    label: str
    count: int
    url: str
    help: str


def _missing_logs_today(user, today: date) -> int:
    """Patrollers in scope under contract on a segment today without a log today (the review's "未提交日志")."""
    on_duty = Assignment.objects.filter(assignment_in_force_q(today), patroller=OuterRef("pk"))
    logged = PatrolLog.objects.filter(patroller=OuterRef("pk"), date=today)
    patrollers = scope_filter(Patroller.objects.all(), user, county="township__county_id", township="township_id")
    return patrollers.filter(Exists(on_duty)).exclude(Exists(logged)).count()


def _drafts(user) -> tuple[int, date | None]:
    """Draft scores the office itself has to finish: a township office its township's monthly assessments, a county
    office its spot checks, the city office every draft in the city. With the earliest month among them."""
    drafts = scope_filter(
        Assessment.objects.filter(status=Assessment.Status.DRAFT), user, county="county_id", township="township_id"
    )
    if user.role == Role.TOWNSHIP_OFFICE:
        drafts = drafts.filter(level=Assessment.Level.TOWNSHIP)
    elif user.role == Role.COUNTY_OFFICE:
        drafts = drafts.filter(level=Assessment.Level.COUNTY)
    found = drafts.order_by().aggregate(n=Count("pk"), first=Min("month"))
    return found["n"], found["first"]


def office_worklist(*, user, today: date) -> list[WorkItem]:
    """The counts that need action, for an office (or the superuser); an empty list for everyone else."""
    if not (user.is_authenticated and (user.is_superuser or user.role in OFFICE_ROLES)):
        return []
    overdue = patrol_selectors.problem_reports_visible_to(user).filter(patrol_selectors.overdue_q(today)).count()
    flags = scope_filter(
        DismissalFlag.objects.filter(status=DismissalFlag.Status.OPEN), user, county="county_id", township="township_id"
    ).count()
    unfiled = scope_filter(
        RosterChange.objects.filter(filing__isnull=True), user, county="township__county_id", township="township_id"
    ).count()
    drafts, first_draft = _drafts(user)
    review = reverse("patrol-review")
    sheet = reverse("assessments-sheet")
    if first_draft is not None:
        sheet += "?" + urlencode({"month": month_label(first_draft)})
    return [
        WorkItem(
            "missing_logs",
            _("今天未交日志"),
            _missing_logs_today(user, today),
            f"{review}?{urlencode({'date': today.isoformat()})}#missing",
            _("在岗巡察员今天还没有提交巡查日志"),
        ),
        WorkItem("overdue_problems", _("逾期问题"), overdue, f"{review}#problems", _("上报的问题已过处理期限")),
        WorkItem("drafts", _("待评分的考评表"), drafts, sheet, _("草稿状态的月度考评或抽考，尚未定稿")),
        WorkItem(
            "open_flags",
            _("待确认辞退提示"),
            flags,
            f"{reverse('assessments-flags')}?status=open",
            _("等待河长办确认或撤回"),
        ),
        WorkItem(
            "unfiled",
            _("未备案花名册变动"),
            unfiled,
            reverse("staffing-roster-changes"),
            _("尚未报上级河长办备案的变动"),
        ),
    ]
