"""The seed: who patrols when, each day's log (bulk-created with the service's rules, or through the real
`patrol_log_submit` when the service has work to do), and `seed_patrol_logs`, which adds logs, photos and the
offices' handling of the problem reports."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from patrol import rules, services
from patrol import tracks as evidence
from patrol.demo.common import Track, local, rng_for, track_points, uuid_for
from patrol.demo.photos import add_photos, photo_plans
from patrol.demo.reports import move_reports
from patrol.demo.tracks import tracks_of
from patrol.models import LocalCheck, PatrolLog, ProblemReport
from rivers import demo as register
from rivers.models import County, Township
from staffing import selectors as staffing_selectors
from staffing.models import Assignment, Patroller

DAYS = 92  # about three months, today included
LOG_COUNTIES = (register.DEMO_COUNTY_CODE,)
PHOTO_USERS = ("demo_patroller", "demo_patroller2")

# Share of patroller-days of each kind (the rest are ordinary walks); "lazy" patrollers miss far more days.
MISS, MISS_LAZY, SHORT_WALK, NO_TRACK, DRIVEN, PROBLEM = 0.04, 0.30, 0.05, 0.03, 0.02, 0.04
ESCALATE = 0.35  # of the problem days
LAZY = 0.08  # of the patrollers

# Notes a patroller writes when they find a problem, by check.
PROBLEM_NOTES = {
    "sewage_outfall": "发现岸边有一处暗管排污，水体发黑有异味。",
    "dumping": "河道管理范围内有人倾倒建筑垃圾和生活垃圾。",
    "reclamation": "河滩地有新开垦的菜地，疑似围垦。",
    "illegal_building": "河岸新搭建简易棚房一处。",
    "illegal_fishing": "发现有人使用电瓶电鱼，已劝离。",
    "surface_cleanliness": "水面漂浮物较多，集中在闸口附近。",
    "signboard": "河长公示牌被风刮倒，板面破损。",
}
PROBLEM_VALUES = {
    "surface_cleanliness": ("floating_debris", "dirty"),
    "signboard": ("damaged", "missing"),
}
MEDIATE = 0.02  # of the days without a problem: helping settle a water dispute (第七条)

# Local check items (第八条) of the demo: one county-wide, one of the demo township, starting this many days before
# the first seeding (later runs keep the items as they are), so that the older logs show the days before them.
# (code, township code or None, name, options or [] for yes/no, days before today)
LOCAL_ITEMS = (
    ("sand_mining", None, "非法采砂", [], 45),
    (
        "embankment",
        register.DEMO_TOWNSHIP_CODE,
        "堤防护坡",
        [
            {"value": "intact", "label": "完好", "problem": False},
            {"value": "cracked", "label": "有裂缝", "problem": True},
            {"value": "collapsed", "label": "有塌陷", "problem": True},
        ],
        20,
    ),
)
LOCAL_PROBLEM = 0.01  # of the answers to a local item
LOCAL_NOTES = {"sand_mining": "河道内发现新的采砂坑和运砂车辙。", "embankment": "堤防护坡有一段出现裂缝。"}


@dataclass
class Post:
    """A patroller and the days (in the demo window) on which they held a segment under a contract in force."""

    patroller: Patroller
    days: dict[date, Any] = field(default_factory=dict)  # day → Segment


@dataclass
class Counts:
    logs: int = 0
    submitted: int = 0
    photos: int = 0
    moved: int = 0


# --- who patrols when ------------------------------------------------------------------------------------------


def _posts(first: date, last: date, *, full: bool = True) -> list[Post]:
    """Demo patrollers of LOG_COUNTIES (`full`) or of every other county with, per day, the segment of their
    assignment in force (same rule as the staffing report: the assignment and its contract both cover the day)."""
    in_full = Q(patroller__township__county__code__in=LOG_COUNTIES)
    assignments = (
        Assignment.objects.filter(patroller__is_demo=True, start__lte=last)
        .filter(in_full if full else ~in_full)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .filter(staffing_selectors.contract_covers_q(first, last, prefix="contract__"))
        .select_related("patroller__user", "segment__township", "contract")
        .order_by("patroller__township__code", "patroller__name", "patroller_id", "start")
    )
    posts: dict[int, Post] = {}
    for assignment in assignments:
        contract = assignment.contract
        start = max(assignment.start, contract.start, first)
        end = min(assignment.end or last, contract.last_day, last)
        post = posts.setdefault(assignment.patroller_id, Post(assignment.patroller))
        for n in range((end - start).days + 1):
            post.days[start + timedelta(days=n)] = assignment.segment
    return list(posts.values())


# --- one day's log ---------------------------------------------------------------------------------------------


@dataclass
class Plan:
    patroller: Patroller
    segment: Any
    day: date
    started_at: datetime
    ended_at: datetime
    checks: dict[str, str]
    actions: list[str]
    notes: str
    points: list[rules.TrackPoint]
    track: Track | None
    local_checks: dict[str, str] = field(default_factory=dict)
    local_problems: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [*rules.problem_checks(self.checks), *self.local_problems]

    @property
    def escalated(self) -> bool:
        return rules.ESCALATED in self.actions


def _plan(
    post: Post,
    day: date,
    segment,
    tracks: dict[str, Track | None],
    lazy: bool,
    now: datetime,
    local_items: list[LocalCheck] = (),
) -> Plan | None:
    patroller = post.patroller
    rng = rng_for("day", patroller.id_number, day)
    if rng.random() < (MISS_LAZY if lazy else MISS):
        return None
    roll = rng.random()
    kind = "walk"
    if roll < SHORT_WALK:
        kind = "short"
    elif roll < SHORT_WALK + NO_TRACK:
        kind = "none"
    elif roll < SHORT_WALK + NO_TRACK + DRIVEN and tracks["drive"] is not None and tracks["drive"].vehicle:
        kind = "drive"
    track = None if kind == "none" else tracks.get(kind)
    hours = track.hours if track else rng.uniform(0.6, 1.5)
    started_at = local(day, rng.uniform(6.5, 10.0))
    ended_at = started_at + timedelta(hours=hours)
    if ended_at > now:  # today's later walks have not happened yet
        return None

    checks = {code: values[0] for code, (_label, values) in rules.CHECKS.items()}
    checks["surface_cleanliness"] = rng.choice(("clean", "clean", "fair"))
    actions = ["cleaned"] if rng.random() < 0.5 else []
    notes = ""
    if rng.random() < PROBLEM:
        found = rng.choice(list(rules.CHECKS))
        checks[found] = rng.choice(PROBLEM_VALUES.get(found, ("problem",)))
        notes = PROBLEM_NOTES[found]
        actions = ["stopped"] if found in ("dumping", "illegal_fishing", "illegal_building") else ["cleaned"]
        if rng.random() < ESCALATE:
            actions.append(rules.ESCALATED)
    elif rng.random() < 0.05:
        actions.append("outreach")
        notes = "向沿河村民宣传河湖保护知识。"
    elif rng.random() < MEDIATE:
        actions.append(rules.MEDIATION)
        notes = "配合村委会调解沿河两村的灌溉取水纠纷。"
    local_checks, local_problems = _local_answers(patroller, day, segment, local_items)
    if local_problems:
        notes = "；".join([*(n for n in [notes] if n), *(LOCAL_NOTES[code] for code in local_problems)])
        actions = [*actions, "stopped"]
        if rng_for("local escalate", patroller.id_number, day).random() < ESCALATE:
            actions.append(rules.ESCALATED)
    actions = [code for code in rules.ACTIONS if code in actions]
    points = track_points(track, started_at)
    return Plan(
        patroller,
        segment,
        day,
        started_at,
        ended_at,
        checks,
        actions,
        notes,
        points,
        track,
        local_checks,
        local_problems,
    )


def _local_answers(patroller, day: date, segment, items: list[LocalCheck]) -> tuple[dict[str, str], list[str]]:
    """The answers to the local items in force that day for the segment's township: nearly always fine."""
    rng = rng_for("local", patroller.id_number, day)
    answers, problems = {}, []
    for item in items:
        if not item.in_force_on(day) or item.township_id not in (None, segment.township_id):
            continue
        values = item.values
        if rng.random() < LOCAL_PROBLEM:
            answers[item.code] = next(v.value for v in values if v.problem)
            problems.append(item.code)
        else:
            answers[item.code] = values[0].value
    return answers, problems


def _local_items(today: date) -> list[LocalCheck]:
    """The demo's local items (LOCAL_ITEMS), created on the first run (the seed stands in for the offices: items
    normally start tomorrow at the earliest)."""
    county = County.objects.filter(code=register.DEMO_COUNTY_CODE).first()
    if county is None:
        return []
    items = []
    for code, township_code, name, options, days_before in LOCAL_ITEMS:
        township = Township.objects.filter(code=township_code).first() if township_code else None
        if township_code and township is None:
            continue
        item, _created = LocalCheck.objects.get_or_create(
            county=county,
            code=code,
            defaults={
                "township": township,
                "name": name,
                "kind": LocalCheck.Kind.CHOICE if options else LocalCheck.Kind.YES_NO,
                "options": options,
                "starts_on": today - timedelta(days=days_before),
            },
        )
        items.append(item)
    return items


def _log_uuid(plan: Plan) -> uuid.UUID:
    return uuid_for("log", plan.patroller.id_number, plan.day.isoformat())


def _bulk_log(plan: Plan) -> PatrolLog:
    """The row `patrol_log_submit` would store for this plan (same coverage, flags and fingerprint rules)."""
    client_uuid = _log_uuid(plan)
    log = PatrolLog(
        client_uuid=client_uuid,
        patroller=plan.patroller,
        segment=plan.segment,
        date=plan.day,
        started_at=plan.started_at,
        ended_at=plan.ended_at,
        checks=plan.checks,
        local_checks=plan.local_checks,
        actions=plan.actions,
        notes=plan.notes,
        track=[point.as_json() for point in plan.points],
        coverage=plan.track.coverage
        if plan.track
        else evidence.coverage(plan.segment.geometry, [], buffer_m=settings.RIVER["COVERAGE_BUFFER_M"]),
    )
    log.fingerprint = rules.fingerprint(
        client_uuid=client_uuid,
        patroller_id=plan.patroller.pk,
        segment_id=plan.segment.pk,
        day=plan.day,
        started_at=plan.started_at,
        ended_at=plan.ended_at,
        checks=plan.checks,
        actions=plan.actions,
        notes=plan.notes,
        track=plan.points,
        local_checks=plan.local_checks,
    )
    log.flags = rules.log_flags(
        checks=plan.checks,
        photo_checks=[],
        points=plan.points,
        coverage_share=log.coverage,
        low_coverage=settings.RIVER["LOW_COVERAGE"],
        vehicle=plan.track.vehicle if plan.track else False,
        local_problems=plan.local_problems,
    )
    return log


def _submit(plan: Plan) -> PatrolLog:
    """Through the real service (problem reports, flags), as the phone would have sent it after the walk."""
    data = {
        "client_uuid": _log_uuid(plan),
        "date": plan.day,
        "started_at": plan.started_at,
        "ended_at": plan.ended_at,
        "segment": plan.segment.pk,
        "checks": plan.checks,
        "local_checks": plan.local_checks,
        "actions": plan.actions,
        "notes": plan.notes,
        "track": [point.as_json() for point in plan.points],
    }
    log, _created = services.patrol_log_submit(
        patroller=plan.patroller, data=data, now=plan.ended_at + timedelta(minutes=20)
    )
    return log


def _gets_photo(plan: Plan) -> bool:
    """A demo login photographs every problem (so evidence_missing clears) and the bank on one day in five."""
    return bool(plan.problems) or rng_for("photo?", _log_uuid(plan)).random() < 0.2


# --- the seed --------------------------------------------------------------------------------------------------

LIGHT_BATCH = 5000  # light logs written per bulk insert
# Patrollers of each other county that get logs: whole townships, smallest first, until at least this many. All
# 2 500 of them would be a quarter of a million rows and minutes of seeding; the townships left out show
# "未收到日志" (no logs received) on the overview, as an office that sends none would.
LIGHT_PATROLLERS_PER_COUNTY = 12


def _light_posts(first: date, today: date) -> list[Post]:
    """The posts of the other counties that get light logs: LIGHT_PATROLLERS_PER_COUNTY or a few more per county,
    from its smallest townships (each township either wholly logged or not at all)."""
    posts = _posts(first, today, full=False)
    townships = {
        pk: (code, county_id)
        for pk, code, county_id in Township.objects.filter(
            pk__in={post.patroller.township_id for post in posts}
        ).values_list("pk", "code", "county_id")
    }
    by_township: dict[int, list[Post]] = {}
    for post in posts:
        by_township.setdefault(post.patroller.township_id, []).append(post)
    counties: dict[int, int] = {}
    chosen: list[Post] = []
    for township_id in sorted(by_township, key=lambda pk: (len(by_township[pk]), townships[pk][0])):
        county = townships[township_id][1]
        if counties.get(county, 0) >= LIGHT_PATROLLERS_PER_COUNTY:
            continue
        counties[county] = counties.get(county, 0) + len(by_township[township_id])
        chosen += by_township[township_id]
    return chosen


def _seed_light_logs(*, first: date, today: date, now: datetime) -> tuple[int, int]:
    """Some of the other counties' logs over the same days (`_light_posts`): the same days missed, walks, short
    walks and drives, with a fix at each vertex of the segment (a dozen points per log) and no escalation, photo
    or local item (those belong to the demo county's story). Days that already have a log are skipped, so a
    second run writes nothing. Returns (logs written, patrollers)."""
    posts = _light_posts(first, today)
    if not posts:
        return 0, 0
    logged = set(
        PatrolLog.objects.filter(date__gte=first, patroller__is_demo=True)
        .exclude(patroller__township__county__code__in=LOG_COUNTIES)
        .values_list("patroller_id", "date")
    )
    tracks: dict[int, dict[str, Track | None]] = {}
    written, batch = 0, []
    with transaction.atomic():
        for post in posts:
            lazy = rng_for("lazy", post.patroller.id_number).random() < LAZY
            for day, segment in sorted(post.days.items()):
                if (post.patroller.pk, day) in logged:
                    continue
                if segment.pk not in tracks:
                    tracks[segment.pk] = tracks_of(segment, dense=False)
                plan = _plan(post, day, segment, tracks[segment.pk], lazy, now)
                if plan is None:
                    continue
                plan.actions = [code for code in plan.actions if code != rules.ESCALATED]
                batch.append(_bulk_log(plan))
                if len(batch) >= LIGHT_BATCH:
                    PatrolLog.objects.bulk_create(batch, batch_size=500)
                    written, batch = written + len(batch), []
        PatrolLog.objects.bulk_create(batch, batch_size=500)
    return written + len(batch), len(posts)


def seed_patrol_logs(*, stdout, days: int | None = None, now: datetime | None = None) -> Counts:
    """Add the demo logs of the last `days` days (default DAYS) up to `now` (default: the present), their photos and
    problem reports that are not there yet (idempotent: a second run up to the same moment adds nothing; a later one
    adds the walks finished in between)."""
    days = days or DAYS
    now = now or timezone.now()
    today = rules.local_date(now)
    first = today - timedelta(days=days - 1)
    counts = Counts()
    light, light_patrollers = _seed_light_logs(first=first, today=today, now=now)
    if light:
        stdout.write(f"演示巡查日志(其他县区)：新增{light}篇；共{light_patrollers}名巡察员、{days}天。")
    counts.logs = light
    posts = _posts(first, today)
    if not posts:
        return counts
    local_items = _local_items(today)
    tracks: dict[int, dict[str, Track | None]] = {}
    plans: list[Plan] = []
    for post in posts:
        lazy = rng_for("lazy", post.patroller.id_number).random() < LAZY
        for day, segment in sorted(post.days.items()):
            if segment.pk not in tracks:
                tracks[segment.pk] = tracks_of(segment)
            plan = _plan(post, day, segment, tracks[segment.pk], lazy, now, local_items)
            if plan is not None:
                plans.append(plan)
    existing = set(
        PatrolLog.objects.filter(date__gte=first, patroller__in=[p.patroller for p in posts]).values_list(
            "client_uuid", flat=True
        )
    )
    plans = [plan for plan in plans if _log_uuid(plan) not in existing]
    photo_users = {user.pk: user for user in User.objects.filter(username__in=PHOTO_USERS, patroller__isnull=False)}
    # The pipeline's path: escalations (the service files the reports) and the logs that will get photos.
    through_service = [p for p in plans if p.escalated or (p.patroller.user_id in photo_users and _gets_photo(p))]
    by_service = {id(p) for p in through_service}

    with transaction.atomic():
        bulk = [_bulk_log(plan) for plan in plans if id(plan) not in by_service]
        PatrolLog.objects.bulk_create(bulk, batch_size=500)
        submitted = [_submit(plan) for plan in through_service]
    counts.logs, counts.submitted = counts.logs + len(bulk) + len(submitted), len(submitted)

    photo_logs = [
        log
        for log, plan in zip(submitted, through_service, strict=True)
        if plan.patroller.user_id in photo_users and _gets_photo(plan)
    ]
    counts.photos = add_photos(photo_plans(photo_logs, photo_users))

    fresh = list(
        ProblemReport.objects.filter(
            log__in=[log.pk for log in submitted], status=ProblemReport.Status.REPORTED
        ).select_related("log", "township")
    )
    with transaction.atomic():
        for report in fresh:  # the report appeared when the phone sent the log
            ProblemReport.objects.filter(pk=report.pk).update(created_at=report.log.ended_at)
            report.events.update(at=report.log.ended_at)
        counts.moved = move_reports(fresh, today=today)
    stdout.write(
        f"演示巡查日志：新增{counts.logs - light}篇(其中{counts.submitted}篇经提交服务)，照片{counts.photos}张，"
        f"问题办理{counts.moved}步；共{len(posts)}名巡察员、{days}天。"
    )
    return counts
