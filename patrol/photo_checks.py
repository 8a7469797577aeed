"""Evidence flags on a photo (SPEC §5, API.md): they inform the reviewing office and never refuse a photo.

- `duplicate_photo`: the same file (SHA-256) or the same picture (perceptual hash within PHASH_MAX_DISTANCE bits)
  is attached to ANOTHER log in the same county. Search strategy, so that an upload never scans every photo:
  identical SHA-256 and identical phash are looked up over all time through their indexes (photo_sha256_idx,
  photo_phash_idx) — a re-sent or re-saved old photo nearly always has one of the two; near (not identical)
  hashes are compared in Python against the county's photos on logs dated within PHASH_WINDOW_DAYS of this log's
  date (only the 16-character hashes are fetched; the log's (segment, date) index bounds the rows). The flag goes
  on the photo that arrives second: the first use of a picture is not suspicious, its reuse is.
- `taken_outside_window`: EXIF capture time more than PHOTO_WINDOW_MINUTES before the start or after the end.
- `far_from_segment`: EXIF position more than PHOTO_FAR_M metres from the segment's geometry, measured in UTM 49N
  (rivers.geometry), never in degrees. No geometry or no position: nothing to measure, no flag. One point
  against the segment: work linear in the geometry's vertices, whatever the log's track.
- `no_exif`: no capture time known — none in the file and none reported by the phone (a screenshot, an edited or
  forwarded picture). Time and place are the file's EXIF or, where it has none, the phone's report
  (patrol.rules.photo_evidence has the precedence rule); the checks read whichever was kept.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q

from patrol import rules
from patrol.models import PatrolLog, Photo
from rivers import geometry as river_geometry

DUPLICATE_PHOTO, TAKEN_OUTSIDE_WINDOW, FAR_FROM_SEGMENT, NO_EXIF = (
    "duplicate_photo",
    "taken_outside_window",
    "far_from_segment",
    "no_exif",
)


# --- pure rules -------------------------------------------------------------------------------------------------


def hamming(a: str, b: str) -> int:
    """Bits that differ between two hex hashes of the same length."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def taken_outside_window(
    taken_at: datetime | None, *, started_at: datetime, ended_at: datetime, window: timedelta
) -> bool:
    if taken_at is None:
        return False
    return taken_at < started_at - window or taken_at > ended_at + window


def distance_to_segment_m(latitude: float, longitude: float, geometry: Any) -> float | None:
    """Metres from a WGS84 point to the segment (0 inside a lake's polygon); None without a usable geometry."""
    from shapely.geometry import Point

    shape_m = river_geometry.in_metres(geometry)
    if shape_m is None:
        return None
    (xy,) = river_geometry.project([(longitude, latitude)])
    return float(Point(xy).distance(shape_m))


def far_from_segment(latitude: float | None, longitude: float | None, geometry: Any, *, far_m: float) -> bool:
    if latitude is None or longitude is None:
        return False
    distance = distance_to_segment_m(latitude, longitude, geometry)
    return distance is not None and distance > far_m


# --- with the database ------------------------------------------------------------------------------------------


def is_duplicate(*, log: PatrolLog, sha256: str, phash: str, max_distance: int, window_days: int) -> bool:
    """Whether the picture is already attached to another log of the log's county (at most two queries)."""
    county_id = log.segment.township.county_id
    others = Photo.objects.filter(log__segment__township__county_id=county_id).exclude(log_id=log.pk)
    # One query: both columns are indexed, so the OR is two index lookups.
    identical = Q(sha256=sha256) | Q(phash=phash) if phash else Q(sha256=sha256)
    if others.filter(identical).exists():
        return True
    if not phash or max_distance <= 0:
        return False
    window = timedelta(days=window_days)
    nearby = (
        others.filter(log__date__gte=log.date - window, log__date__lte=log.date + window)
        .exclude(phash="")
        .values_list("phash", flat=True)
    )
    return any(hamming(phash, other) <= max_distance for other in nearby.iterator(chunk_size=2000))


def photo_flags(
    *,
    log: PatrolLog,
    sha256: str,
    phash: str,
    taken_at: datetime | None,
    latitude: float | None,
    longitude: float | None,
) -> list[str]:
    """The photo's flag codes, in rules.PHOTO_FLAGS order. `log` needs segment__township loaded."""
    river = settings.RIVER
    raised = set()
    if is_duplicate(
        log=log,
        sha256=sha256,
        phash=phash,
        max_distance=river["PHASH_MAX_DISTANCE"],
        window_days=river["PHASH_WINDOW_DAYS"],
    ):
        raised.add(DUPLICATE_PHOTO)
    if taken_outside_window(
        taken_at,
        started_at=log.started_at,
        ended_at=log.ended_at,
        window=timedelta(minutes=river["PHOTO_WINDOW_MINUTES"]),
    ):
        raised.add(TAKEN_OUTSIDE_WINDOW)
    if far_from_segment(latitude, longitude, log.segment.geometry, far_m=river["PHOTO_FAR_M"]):
        raised.add(FAR_FROM_SEGMENT)
    if taken_at is None:
        raised.add(NO_EXIF)
    return [code for code in rules.PHOTO_FLAGS if code in raised]
