"""Problem reports (上报, 第七条(二)): the office moves them along the allowed transitions, each one recorded.

A patroller of the home township escalates dumping on S-HOME; the home township office handles the report.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from patrol import selectors as patrol_selectors
from patrol import services as patrol_services
from patrol.models import Photo, ProblemReport
from patrol.rules import problems as problem_rules
from tests.factories import escalate, put_in, run_together

pytestmark = pytest.mark.django_db

Status = ProblemReport.Status


@pytest.fixture
def report(cast, patroller, submit, log_body) -> ProblemReport:
    log_id = escalate(submit, log_body, cast["patroller"])
    return ProblemReport.objects.get(log_id=log_id)


# What each action needs besides the report and who acts.
def fields_for(action: str, today) -> dict:
    return {
        "accept": {},
        "assign": {"deadline": today + timedelta(days=7), "assignee": "村两委"},
        "resolve": {"note": "垃圾已清运。"},
        "close": {"note": "已复查。"},
        "reopen": {"note": "复查仍有垃圾。"},
    }[action]


def test_an_escalated_log_files_a_report_for_the_township_office(report, places):
    assert report.status == Status.REPORTED
    assert report.township == places["township"]
    assert [(e.from_status, e.to_status) for e in report.events.all()] == [("", Status.REPORTED)]


def test_the_office_takes_a_report_from_reported_to_closed_and_every_step_is_recorded(cast, report, today):
    office = cast["township_office"]
    patrol_services.problem_report_accept(report=report, by=office, note="已收到")
    patrol_services.problem_report_assign(
        report=report, by=office, deadline=today + timedelta(days=5), assignee="镇城管中队"
    )
    patrol_services.problem_report_resolve(report=report, by=office, note="垃圾已清运完毕。")
    patrol_services.problem_report_close(report=report, by=office)

    report.refresh_from_db()
    assert report.status == Status.CLOSED
    assert report.deadline == today + timedelta(days=5)
    assert report.assignee == "镇城管中队"
    assert report.resolution_note == "垃圾已清运完毕。"
    events = list(report.events.order_by("at", "id"))
    assert [(e.from_status, e.to_status) for e in events] == [
        ("", Status.REPORTED),
        (Status.REPORTED, Status.ACCEPTED),
        (Status.ACCEPTED, Status.ASSIGNED),
        (Status.ASSIGNED, Status.RESOLVED),
        (Status.RESOLVED, Status.CLOSED),
    ]
    assert all(e.by == office and e.at is not None for e in events[1:])
    assert events[1].note == "已收到"
    assert "镇城管中队" in events[2].note and (today + timedelta(days=5)).isoformat() in events[2].note
    assert events[3].note == "垃圾已清运完毕。"


def test_a_closed_report_can_be_reopened_and_assigned_again(cast, report, today):
    office = cast["township_office"]
    put_in(report, Status.CLOSED)
    patrol_services.problem_report_reopen(report=report, by=office, note="垃圾又出现了")
    patrol_services.problem_report_assign(report=report, by=office, deadline=today, assignee="村两委")
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED
    assert [e.to_status for e in report.events.order_by("id")][-2:] == [Status.REOPENED, Status.ASSIGNED]


ALLOWED_PAIRS = [
    (status, action)
    for status in Status.values
    for action, target in problem_rules.ACTIONS.items()
    if target in problem_rules.ALLOWED[status]
]
REFUSED_PAIRS = [
    (status, action)
    for status in Status.values
    for action, target in problem_rules.ACTIONS.items()
    if target not in problem_rules.ALLOWED[status]
]


def test_the_table_allows_exactly_the_workflow_of_the_issue():
    assert set(ALLOWED_PAIRS) == {
        (Status.REPORTED, "accept"),
        (Status.REPORTED, "close"),
        (Status.ACCEPTED, "assign"),
        (Status.ACCEPTED, "close"),
        (Status.ASSIGNED, "assign"),
        (Status.ASSIGNED, "resolve"),
        (Status.RESOLVED, "close"),
        (Status.RESOLVED, "reopen"),
        (Status.CLOSED, "reopen"),
        (Status.REOPENED, "assign"),
        (Status.REOPENED, "resolve"),
        (Status.REOPENED, "close"),
    }


@pytest.mark.parametrize(("status", "action"), ALLOWED_PAIRS)
def test_an_allowed_transition_moves_the_report_and_adds_one_event(cast, report, today, status, action):
    put_in(report, status, deadline=today)
    events_before = report.events.count()
    moved = patrol_services.problem_report_act(
        report=report, by=cast["township_office"], action=action, data=fields_for(action, today)
    )
    assert moved.status == problem_rules.ACTIONS[action]
    report.refresh_from_db()
    assert report.status == problem_rules.ACTIONS[action]
    assert report.events.count() == events_before + 1
    last = report.events.order_by("-id").first()
    assert (last.from_status, last.to_status, last.by) == (
        status,
        problem_rules.ACTIONS[action],
        cast["township_office"],
    )


@pytest.mark.parametrize(("status", "action"), REFUSED_PAIRS)
def test_a_transition_the_status_does_not_allow_is_refused_in_chinese_and_changes_nothing(
    cast, report, today, status, action
):
    put_in(report, status, deadline=today)
    events_before = report.events.count()
    with pytest.raises(ValidationError) as refused:
        patrol_services.problem_report_act(
            report=report, by=cast["township_office"], action=action, data=fields_for(action, today)
        )
    message = refused.value.message_dict["status"][0]
    assert str(Status(status).label) in message and "不能" in message
    report.refresh_from_db()
    assert report.status == status
    assert report.events.count() == events_before


def test_assigning_needs_someone_and_a_deadline_not_in_the_past(cast, report, today):
    office = cast["township_office"]
    put_in(report, Status.ACCEPTED)
    with pytest.raises(ValidationError) as refused:
        patrol_services.problem_report_assign(
            report=report, by=office, deadline=today - timedelta(days=1), assignee=" "
        )
    assert set(refused.value.message_dict) == {"deadline", "assignee"}
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED and report.deadline is None


def test_resolving_needs_a_note_and_reopening_a_reason(cast, report, today):
    office = cast["township_office"]
    put_in(report, Status.ASSIGNED, deadline=today)
    with pytest.raises(ValidationError) as refused:
        patrol_services.problem_report_resolve(report=report, by=office, note="  ")
    assert "note" in refused.value.message_dict
    put_in(report, Status.RESOLVED)
    with pytest.raises(ValidationError):
        patrol_services.problem_report_reopen(report=report, by=office, note="")
    assert ProblemReport.objects.get(pk=report.pk).status == Status.RESOLVED


def test_closing_a_report_nobody_handled_needs_a_reason_but_closing_a_resolved_one_does_not(cast, report):
    office = cast["township_office"]
    with pytest.raises(ValidationError) as refused:
        patrol_services.problem_report_close(report=report, by=office)
    assert "note" in refused.value.message_dict
    patrol_services.problem_report_close(report=report, by=office, note="重复上报，已在另一条问题中办理。")
    assert ProblemReport.objects.get(pk=report.pk).status == Status.CLOSED

    put_in(report, Status.RESOLVED)
    patrol_services.problem_report_close(report=report, by=office)
    assert ProblemReport.objects.get(pk=report.pk).status == Status.CLOSED


def test_the_fix_may_be_shown_with_photos_of_the_same_segment_only(cast, report, today, segments):
    office = cast["township_office"]
    put_in(report, Status.ASSIGNED, deadline=today)
    own = Photo.objects.create(log=report.log, client_uuid="00000000-0000-0000-0000-000000000001", sha256="a" * 64)
    with pytest.raises(ValidationError) as refused:
        patrol_services.problem_report_resolve(
            report=report, by=office, note="已清理", photo_ids=[own.pk, own.pk + 999]
        )
    assert "photos" in refused.value.message_dict
    assert ProblemReport.objects.get(pk=report.pk).status == Status.ASSIGNED

    patrol_services.problem_report_resolve(report=report, by=office, note="已清理", photo_ids=[own.pk])
    report.refresh_from_db()
    assert report.status == Status.RESOLVED
    assert list(report.resolution_photos.all()) == [own]


@pytest.mark.parametrize(
    ("role", "may"),
    [
        ("township_office", True),
        ("county_office", True),  # the county office above the township may take over
        ("other_township_office", False),
        ("other_county_office", False),
        ("city_office", False),
        ("patroller", False),
        ("village_chief", False),
        ("supervisor", False),
        ("outsider", False),
    ],
)
def test_only_the_township_office_and_its_county_office_may_move_a_report(cast, report, role, may):
    if may:
        patrol_services.problem_report_accept(report=report, by=cast[role])
        assert ProblemReport.objects.get(pk=report.pk).status == Status.ACCEPTED
    else:
        with pytest.raises(PermissionDenied):
            patrol_services.problem_report_accept(report=report, by=cast[role])
        assert ProblemReport.objects.get(pk=report.pk).status == Status.REPORTED
        assert report.events.count() == 1


@pytest.mark.parametrize(
    ("status", "deadline_days", "overdue"),
    [
        (Status.ASSIGNED, -1, True),
        (Status.ASSIGNED, 0, False),  # due today is not late yet
        (Status.ASSIGNED, 3, False),
        (Status.REOPENED, -5, True),
        (Status.RESOLVED, -5, False),
        (Status.CLOSED, -5, False),
        (Status.ACCEPTED, None, False),
    ],
)
def test_a_report_is_overdue_when_its_deadline_passed_before_it_was_resolved(today, status, deadline_days, overdue):
    deadline = None if deadline_days is None else today + timedelta(days=deadline_days)
    assert problem_rules.is_overdue(status=status, deadline=deadline, today=today) is overdue


def test_the_overdue_list_holds_the_late_reports_only(cast, patroller, submit, log_body, today):
    user = cast["patroller"]
    late, on_time, done = (
        ProblemReport.objects.get(log_id=escalate(submit, log_body, user)),
        ProblemReport.objects.get(log_id=escalate(submit, log_body, user)),
        ProblemReport.objects.get(log_id=escalate(submit, log_body, user)),
    )
    put_in(late, Status.ASSIGNED, deadline=today - timedelta(days=2))
    put_in(on_time, Status.ASSIGNED, deadline=today + timedelta(days=2))
    put_in(done, Status.RESOLVED, deadline=today - timedelta(days=2))
    office = cast["township_office"]
    assert list(patrol_selectors.problem_report_list(user=office, filters={"overdue": True})) == [late]
    assert set(patrol_selectors.problem_report_list(user=office, filters={"overdue": False})) == {on_time, done}


@pytest.mark.django_db(transaction=True)
def test_two_clerks_accepting_at_once_move_the_report_once_on_postgresql(cast, report):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises writers at BEGIN anyway")
    clerks = [cast["township_office"], cast["county_office"]]

    def accept(index: int) -> str:
        patrol_services.problem_report_accept(report=report, by=clerks[index])
        return "moved"

    outcomes = run_together(accept, 2)

    assert sorted("refused" if isinstance(outcome, ValidationError) else outcome for outcome in outcomes) == [
        "moved",
        "refused",
    ]
    assert report.events.filter(to_status=Status.ACCEPTED).count() == 1
