"""A photo's capture time and place: from the file's own EXIF, or as reported by the phone (pure rules, no ORM).

Phones downscale photos before upload (long side ≤ 1600 px, ≤ 500 KB on one bar of signal), and a canvas re-encode
drops the EXIF. So the phone reads the original's EXIF (capture time and GPS) before downscaling — or, for a photo
just taken whose original has none, its own clock and GPS fix at capture — and sends them as optional multipart
fields `taken_at`, `latitude`, `longitude`, `accuracy` (API: `POST /api/v1/patrol-logs/{id}/photos/`).

Precedence, field by field (time and place separately):
1. the uploaded file's own EXIF, when it has the value (source `file`): the phone's value is then ignored;
2. else the phone's report (source `phone`, with its accuracy in metres for a position);
3. else nothing (source empty).
The evidence checks (patrol.photo_checks: taken_outside_window, far_from_segment, no_exif) read the result, so a
downscaled photo is checked like a full-size original; the review page and the API show the source with each value.
A full-size original with EXIF from any other client needs none of these fields.
"""

import math
from dataclasses import dataclass
from datetime import datetime

FILE, PHONE = "file", "phone"


@dataclass(frozen=True)
class Reported:
    """What the phone reported with an upload (all optional; position and accuracy in WGS84 degrees and metres)."""

    taken_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    accuracy: float | None = None

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


NOTHING_REPORTED = Reported()


@dataclass(frozen=True)
class Evidence:
    taken_at: datetime | None
    taken_at_source: str
    latitude: float | None
    longitude: float | None
    location_source: str
    location_accuracy: float | None


def resolve(
    *, file_taken_at: datetime | None, file_latitude: float | None, file_longitude: float | None, reported: Reported
) -> Evidence:
    """The capture time and place a photo is stored and checked with (the precedence of the module docstring)."""
    if file_taken_at is not None:
        taken_at, taken_at_source = file_taken_at, FILE
    elif reported.taken_at is not None:
        taken_at, taken_at_source = reported.taken_at, PHONE
    else:
        taken_at, taken_at_source = None, ""
    if file_latitude is not None and file_longitude is not None:
        position, location_source, accuracy = (file_latitude, file_longitude), FILE, None
    elif reported.has_position:
        position, location_source, accuracy = (reported.latitude, reported.longitude), PHONE, reported.accuracy
    else:
        position, location_source, accuracy = (None, None), "", None
    return Evidence(taken_at, taken_at_source, position[0], position[1], location_source, accuracy)


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)


def same_report(
    *,
    taken_at: datetime | None,
    taken_at_source: str,
    latitude: float | None,
    longitude: float | None,
    location_source: str,
    location_accuracy: float | None,
    reported: Reported,
) -> bool:
    """Whether a second upload of the same file under the same uuid reports what the stored photo kept.

    The same bytes always carry the same EXIF, so: where the stored value came from the file, the phone's value
    was ignored and still is; where it came from the phone, the report must be the same; where there is none,
    the first upload reported none and the replay must not report one either."""
    if taken_at_source == PHONE:
        if reported.taken_at is None or reported.taken_at != taken_at:
            return False
    elif taken_at_source == "" and reported.taken_at is not None:
        return False
    if location_source == PHONE:
        if not (
            reported.has_position
            and _same_number(reported.latitude, latitude)
            and _same_number(reported.longitude, longitude)
            and _same_number(reported.accuracy, location_accuracy)
        ):
            return False
    elif location_source == "" and reported.has_position:
        return False
    return True
