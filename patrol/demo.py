"""Demo patrol logs (issue 4): about three months of daily logs up to today, called by `seed_demo` after the roster.

Who: every patroller of the demo county (金水区, where every demo login works) on each day they were under
contract on an assignment. What shows: most days a walk along the whole segment with a GPS track; some days
missed (a few patrollers miss many); some walks cut short (`low_coverage`), some without a track (`no_track`),
some driven (`vehicle_speed`); problems found now and then, a third of them escalated — those go through the real
`patrol_log_submit`, so the problem reports are made by the service, and are then moved along by the offices
(accepted, assigned with deadlines, some overdue, resolved, closed, one reopened). Problems without photos carry
`evidence_missing`. Photos: the two demo patroller logins (`photo_add` accepts photos only from the log's own
patroller) upload small JPEGs through the real pipeline, with EXIF time and GPS — and one without EXIF, one taken
hours before the patrol, one far from the segment, one reused from an earlier log — so that every flag appears.

Everything derives from fixed seeds; log and photo `client_uuid`s are uuid5 of (patroller ID number, day, …), so a
second run finds every row and writes nothing. Logs that need no pipeline are bulk-created with the same rules
(coverage, flags, fingerprint) the service applies. Only the demo county gets logs: the whole city (about 2 600
patrollers) would be a quarter of a million rows, too heavy for a demo database — widen LOG_COUNTIES to change it.
"""

import io
import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from patrol import problems, rules, services
from patrol.models import PatrolLog, Photo, ProblemEvent, ProblemReport
from rivers import demo as register
from staffing.models import Assignment, Patroller

DAYS = 92  # about three months, today included
LOG_COUNTIES = (register.DEMO_COUNTY_CODE,)
NAMESPACE = uuid.UUID("5b0f3c56-3f5e-4a0c-9a53-6a0e21f1d0c4")
PHOTO_USERS = ("demo_patroller", "demo_patroller2")

# Share of patroller-days of each kind (the rest are ordinary walks); "lazy" patrollers miss far more days.
MISS, MISS_LAZY, SHORT_WALK, NO_TRACK, DRIVEN, PROBLEM = 0.04, 0.30, 0.05, 0.03, 0.02, 0.04
ESCALATE = 0.35  # of the problem days
LAZY = 0.08  # of the patrollers
WALK_KMH, FAST_KMH, DRIVE_KMH = 4.5, 14.0, 38.0
MAX_WALK_HOURS = 3.0

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
ASSIGNEES = ("村两委", "镇城管中队", "区水利局河道所", "环卫保洁公司", "属地派出所")


@dataclass
class Track:
    """A walk on one segment: points as (share of the duration, lat, lng, acc), and what the rules make of it."""

    points: list[tuple[float, float, float, float]]
    hours: float
    coverage: float | None = None
    vehicle: bool = False


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


def _rng(*key: object) -> random.Random:
    return random.Random(":".join(["patrol", register.SEED, *map(str, key)]))


def _uuid(*key: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(map(str, key)))


def _local(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(0), tzinfo=rules.LOCAL_TZ) + timedelta(hours=hour)


# --- who patrols when ------------------------------------------------------------------------------------------


def _posts(first: date, last: date) -> list[Post]:
    """Demo patrollers of LOG_COUNTIES with, per day, the segment of their assignment in force (same rule as the
    staffing report: the assignment and its contract both cover the day)."""
    assignments = (
        Assignment.objects.filter(
            patroller__is_demo=True,
            patroller__township__county__code__in=LOG_COUNTIES,
            start__lte=last,
            contract__start__lte=last,
            contract__end__gte=first,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .filter(Q(contract__terminated_on__isnull=True) | Q(contract__terminated_on__gte=first))
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


# --- tracks ----------------------------------------------------------------------------------------------------


def _ring(segment) -> list[tuple[float, float]] | None:
    """(lat, lng) vertices to walk along: a river's line, a lake's shore, a loop around a reservoir's point."""
    geometry = segment.geometry if isinstance(segment.geometry, dict) else None
    if geometry is None:
        return None
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "LineString":
        return [(lat, lng) for lng, lat in coordinates]
    if kind == "Polygon":
        return [(lat, lng) for lng, lat in coordinates[0]]
    if kind == "Point":
        lng, lat = coordinates
        return [
            (lat + 0.0015 * math.cos(a), lng + 0.0018 * math.sin(a)) for a in (2 * math.pi * i / 12 for i in range(13))
        ]
    return None


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlat = (b[0] - a[0]) * 111.32
    dlng = (b[1] - a[1]) * 111.32 * math.cos(math.radians(a[0]))
    return math.hypot(dlat, dlng)


def _densify(vertices: list[tuple[float, float]], step_km: float = 0.4) -> list[tuple[float, float]]:
    """Points every `step_km` or so along the vertices (a phone logs a fix every few minutes)."""
    points = [vertices[0]]
    for a, b in pairwise(vertices):
        parts = max(1, math.ceil(_km(a, b) / step_km))
        points.extend((a[0] + (b[0] - a[0]) * k / parts, a[1] + (b[1] - a[1]) * k / parts) for k in range(1, parts + 1))
    return points


def _timed(points: list[tuple[float, float]], rng: random.Random) -> list[tuple[float, float, float, float]]:
    """(share of the duration by distance walked, lat, lng, acc) with a few metres of GPS noise."""
    legs = [0.0] + [_km(a, b) for a, b in pairwise(points)]
    total = sum(legs) or 1.0
    walked, out = 0.0, []
    for leg, (lat, lng) in zip(legs, points, strict=True):
        walked += leg
        out.append(
            (
                walked / total,
                round(lat + rng.uniform(-4e-5, 4e-5), 6),
                round(lng + rng.uniform(-4e-5, 4e-5), 6),
                float(rng.choice((5, 8, 10, 12, 15))),
            )
        )
    return out


def _tracks(segment) -> dict[str, Track | None]:
    """The segment's walk, short walk and drive, with coverage and the vehicle finding worked out once."""
    ring = _ring(segment)
    if ring is None or len(ring) < 2:
        return {"walk": None, "short": None, "drive": None}
    rng = _rng("track", segment.code)
    full = _densify(ring)
    km = sum(_km(a, b) for a, b in pairwise(full))
    walk_hours = max(0.5, km / WALK_KMH)
    if walk_hours > MAX_WALK_HOURS:  # a long stretch is ridden by bicycle, well below vehicle speed
        walk_hours = max(MAX_WALK_HOURS, km / FAST_KMH)
    cut = max(2, len(full) * 3 // 10)
    # A drive needs a kilometre or more at speed to count as sustained; short stretches are driven there and back.
    laps = 2 if km < 1.5 else 1
    tracks = {
        "walk": Track(_timed(full, rng), walk_hours),
        "short": Track(_timed(full[:cut], rng), max(0.3, walk_hours * 0.3)),
        "drive": Track(_timed(full + full[::-1][1:] if laps == 2 else full, rng), laps * km / DRIVE_KMH),
    }
    for track in tracks.values():
        points = _points(track, _local(date(2000, 1, 1), 8))
        usable = rules.usable(points, max_accuracy_m=settings.RIVER["TRACK_MAX_ACCURACY_M"])
        track.coverage = rules.coverage(segment.geometry, usable, buffer_m=settings.RIVER["COVERAGE_BUFFER_M"])
        track.vehicle = rules.vehicle_speed(
            points,
            limit_kmh=settings.RIVER["VEHICLE_SPEED_KMH"],
            max_accuracy_m=settings.RIVER["TRACK_MAX_ACCURACY_M"],
        )
    return tracks


def _points(track: Track | None, started_at: datetime) -> list[rules.TrackPoint]:
    if track is None:
        return []
    seconds = track.hours * 3600
    return [
        rules.TrackPoint(t=started_at + timedelta(seconds=round(share * seconds)), lat=lat, lng=lng, acc=acc)
        for share, lat, lng, acc in track.points
    ]


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

    @property
    def problems(self) -> list[str]:
        return rules.problem_checks(self.checks)

    @property
    def escalated(self) -> bool:
        return rules.ESCALATED in self.actions


def _plan(post: Post, day: date, segment, tracks: dict[str, Track | None], lazy: bool, now: datetime) -> Plan | None:
    patroller = post.patroller
    rng = _rng("day", patroller.id_number, day)
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
    started_at = _local(day, rng.uniform(6.5, 10.0))
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
    actions = [code for code in rules.ACTIONS if code in actions]
    points = _points(track, started_at)
    return Plan(patroller, segment, day, started_at, ended_at, checks, actions, notes, points, track)


def _log_uuid(plan: Plan) -> uuid.UUID:
    return _uuid("log", plan.patroller.id_number, plan.day.isoformat())


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
        actions=plan.actions,
        notes=plan.notes,
        track=[point.as_json() for point in plan.points],
        coverage=plan.track.coverage
        if plan.track
        else rules.coverage(plan.segment.geometry, [], buffer_m=settings.RIVER["COVERAGE_BUFFER_M"]),
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
    )
    log.flags = rules.log_flags(
        checks=plan.checks,
        photo_checks=[],
        points=plan.points,
        coverage_share=log.coverage,
        low_coverage=settings.RIVER["LOW_COVERAGE"],
        vehicle=plan.track.vehicle if plan.track else False,
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
        "actions": plan.actions,
        "notes": plan.notes,
        "track": [point.as_json() for point in plan.points],
    }
    log, _created = services.patrol_log_submit(
        patroller=plan.patroller, data=data, now=plan.ended_at + timedelta(minutes=20)
    )
    return log


# --- photos ----------------------------------------------------------------------------------------------------


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 3)


def photo_bytes(seed: str, *, taken: datetime | None, position: tuple[float, float] | None) -> bytes:
    """A small riverside JPEG drawn from `seed` (sky, far bank, water, things on the bank), with EXIF capture
    time (local, no offset, as most phones write it) and GPS when given."""
    rng = _rng("photo", seed)
    width, height = 480, 360
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon, shore = rng.randint(90, 150), rng.randint(200, 260)
    sky = (rng.randint(150, 210), rng.randint(180, 225), rng.randint(215, 250))
    water = (rng.randint(40, 90), rng.randint(80, 130), rng.randint(90, 140))
    draw.rectangle((0, 0, width, horizon), fill=sky)
    draw.rectangle((0, horizon, width, shore), fill=water)
    draw.rectangle((0, shore, width, height), fill=(rng.randint(90, 140), rng.randint(100, 140), rng.randint(50, 80)))
    for _ in range(14):  # trees, rubbish, reeds: coarse shapes that make each picture's hash its own
        x, y = rng.randrange(width), rng.randrange(horizon - 40, height)
        w, h = rng.randint(20, 120), rng.randint(10, 70)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x, y, x + w, y + h), fill=colour)
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken.astimezone(rules.LOCAL_TZ).strftime("%Y:%m:%d %H:%M:%S")
    if position is not None:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", _dms(position[0])
        gps[3], gps[4] = "E", _dms(position[1])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, **({"exif": exif.tobytes()} if taken or position else {}))
    return out.getvalue()


@dataclass
class PhotoPlan:
    log: PatrolLog
    user: User
    key: str
    check: str
    data: bytes


SPECIALS = ("no_exif", "early", "far", "reused")


def _gets_photo(plan: Plan) -> bool:
    """A demo login photographs every problem (so evidence_missing clears) and the bank on one day in five."""
    return bool(plan.problems) or _rng("photo?", _log_uuid(plan)).random() < 0.2


def _photo_plans(logs: list[PatrolLog], users: dict[int, User]) -> list[PhotoPlan]:
    """One photo for each of these logs. The 2nd to 5th photo, and every 7th after, is an odd one out: no EXIF,
    taken hours before the walk, taken far away, an earlier picture sent again with a later log."""
    plans: list[PhotoPlan] = []
    earlier: bytes | None = None
    for log in sorted(logs, key=lambda row: (row.date, row.pk)):
        problems_found = rules.problem_checks(log.checks)
        number = len(plans)
        special = SPECIALS[(number - 1) % len(SPECIALS)] if 1 <= number <= 4 or number % 7 == 0 else None
        points = rules.stored_track(log.track)
        ring = _ring(log.segment) or [(None, None)]
        where = (points[len(points) // 2].lat, points[len(points) // 2].lng) if points else ring[0]
        taken = log.started_at + (log.ended_at - log.started_at) / 2
        position = where if where[0] is not None else None
        key = f"{log.client_uuid}:0"
        if special == "reused" and earlier is not None:
            data = earlier
        else:
            if special == "no_exif":
                taken, position = None, None
            elif special == "early":
                taken = log.started_at - timedelta(hours=3)
            elif special == "far" and position is not None:
                position = (position[0] + 0.03, position[1] + 0.03)  # about 4 km away
            data = photo_bytes(key, taken=taken, position=position)
        earlier = data
        check = problems_found[0] if problems_found else ""
        plans.append(PhotoPlan(log, users[log.patroller.user_id], key, check, data))
    return plans


def _add_photos(plans: list[PhotoPlan]) -> int:
    """Through the real pipeline. `photo_add` opens its own transaction (files and rows stay in step)."""
    from patrol.photo_services import photo_add

    existing = set(
        Photo.objects.filter(client_uuid__in=[_uuid("photo", p.key) for p in plans]).values_list(
            "client_uuid", flat=True
        )
    )
    added = 0
    for plan in plans:
        client_uuid = _uuid("photo", plan.key)
        if client_uuid in existing:
            continue
        photo_add(log=plan.log, by=plan.user, client_uuid=client_uuid, data=plan.data, check=plan.check)
        added += 1
    return added


# --- problem reports moved along -------------------------------------------------------------------------------


# What has become of a report by now, dealt out in turn among the reports of each age so that every state shows:
# a month on, nearly all are closed (one was reopened, one is still late); recent ones are at every stage.
OLD_FATES = ("closed",) * 2 + ("reopened",) + ("closed",) * 6 + ("overdue",) + ("closed",) * 6
RECENT_FATES = ("assigned", "resolved", "closed", "assigned", "overdue", "resolved", "closed", "assigned")
OLD_DAYS = 30


def _steps(report: ProblemReport, fate: str, *, today: date) -> list[tuple[str, dict, datetime]]:
    """The office's actions that lead to `fate`, each with the moment it happened."""
    rng = _rng("report", report.log.client_uuid, report.category)
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
            _local(assigned_on, 10),
        )
    )
    if fate in ("assigned", "overdue"):
        return steps
    # Resolved between the day after assignment and yesterday; closed or reopened a day or two later.
    span = max(1, (today - assigned_on).days - 3)
    done_on = assigned_on + timedelta(days=min(span, rng.randint(1, 10)))
    steps.append(("resolve", {"note": "已督促整改完毕，现场复查合格。"}, _local(done_on, 15)))
    if fate == "closed":
        steps.append(("close", {"note": ""}, _local(done_on + timedelta(days=1), 11)))
    elif fate == "reopened":
        steps.append(("reopen", {"note": "复查发现问题反弹，退回重办。"}, _local(done_on + timedelta(days=2), 9)))
    return steps


def _move_reports(reports: list[ProblemReport], *, today: date) -> int:
    """The offices' handling (the demo township office for its township, the county office elsewhere), with the
    events dated when they would have happened."""
    offices = list(
        User.objects.filter(username__in=("demo_township", "demo_county")).order_by("-role")
    )  # township first
    moved = 0
    dealt = {"old": 0, "recent": 0}
    for report in sorted(reports, key=lambda r: (r.log.date, r.pk)):
        office = next((u for u in offices if problems.may_handle(u, report)), None)
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
        problems.problem_report_accept(report=report, by=office)
    elif action == "assign":
        problems.problem_report_assign(
            report=report, by=office, deadline=data["deadline"], assignee=data["assignee"], today=data["today"]
        )
    elif action == "resolve":
        problems.problem_report_resolve(report=report, by=office, note=data["note"])
    elif action == "reopen":
        problems.problem_report_reopen(report=report, by=office, note=data["note"])
    elif action == "close":
        problems.problem_report_close(report=report, by=office, note=data["note"])


# --- the seed --------------------------------------------------------------------------------------------------


def seed_patrol_logs(*, stdout, days: int | None = None) -> Counts:
    """Add the demo logs of the last `days` days (default DAYS), their photos and problem reports that are not
    there yet (idempotent)."""
    days = days or DAYS
    now = timezone.now()
    today = rules.local_date(now)
    first = today - timedelta(days=days - 1)
    posts = _posts(first, today)
    if not posts:
        return Counts()
    counts = Counts()
    tracks: dict[int, dict[str, Track | None]] = {}
    plans: list[Plan] = []
    for post in posts:
        lazy = _rng("lazy", post.patroller.id_number).random() < LAZY
        for day, segment in sorted(post.days.items()):
            if segment.pk not in tracks:
                tracks[segment.pk] = _tracks(segment)
            plan = _plan(post, day, segment, tracks[segment.pk], lazy, now)
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
    counts.logs, counts.submitted = len(bulk) + len(submitted), len(submitted)

    photo_logs = [
        log
        for log, plan in zip(submitted, through_service, strict=True)
        if plan.patroller.user_id in photo_users and _gets_photo(plan)
    ]
    counts.photos = _add_photos(_photo_plans(photo_logs, photo_users))

    fresh = list(
        ProblemReport.objects.filter(
            log__in=[log.pk for log in submitted], status=ProblemReport.Status.REPORTED
        ).select_related("log", "township")
    )
    with transaction.atomic():
        for report in fresh:  # the report appeared when the phone sent the log
            ProblemReport.objects.filter(pk=report.pk).update(created_at=report.log.ended_at)
            report.events.update(at=report.log.ended_at)
        counts.moved = _move_reports(fresh, today=today)
    stdout.write(
        f"演示巡查日志：新增{counts.logs}篇(其中{counts.submitted}篇经提交服务)，照片{counts.photos}张，"
        f"问题办理{counts.moved}步；共{len(posts)}名巡察员、{days}天。"
    )
    return counts
