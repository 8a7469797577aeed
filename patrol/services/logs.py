"""Writes of patrol logs: submission (idempotent), the log's evidence flags, the problem reports an escalation files.

Submissions arrive from phones that retry on every timeout, often several at once. A retry is found by one
indexed read of its `client_uuid` as soon as the body is checked and fingerprinted — before the roster, the
submission window and the track's geometry — and answered from the stored row: the same content is a replay
(200), other content a conflict (409). Twins sent at the same moment all miss that read; the database keeps one
row per `client_uuid` (a unique constraint), the insert runs in a savepoint and a unique violation is answered
by reading the row that won the race, the same way.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from patrol import rules, tracks
from patrol.models import LocalCheck, PatrolLog, Photo, ProblemEvent, ProblemReport
from patrol.selectors import local_checks
from patrol.summaries import log_added, logs_month_refresh
from rivers.models import Segment
from staffing import selectors as staffing_selectors
from staffing.models import Assignment, Patroller

NON_FIELD = "non_field_errors"


class IdempotencyConflict(Exception):
    """The same client_uuid came back with other content (API: 409 {"errors": {"client_uuid": [message]}})."""

    def __init__(self, message: str, field: str = "client_uuid") -> None:
        super().__init__(message)
        self.errors = {field: [message]}


def _river(key: str) -> Any:
    return settings.RIVER[key]


def _add(errors: dict[str, list[str]], field: str, messages: list[str] | str | None) -> None:
    if not messages:
        return
    errors.setdefault(field, []).extend([messages] if isinstance(messages, str) else messages)


# --- submission ------------------------------------------------------------------------------------------------


def _content(*, patroller: Patroller, data: dict[str, Any]) -> dict[str, Any]:
    """The submission checked against every rule that does not depend on today or the roster (those rules give
    the same answer on a retry, so they may run before the replay check): vocabularies, times, track, notes."""
    errors: dict[str, list[str]] = {}
    required = ("client_uuid", "date", "started_at", "ended_at", "segment", "checks")
    for key in required:
        if data.get(key) is None:
            _add(errors, key, _("该字段是必填项。"))
    if errors:
        raise ValidationError(errors)

    checks = data["checks"]
    _add(errors, "checks", rules.check_problems(checks))
    actions, problems = rules.normalize_actions(data.get("actions") or [])
    _add(errors, "actions", problems)
    # Local answers (第八条) are checked against the items in force once the segment is known (_local_checks).
    local_answers = data.get("local_checks") or {}
    if not isinstance(local_answers, dict):
        _add(errors, "local_checks", _("本地检查项必须是“编码: 结果”的对象。"))
    if not errors.get("checks") and not problems and not local_answers:
        _add(errors, "actions", rules.escalation_problem(actions=actions, checks=checks))
    notes = (data.get("notes") or "").strip()
    _add(errors, "notes", rules.notes_problem(notes, max_length=_river("NOTES_MAX_LENGTH")))

    day, started_at, ended_at = data["date"], data["started_at"], data["ended_at"]
    _add(errors, "date", rules.date_range_problem(day))
    if errors.get("date"):
        raise ValidationError(errors)
    for key, messages in rules.times_problems(day=day, started_at=started_at, ended_at=ended_at).items():
        _add(errors, key, messages)
    points, problems = rules.parse_track(data.get("track"), max_points=_river("TRACK_MAX_POINTS"))
    _add(errors, "track", problems)
    if not problems and not errors.get("started_at") and not errors.get("ended_at"):
        slack = timedelta(minutes=_river("TRACK_TIME_SLACK_MINUTES"))
        _add(
            errors,
            "track",
            rules.track_time_problems(points, started_at=started_at, ended_at=ended_at, slack=slack),
        )
    if errors:
        raise ValidationError(errors)

    content = {
        "client_uuid": data["client_uuid"],
        "segment_id": getattr(data["segment"], "pk", data["segment"]),
        "date": day,
        "started_at": started_at,
        "ended_at": ended_at,
        "checks": {code: checks[code] for code in rules.CHECKS},
        "actions": actions,
        "notes": notes,
        "points": points,
        "local_checks": local_answers,
    }
    content["fingerprint"] = rules.fingerprint(
        client_uuid=content["client_uuid"],
        patroller_id=patroller.pk,
        segment_id=content["segment_id"],
        day=day,
        started_at=started_at,
        ended_at=ended_at,
        checks=content["checks"],
        actions=actions,
        notes=notes,
        track=points,
        local_checks=local_answers,
    )
    return content


def _conflict() -> IdempotencyConflict:
    return IdempotencyConflict(_("该编号(client_uuid)已用于另一份内容不同的巡查日志。"))


def _replay(*, client_uuid, fingerprint: str) -> PatrolLog | None:
    """The stored log when `client_uuid` is taken and the content is the same; a conflict when it differs.
    Loaded with what the answer shows (patroller and segment names, photos)."""
    existing = (
        PatrolLog.objects.filter(client_uuid=client_uuid)
        .select_related("patroller", "segment")
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("created_at", "id")))
        .first()
    )
    if existing is None:
        return None
    if existing.fingerprint != fingerprint:
        raise _conflict()
    return existing


def _stored(*, client_uuid, fingerprint: str) -> PatrolLog | None:
    """`_replay` for a submission about to do its real work, starting with the lightest read: the fingerprint
    stored under `client_uuid` (one index lookup, patrol_log_client_uuid_unique), which finds nothing for a new
    log. Only a replay then loads the log for the answer."""
    stored = PatrolLog.objects.filter(client_uuid=client_uuid).order_by().values_list("fingerprint", flat=True)[:1]
    if not stored:
        return None
    if stored[0] != fingerprint:
        raise _conflict()
    return _replay(client_uuid=client_uuid, fingerprint=fingerprint)


def _check_window_and_roster(
    *, patroller: Patroller, content: dict[str, Any], now: datetime, assignment: Assignment | None = None
) -> Segment:
    """The rules that depend on the day of submission and on the roster; returns the segment.

    One query when the log is fine — the assignment covering the day (it requires a contract in force that day,
    and brings its segment) — or none when the caller passes that assignment. Only a refusal asks the further
    questions that pick its message.
    """
    errors: dict[str, list[str]] = {}
    day = content["date"]
    today = rules.local_date(now)
    _add(errors, "date", rules.date_problem(day=day, today=today, late_days=_river("LOG_LATE_DAYS")))
    for key, messages in rules.future_problems(
        started_at=content["started_at"], ended_at=content["ended_at"], now=now
    ).items():
        _add(errors, key, messages)
    if assignment is not None and assignment.patroller_id != patroller.pk:
        assignment = None
    if not errors:
        if assignment is None:
            assignment = staffing_selectors.assignment_on(patroller=patroller, on=day)
        if assignment is not None and assignment.segment_id == content["segment_id"]:
            return assignment.segment
    segment = Segment.objects.filter(pk=content["segment_id"]).first()
    if segment is None:
        _add(errors, "segment", _("河段不存在。"))
    if not errors.get("date"):
        if staffing_selectors.contract_in_force(patroller=patroller, on=day) is None:
            _add(errors, "date", _("该日期不在您的管护合同期内。"))
        elif segment is not None:
            if assignment is None:
                assignment = staffing_selectors.assignment_on(patroller=patroller, on=day)
            if assignment is None or assignment.segment_id != segment.pk:
                _add(errors, "segment", _("该河段不是您在该日期负责的河段。"))
    if errors:
        raise ValidationError(errors)
    return segment


def _local_checks(*, content: dict[str, Any], segment: Segment) -> list[LocalCheck]:
    """The log's answers to the local items (第八条) in force on its day for its segment's township and county: every
    such item answered from its values and no other code (ValidationError under `local_checks`, naming the item);
    an escalation needs a problem, fixed or local. Returns the items answered with a problem. One query."""
    items = local_checks.items_in_force(on=content["date"], township_id=segment.township_id)
    answers = content["local_checks"]
    problems = rules.local_check_problems(answers, items=items)
    if problems:
        raise ValidationError({"local_checks": problems})
    flagged = rules.local_problem_codes(answers, items=items)
    if answers:
        problem = rules.escalation_problem(actions=content["actions"], checks=content["checks"], local_problems=flagged)
        if problem:
            raise ValidationError({"actions": [problem]})
    return [item for item in items if item.code in flagged]


def _escalate(
    *, log: PatrolLog, segment: Segment, points: list[rules.TrackPoint], by, local_problems: list[LocalCheck]
) -> list[ProblemReport]:
    """One problem report per problem check, fixed or local, for the township office (第七条(二)), where the patrol
    ended."""
    last = points[-1] if points else None
    reports = []
    categories = [(code, None) for code in rules.problem_checks(log.checks)]
    categories += [(item.code, item) for item in local_problems]
    for code, item in categories:
        report = ProblemReport(
            log=log,
            township_id=segment.township_id,
            segment=segment,
            category=code,
            local_check=item,
            latitude=last.lat if last else None,
            longitude=last.lng if last else None,
            status=ProblemReport.Status.REPORTED,
        )
        report.full_clean()
        report.save()
        event = ProblemEvent(report=report, from_status="", to_status=ProblemReport.Status.REPORTED, by=by)
        event.full_clean()
        event.save()
        reports.append(report)
    return reports


def _flags_for(
    *,
    log: PatrolLog,
    points: list[rules.TrackPoint],
    photo_checks: list[str | None],
    vehicle: bool,
    local_problems: list[str],
) -> list[str]:
    return rules.log_flags(
        checks=log.checks,
        photo_checks=photo_checks,
        points=points,
        coverage_share=log.coverage,
        low_coverage=_river("LOW_COVERAGE"),
        vehicle=vehicle,
        local_problems=local_problems,
    )


def _vehicle(points: list[rules.TrackPoint]) -> bool:
    return tracks.vehicle_speed(
        points, limit_kmh=_river("VEHICLE_SPEED_KMH"), max_accuracy_m=_river("TRACK_MAX_ACCURACY_M")
    )


def _coverage(segment: Segment, points: list[rules.TrackPoint]) -> float | None:
    usable = rules.usable(points, max_accuracy_m=_river("TRACK_MAX_ACCURACY_M"))
    return tracks.coverage(segment.geometry, usable, buffer_m=_river("COVERAGE_BUFFER_M"))


def patrol_log_submit(
    *,
    patroller: Patroller,
    data: dict[str, Any],
    by=None,
    now: datetime | None = None,
    assignment: Assignment | None = None,
) -> tuple[PatrolLog, bool]:
    """Store a patrol log sent by a phone; `(log, created)`. Sending the same `client_uuid` with the same content
    again returns the stored log and changes nothing (created False), with other content raises
    IdempotencyConflict. Rule failures raise ValidationError keyed by field (SPEC §5). Evidence flags never
    reject: they are computed and stored with the log. An `escalated` log files its problems.

    `assignment`: the patroller's assignment on `data["date"]` when the caller has just read it
    (`patrol.selectors.duty_on`); it is read here otherwise.

    The log and its problem reports are written in one transaction. The reads before it (roster, segment) stay
    outside, so that SQLite's write lock (taken at BEGIN) is held only for the writes.
    """
    if patroller is None:
        raise PermissionDenied(_("您的账号没有关联巡察员档案，不能提交巡查日志。"))
    now = now or timezone.now()
    by = by if by is not None else patroller.user
    content = _content(patroller=patroller, data=data)
    # A retry is answered before any further work: the track's geometry (up to 20 000 points), and the rules of
    # the day and the roster — a retry gets its log even after the submission window has closed.
    existing = _stored(client_uuid=content["client_uuid"], fingerprint=content["fingerprint"])
    if existing is not None:
        return existing, False
    segment = _check_window_and_roster(patroller=patroller, content=content, now=now, assignment=assignment)
    local_problems = _local_checks(content=content, segment=segment)

    points = content["points"]
    log = PatrolLog(
        client_uuid=content["client_uuid"],
        patroller=patroller,
        segment=segment,
        date=content["date"],
        started_at=content["started_at"],
        ended_at=content["ended_at"],
        checks=content["checks"],
        local_checks=content["local_checks"],
        actions=content["actions"],
        notes=content["notes"],
        track=[p.as_json() for p in points],
        fingerprint=content["fingerprint"],
    )
    log.coverage = _coverage(segment, points)
    log.flags = _flags_for(
        log=log,
        points=points,
        photo_checks=[],
        vehicle=_vehicle(points),
        local_problems=[item.code for item in local_problems],
    )
    # The uniqueness of client_uuid is left to the database (a concurrent twin may be inserting right now);
    # patroller and segment are rows just read, and the check constraints (end after start, coverage 0–1) are
    # rules already applied above: validating them again would cost a query each on every submission. The
    # track is built above from checked points (validating it would dump up to 20 000 points to JSON once more).
    log.full_clean(exclude=["client_uuid", "patroller", "segment", "track"], validate_constraints=False)
    inserted = False
    try:
        # A twin sent at the same moment passed the read above too: the unique constraint decides between
        # them. Inside an enclosing transaction this block is a savepoint, so the read below works after the
        # violation on PostgreSQL too.
        with transaction.atomic():
            log.save(force_insert=True)
            inserted = True
            if rules.ESCALATED in log.actions:
                _escalate(log=log, segment=segment, points=points, by=by, local_problems=local_problems)
            log_added(patroller_id=patroller.pk, township_id=segment.township_id, day=log.date, flags=log.flags)
    except IntegrityError:
        existing = None if inserted else _replay(client_uuid=content["client_uuid"], fingerprint=content["fingerprint"])
        if existing is None:
            raise
        return existing, False
    return log, True


# --- flags ------------------------------------------------------------------------------------------------------


@transaction.atomic
def patrol_log_refresh_flags(*, log: PatrolLog) -> PatrolLog:
    """Recompute the log's flags from its stored content and its photos as they are now (a problem's photo
    arriving clears `evidence_missing`). Always saves, so `updated_at` moves and phone sync sees the change."""
    log = PatrolLog.objects.select_for_update().get(pk=log.pk)
    points = rules.stored_track(log.track)
    photo_checks = [code or None for code in log.photos.values_list("check_code", flat=True)]
    log.flags = _flags_for(
        log=log,
        points=points,
        photo_checks=photo_checks,
        vehicle=_vehicle(points),
        local_problems=local_checks.log_local_problems(log),
    )
    log.save(update_fields=["flags", "updated_at"])
    # The log's flags and its photos' flags (a photo has just arrived) count in the month's figures.
    logs_month_refresh(patroller_id=log.patroller_id, day=log.date)
    return log
