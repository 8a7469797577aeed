"""The monthly figures kept on write (staffing.summaries) are exact: after any sequence of writes — logs on time and
late, photos that change flags, problem transitions, finalizations and approved corrections, resignations — the
stored rows equal a recount from the facts, and `rebuild_summaries` changes nothing."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import services as assessment_services
from assessments.models import Assessment
from overview.summaries import month_rows, summaries_rebuild
from patrol import services as patrol_services
from patrol.models import PatrolLog, ProblemReport
from patrol.rules import problems as problem_rules
from patrol.services import photo_add
from rivers.models import Township
from staffing import services as staffing_services
from staffing import summaries
from staffing.models import PatrollerMonth, TownshipMonth
from tests.factories import ALL_NORMAL, FAILING, PASSING, local, walk
from tests.overview.helpers import previous_month
from tests.patrol.photo_images import jpeg_bytes, picture

ROW_FIELDS = (*summaries.STORED, "duty_days", "days_patrolled")
SUM_FIELDS = (
    "county_id",
    "patrollers",
    "duty_days",
    "duty_by_day",
    "starts_by_day",
    "days_patrolled",
    "logs",
    "flagged_logs",
    "flags",
    "assessed",
    "failed",
    "score_sum",
    "score_hist",
)


def stored(months: list[date]) -> tuple[dict, dict]:
    rows = {
        (row["patroller_id"], row["township_id"], row["month"]): {name: row[name] for name in ROW_FIELDS}
        for row in PatrollerMonth.objects.filter(month__in=months).values()
    }
    sums = {
        (row["township_id"], row["month"]): {name: row[name] for name in SUM_FIELDS}
        for row in TownshipMonth.objects.filter(month__in=months).values()
    }
    return rows, sums


def recounted(months: list[date]) -> tuple[dict, dict]:
    """The figures the facts give now, by the rebuild's own path (not reading the stored rows)."""
    rows, flat = {}, []
    for month in months:
        for (patroller, township), values in month_rows(month).items():
            rows[(patroller, township, month)] = {
                name: value for name, value in summaries.derived(values).items() if name in ROW_FIELDS
            }
            flat.append({"month": month, "township_id": township, **values})
    counties = dict(Township.objects.values_list("pk", "county_id"))
    sums = {
        (township, month): {"county_id": counties[township], **values}
        for (month, township), values in summaries.township_sums(flat).items()
    }
    return rows, sums


def assert_exact(months: list[date]) -> None:
    rows, sums = stored(months)
    expected_rows, expected_sums = recounted(months)
    assert rows == expected_rows
    assert sums == expected_sums


# --- the writes ---------------------------------------------------------------------------------------------------


def _log(patroller, day: date, *, problem: bool, escalate: bool, track: bool, segment) -> dict:
    checks = {**ALL_NORMAL, "dumping": "problem"} if problem else dict(ALL_NORMAL)
    data = {
        "client_uuid": uuid.uuid4(),
        "date": day,
        "started_at": local(day, 8),
        "ended_at": local(day, 8, 30),
        "segment": segment.pk,
        "checks": checks,
        "actions": ["escalated"] if problem and escalate else [],
        "notes": "",
        "track": walk(day) if track else [],
    }
    _submit(patroller, data)
    return data


def _submit(patroller, data: dict) -> bool:
    """Submit as the phone does; whether a new log was stored (False: a replay answered from the stored log)."""
    return patrol_services.patrol_log_submit(patroller=patroller, data=dict(data), now=local(_now_day(), 12))[1]


def _now_day() -> date:
    """The day the writes happen: the 2nd of this month, so that logs of the last days of the previous month are
    still accepted (3 days late at most) and the previous month is over."""
    return summaries.month_start(date.today()) + timedelta(days=1)


def _photo(log: PatrolLog, seed: int) -> None:
    data = jpeg_bytes(picture((320, 240), seed=seed))  # no EXIF: `no_exif`; a problem's photo clears evidence_missing
    photo_add(log=log, by=log.patroller.user, client_uuid=uuid.uuid4(), data=data, check="dumping")


def _problem(report: ProblemReport, office, choice: int) -> None:
    actions = problem_rules.actions_from(report.status)
    if not actions:
        return
    action = actions[choice % len(actions)]
    data = {"note": "处理", "deadline": date.today() + timedelta(days=choice % 3), "assignee": "保洁队"}
    if action == "assign" and choice % 2:
        data["deadline"] = date.today()
    patrol_services.problem_report_act(report=report, by=office, action=action, data=data)


def _assess(patroller, office, month: date, passed: bool) -> None:
    if Assessment.objects.filter(patroller=patroller, month=month, status="final").exists():
        return
    township = Township.objects.get(pk=office.township_id)
    assessment_services.assessments_prepare(township=township, month=month, by=office)
    assessment = Assessment.objects.get(patroller=patroller, month=month, level="township")
    scores = PASSING if passed else FAILING
    assessment_services.assessment_update(
        assessment=assessment, by=office, scores=scores, reasons=dict.fromkeys(scores, "现场核查")
    )
    assessment_services.assessment_finalize(assessment=assessment, by=office)


def _correct(patroller, office, county_office, month: date, points: int) -> None:
    assessment = Assessment.objects.filter(patroller=patroller, month=month, status="final").first()
    if assessment is None:
        return
    scores = {**assessment.scores, "daily_work": points}
    if scores == assessment.scores:
        return
    correction = assessment_services.correction_request(
        assessment=assessment,
        by=office,
        scores=scores,
        reason="复核更正",
        reasons=dict.fromkeys(scores, "复核"),
    )
    assessment_services.correction_approve(correction=correction, by=county_office)


OPERATIONS = st.one_of(
    st.tuples(st.just("log"), st.integers(0, 1), st.integers(0, 3), st.booleans(), st.booleans(), st.booleans()),
    st.tuples(st.just("photo"), st.integers(0, 50)),
    # The phone sends a log again: the same content (a replay) or other content under the same client_uuid.
    st.tuples(st.just("replay"), st.integers(0, 50), st.booleans()),
    st.tuples(st.just("problem"), st.integers(0, 50)),
    st.tuples(st.just("assess"), st.integers(0, 1), st.booleans()),
    st.tuples(st.just("correct"), st.integers(0, 1), st.integers(0, 40)),
    st.tuples(st.just("resign"), st.integers(0, 1), st.integers(0, 20)),
)


@pytest.fixture
def two_patrollers(patroller, other_patroller):
    return [patroller, other_patroller]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(OPERATIONS, min_size=1, max_size=12))
def test_the_figures_kept_on_write_equal_a_recount_after_any_writes(cast, home_segment, two_patrollers, operations):
    office, county_office = cast["township_office"], cast["county_office"]
    now_day = _now_day()
    months = [previous_month(now_day), summaries.month_start(now_day)]
    sent: list[tuple] = []  # (patroller, data) of every log submitted
    # Each example is rolled back at its end. The block stands in for a test case's own transaction, inside which
    # a durable block (a photo's upload) may open, as Django's TestCase marks its own.
    example = transaction.atomic()
    example._from_testcase = True
    with example:
        for operation in operations:
            kind, *args = operation
            try:
                if kind == "log":
                    who, back, problem, escalate, track = args
                    data = _log(
                        two_patrollers[who],
                        now_day - timedelta(days=back),
                        problem=problem,
                        escalate=escalate,
                        track=track,
                        segment=home_segment,
                    )
                    sent.append((two_patrollers[who], data))
                elif kind == "replay":
                    if sent:
                        who, data = sent[args[0] % len(sent)]
                        if args[1]:
                            assert not _submit(who, data)
                        else:
                            with pytest.raises(patrol_services.IdempotencyConflict):
                                _submit(who, {**data, "notes": "改过的内容"})
                elif kind == "photo":
                    logs = list(PatrolLog.objects.select_related("patroller__user").order_by("pk"))
                    if logs:
                        _photo(logs[args[0] % len(logs)], seed=args[0])
                elif kind == "problem":
                    reports = list(ProblemReport.objects.select_related("township").order_by("pk"))
                    if reports:
                        _problem(reports[args[0] % len(reports)], office, args[0])
                elif kind == "assess":
                    _assess(two_patrollers[args[0]], office, months[0], args[1])
                elif kind == "correct":
                    _correct(two_patrollers[args[0]], office, county_office, months[0], args[1])
                elif kind == "resign":
                    staffing_services.patroller_resign(
                        patroller=two_patrollers[args[0]], on=now_day - timedelta(days=args[1]), by=office
                    )
            except ValidationError:
                pass  # a refused write (a resigned patroller's log, a second resignation) must change nothing
            assert_exact(months)

        before = stored(months)
        summaries_rebuild(months=months)
        assert stored(months) == before
        transaction.set_rollback(True)


# --- single writes, as the offices see them -------------------------------------------------------------------------


def test_hiring_puts_the_contracts_days_on_duty_into_each_month(cast, places, patroller, today):
    start = patroller.contracts.get().start
    rows = PatrollerMonth.objects.filter(patroller=patroller).order_by("month")

    assert rows[0].month == summaries.month_start(start)
    assert rows[0].duty_days == summaries.month_end(start).day - start.day + 1
    assert all(row.township_id == places["township"].pk for row in rows)
    assert len(rows) in (12, 13)


def test_a_resignation_takes_the_days_after_it_off_duty(cast, patroller, today):
    month = summaries.month_start(today)
    resign_on = max(month, today - timedelta(days=1))

    staffing_services.patroller_resign(patroller=patroller, on=resign_on, by=cast["township_office"])

    row = PatrollerMonth.objects.get(patroller=patroller, month=month)
    in_force = [day for day in range(1, 32) if row.duty_mask >> (day - 1) & 1]
    assert in_force and max(in_force) <= resign_on.day
    assert not PatrollerMonth.objects.filter(patroller=patroller, month__gt=month).exists()
    assert_exact([month])


def test_the_rebuild_command_recounts_figures_loaded_around_the_services(cast, patroller, home_segment, today):
    month = summaries.month_start(today)
    # A log stored without the service (as the demo and imports do): the figures do not know it yet.
    PatrolLog.objects.create(
        client_uuid=uuid.uuid4(),
        patroller=patroller,
        segment=home_segment,
        date=today,
        started_at=local(today, 8),
        ended_at=local(today, 9),
        checks=dict(ALL_NORMAL),
        fingerprint="0" * 64,
    )
    assert PatrollerMonth.objects.get(patroller=patroller, month=month).logs == 0

    call_command("rebuild_summaries", month=[f"{month:%Y-%m}"], stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert PatrollerMonth.objects.get(patroller=patroller, month=month).logs == 1
    assert TownshipMonth.objects.get(township=patroller.township, month=month).days_patrolled == 1
    assert_exact([month])


def test_a_log_sent_again_counts_once(cast, patroller, home_segment):
    day = _now_day()
    month = summaries.month_start(day)
    data = _log(patroller, day, problem=True, escalate=False, track=True, segment=home_segment)
    before = stored([month])

    assert not _submit(patroller, data)  # the phone's retry: answered from the stored log
    with pytest.raises(patrol_services.IdempotencyConflict):
        _submit(patroller, {**data, "notes": "另一份内容"})

    assert stored([month]) == before
    row = PatrollerMonth.objects.get(patroller=patroller, month=month)
    assert (row.logs, row.flagged_logs) == (1, 1)
    assert_exact([month])


def test_two_logs_the_same_day_are_two_logs_and_one_day_patrolled(cast, patroller, home_segment):
    day = _now_day()
    month = summaries.month_start(day)
    sums = TownshipMonth.objects.get(township=home_segment.township, month=month)

    _log(patroller, day, problem=False, escalate=False, track=True, segment=home_segment)
    second = _log(patroller, day, problem=True, escalate=True, track=False, segment=home_segment)

    row = PatrollerMonth.objects.get(patroller=patroller, month=month, township=home_segment.township)
    assert (row.logs, row.days_patrolled, row.log_mask) == (2, 1, 1 << (day.day - 1))
    assert row.flagged_logs == 1  # the walk along the segment has no flag; the log without a track has
    assert row.flags == dict.fromkeys(PatrolLog.objects.get(client_uuid=second["client_uuid"]).flags, 1)
    assert "no_track" in row.flags
    after = TownshipMonth.objects.get(pk=sums.pk)
    assert (after.logs - sums.logs, after.days_patrolled - sums.days_patrolled) == (2, 1)
    assert after.flagged_logs - sums.flagged_logs == 1
    assert_exact([month])
