"""Problem reports moved along by the offices, so that every state of the workflow shows (some overdue, one
reopened), each event dated when it would have happened."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.models import User
from patrol import services
from patrol.demo.common import local, rng_for
from patrol.models import ProblemEvent, ProblemReport
from patrol.rules import problems as problem_rules

ASSIGNEES = ("村两委", "镇城管中队", "区水利局河道所", "环卫保洁公司", "属地派出所")


# What has become of a report by now, dealt out in turn among the reports of each age so that every state shows:
# a month on, nearly all are closed (one was reopened, one is still late); recent ones are at every stage.
OLD_FATES = ("closed",) * 2 + ("reopened",) + ("closed",) * 6 + ("overdue",) + ("closed",) * 6
RECENT_FATES = ("assigned", "resolved", "closed", "assigned", "overdue", "resolved", "closed", "assigned")
OLD_DAYS = 30


def _steps(report: ProblemReport, fate: str, *, today: date) -> list[tuple[str, dict, datetime]]:
    """The office's actions that lead to `fate`, each with the moment it happened."""
    rng = rng_for("report", report.log.client_uuid, report.category)
    day = report.log.date
    steps: list[tuple[str, dict, datetime]] = [("accept", {}, report.log.ended_at + timedelta(hours=rng.randint(1, 6)))]
    if fate == "accepted":
        return steps
    assigned_on = day + timedelta(days=1)
    if fate == "overdue":  # the deadline passed yesterday at the latest
        deadline = max(assigned_on, min(assigned_on + timedelta(days=7), today - timedelta(days=1)))
    elif fate == "assigned":  # still within its deadline
        deadline = today + timedelta(days=rng.randint(1, 7))
    else:
        deadline = assigned_on + timedelta(days=rng.choice((5, 7, 10, 14)))
    steps.append(
        (
            "assign",
            {"deadline": deadline, "assignee": rng.choice(ASSIGNEES), "today": assigned_on},
            local(assigned_on, 10),
        )
    )
    if fate in ("assigned", "overdue"):
        return steps
    # Resolved between the day after assignment and yesterday; closed or reopened a day or two later.
    span = max(1, (today - assigned_on).days - 3)
    done_on = assigned_on + timedelta(days=min(span, rng.randint(1, 10)))
    steps.append(("resolve", {"note": "已督促整改完毕，现场复查合格。"}, local(done_on, 15)))
    if fate == "closed":
        steps.append(("close", {"note": ""}, local(done_on + timedelta(days=1), 11)))
    elif fate == "reopened":
        steps.append(("reopen", {"note": "复查发现问题反弹，退回重办。"}, local(done_on + timedelta(days=2), 9)))
    return steps


def move_reports(reports: list[ProblemReport], *, today: date) -> int:
    """The offices' handling (the demo township office for its township, the county office elsewhere), with the
    events dated when they would have happened."""
    offices = list(
        User.objects.filter(username__in=("demo_township", "demo_county")).order_by("-role")
    )  # township first
    moved = 0
    dealt = {"old": 0, "recent": 0}
    for report in sorted(reports, key=lambda r: (r.log.date, r.pk)):
        office = next((u for u in offices if problem_rules.may_handle(u, report)), None)
        if office is None:
            continue
        age = (today - report.log.date).days
        if age <= 1:
            continue  # not seen yet
        if age <= 3:
            fate = "accepted"
        else:
            group, fates = ("old", OLD_FATES) if age > OLD_DAYS else ("recent", RECENT_FATES)
            fate = fates[dealt[group] % len(fates)]
            dealt[group] += 1
        for action, data, at in _steps(report, fate, today=today):
            _act(report, office, action, data)
            event = report.events.order_by("-id").first()
            ProblemEvent.objects.filter(pk=event.pk).update(at=min(at, timezone.now()))
            moved += 1
    return moved


def _act(report: ProblemReport, office: User, action: str, data: dict) -> None:
    if action == "accept":
        services.problem_report_accept(report=report, by=office)
    elif action == "assign":
        services.problem_report_assign(
            report=report, by=office, deadline=data["deadline"], assignee=data["assignee"], today=data["today"]
        )
    elif action == "resolve":
        services.problem_report_resolve(report=report, by=office, note=data["note"])
    elif action == "reopen":
        services.problem_report_reopen(report=report, by=office, note=data["note"])
    elif action == "close":
        services.problem_report_close(report=report, by=office, note=data["note"])
