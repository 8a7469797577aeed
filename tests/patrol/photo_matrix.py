"""Rows of the permission matrix (tests/accounts/test_permissions.py) for the photo endpoints of issue 4.

`photo_rows(Row)` builds them with the matrix's own Row class, on the home log of tests/patrol/log_matrix.py
(yesterday's patrol of S-HOME by the cast's `patroller`). The matrix cannot send a multipart file, so the row
sends no body: the one caller allowed through scope and permission (the log's patroller) reaches the body and
gets 400 naming the missing fields — the point of the row is that everyone else is stopped before, 403 or 404.
"""

import uuid

from patrol import services
from patrol.models import Photo, ProblemReport, ResolutionPhoto
from tests.patrol.log_matrix import home_log
from tests.patrol.photo_images import jpeg_bytes
from tests.patrol.problem_matrix import READERS, home_report

OTHER_OFFICES = frozenset({"other_township_office", "other_county_office"})
SEES_THE_HOME_LOG = frozenset({"patroller", "village_chief", "township_office", "county_office", "city_office"})


def home_photo(get) -> Photo:
    existing = Photo.objects.first()
    if existing is not None:
        return existing
    log = home_log(get)
    photo, _ = services.photo_add(log=log, by=get("cast")["patroller"], client_uuid=uuid.uuid4(), data=jpeg_bytes())
    return photo


def home_resolution_photo(get) -> ResolutionPhoto:
    """A photo of the fix of the home report, uploaded by the home township office with the resolution."""
    existing = ResolutionPhoto.objects.first()
    if existing is not None:
        return existing
    report = home_report(get, ProblemReport.Status.ASSIGNED)
    services.problem_report_resolve(
        report=report, by=get("cast")["township_office"], note="已清运", uploads=[jpeg_bytes()]
    )
    return ResolutionPhoto.objects.get()


def photo_rows(Row) -> list:
    return [
        Row(
            "upload a photo to the home log: its patroller only (others who see the log 403, the rest 404)",
            "patrol-photo-upload",
            lambda get: f"/api/v1/patrol-logs/{home_log(get).pk}/photos/",
            allowed=frozenset({"patroller"}),
            hidden=OTHER_OFFICES | {"supervisor"},
            method="post",
            ok=400,  # through to the (missing) body
        ),
        Row(
            "a photo's thumbnail: whoever sees its log",
            "patrol-photo-thumbnail",
            lambda get: f"/api/v1/photos/{home_photo(get).pk}/thumbnail/",
            allowed=SEES_THE_HOME_LOG,
            hidden=OTHER_OFFICES | {"supervisor"},
        ),
        Row(
            "a photo at a readable size: whoever sees its log",
            "patrol-photo-large",
            lambda get: f"/api/v1/photos/{home_photo(get).pk}/large/",
            allowed=SEES_THE_HOME_LOG,
            hidden=OTHER_OFFICES | {"supervisor"},
        ),
        Row(
            "the thumbnail of a photo of a problem's fix: whoever sees the report",
            "patrol-resolution-thumbnail",
            lambda get: f"/api/v1/resolution-photos/{home_resolution_photo(get).pk}/thumbnail/",
            allowed=READERS,
            hidden=OTHER_OFFICES | {"supervisor", "village_chief"},
        ),
        Row(
            "a photo of a problem's fix at a readable size: whoever sees the report",
            "patrol-resolution-large",
            lambda get: f"/api/v1/resolution-photos/{home_resolution_photo(get).pk}/large/",
            allowed=READERS,
            hidden=OTHER_OFFICES | {"supervisor", "village_chief"},
        ),
    ]
