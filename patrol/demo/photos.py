"""Demo photos: small riverside JPEGs with EXIF time and GPS, some odd ones out so that every photo flag shows,
uploaded through the real pipeline."""

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from PIL import Image, ImageDraw

from accounts.models import User
from patrol import rules
from patrol.demo.common import ring_of, rng_for, uuid_for
from patrol.models import PatrolLog, Photo


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 3)


def photo_bytes(seed: str, *, taken: datetime | None, position: tuple[float, float] | None) -> bytes:
    """A small riverside JPEG drawn from `seed` (sky, far bank, water, things on the bank), with EXIF capture
    time (local, no offset, as most phones write it) and GPS when given."""
    rng = rng_for("photo", seed)
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


def photo_plans(logs: list[PatrolLog], users: dict[int, User]) -> list[PhotoPlan]:
    """One photo for each of these logs. The 2nd to 5th photo, and every 7th after, is an odd one out: no EXIF,
    taken hours before the walk, taken far away, an earlier picture sent again with a later log."""
    plans: list[PhotoPlan] = []
    earlier: bytes | None = None
    for log in sorted(logs, key=lambda row: (row.date, row.pk)):
        problems_found = rules.problem_checks(log.checks)
        number = len(plans)
        special = SPECIALS[(number - 1) % len(SPECIALS)] if 1 <= number <= 4 or number % 7 == 0 else None
        points = rules.stored_track(log.track)
        ring = ring_of(log.segment) or [(None, None)]
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


def add_photos(plans: list[PhotoPlan]) -> int:
    """Through the real pipeline. `photo_add` opens its own transaction (files and rows stay in step)."""
    from patrol.services import photo_add

    existing = set(
        Photo.objects.filter(client_uuid__in=[uuid_for("photo", p.key) for p in plans]).values_list(
            "client_uuid", flat=True
        )
    )
    added = 0
    for plan in plans:
        client_uuid = uuid_for("photo", plan.key)
        if client_uuid in existing:
            continue
        photo_add(log=plan.log, by=plan.user, client_uuid=client_uuid, data=plan.data, check=plan.check)
        added += 1
    return added
