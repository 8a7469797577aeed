"""Writing photos (SPEC §5): idempotent by the phone's `client_uuid`, files and row never out of step.

Files and rows — why "write first, delete on failure" rather than "write to a temporary name, move after commit":
- a saved row must never point at a missing file. Moving after commit leaves a window (and, after a crash, a
  permanent state) where the committed row names a file that is not there yet. So both files are written to
  their final names, flushed to disk, BEFORE the row is inserted;
- a failed transaction must leave no orphan. Every failure between the writes and the commit (a validation
  error, a concurrent twin winning the unique constraint, a failing flag refresh, a database error) passes
  through one `except` that deletes exactly the files this call wrote, then re-raises or answers the replay.
  File names carry the uuid and a random part (patrol.models), so two racing uploads of one uuid never write
  to the same file or object — even on two app servers over one object store — and the loser's cleanup never
  touches the winner's file.
This service opens its own transaction, durable: called inside another one (ATOMIC_REQUESTS, a caller's
`atomic`) it fails with RuntimeError and removes what it wrote, since a rollback of the enclosing transaction
after it returned could not remove the files. Only a process killed between the writes and the commit can leave
an orphan file (never a dangling row).

The same holds on local disk and in an object store (config/objectstore.py): files are written and deleted
through Django's storage API only. If the cleanup itself fails (the store unreachable at that moment), the
leftover names are logged (no personal data: a path made of the uuid) and the original error still reaches the
caller.

The CPU work (decoding, hashing, thumbnail) and the file writes happen before the transaction, so that the
database write lock (SQLite takes it at BEGIN) is held only for a few short statements.
"""

import hashlib
import logging
import os
import uuid as uuid_module
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patrol import rules
from patrol.models import PatrolLog, Photo, ResolutionPhoto
from patrol.photo_checks import photo_flags
from patrol.photos import process_photo
from patrol.rules import photo_evidence
from patrol.rules.photo_evidence import NOTHING_REPORTED, Reported
from patrol.services.logs import IdempotencyConflict, patrol_log_refresh_flags

logger = logging.getLogger(__name__)


def may_add_photo(*, log: PatrolLog, by) -> bool:
    """Only the log's own patroller adds photos to it."""
    return bool(by and by.is_authenticated and log.patroller.user_id == by.pk)


def require_may_add_photo(*, log: PatrolLog, by) -> None:
    if not may_add_photo(log=log, by=by):
        raise PermissionDenied(_("只有提交该巡查日志的巡察员本人可以上传照片。"))


def _replay(
    *, client_uuid: uuid_module.UUID, log: PatrolLog, sha256: str, check: str, reported: Reported
) -> Photo | None:
    """The stored photo when `client_uuid` is taken by the same upload (same log, same bytes, same check, the same
    phone-reported evidence); IdempotencyConflict when it was used for anything else."""
    existing = Photo.objects.filter(client_uuid=client_uuid).first()
    if existing is None:
        return None
    if existing.log_id != log.pk or existing.sha256 != sha256 or existing.check_code != check:
        raise IdempotencyConflict(_("该编号(client_uuid)已用于另一张照片。"))
    if not photo_evidence.same_report(
        taken_at=existing.taken_at,
        taken_at_source=existing.taken_at_source,
        latitude=existing.latitude,
        longitude=existing.longitude,
        location_source=existing.location_source,
        location_accuracy=existing.location_accuracy,
        reported=reported,
    ):
        raise IdempotencyConflict(_("该编号(client_uuid)已用于同一张照片，但报告的拍摄时间或地点不同。"))
    return existing


def _flush(name: str, storage) -> None:
    """Make the written file durable before the row that names it is committed (local disk storage)."""
    try:
        path = storage.path(name)
    except NotImplementedError:  # object storage: the upload is complete when save() returns
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def delete_photo_files(photos: Iterable[Photo | ResolutionPhoto]) -> None:
    """Remove the files written for `photos` (original and thumbnail) when what they were written for failed; a
    failure to remove one is logged, never raised over the real error."""
    for photo in photos:
        for field in (photo.file, photo.thumbnail):
            if field and field.name:
                try:
                    field.storage.delete(field.name)
                except Exception:
                    logger.exception("photo cleanup failed, orphan file left: %s", field.name)


def photo_add(
    *,
    log: PatrolLog,
    by,
    client_uuid: uuid_module.UUID,
    data: bytes,
    check: str = "",
    reported: Reported = NOTHING_REPORTED,
) -> tuple[Photo, bool]:
    """Attach an uploaded photo to `log`; `(photo, created)`.

    `reported`: the capture time and place the phone sent with the upload, used where the file itself has no
    EXIF value (patrol.rules.photo_evidence: the precedence rule).

    The same `client_uuid` with the same bytes, log and check again returns the stored photo (created False,
    nothing written); with anything else raises IdempotencyConflict. Raises PermissionDenied unless `by` is the
    log's patroller (`by=None`: the system itself, e.g. demo seeding for patrollers without a login),
    PhotoTooLarge / PhotoRejected (patrol.photos) for files that are not acceptable photos.
    Computes the photo's flags and refreshes the log's (evidence_missing clears).
    """
    if by is not None:
        require_may_add_photo(log=log, by=by)
    check = check or ""
    if check and check not in rules.CHECKS and check not in (log.local_checks or {}):
        # A fixed check, or a local item (第八条) the log answered.
        raise ValidationError({"check": [_("该日志没有检查项“%(code)s”。") % {"code": check}]})
    river = settings.RIVER
    # A retry gets its answer without decoding anything; the unique constraint below decides real races.
    existing = _replay(
        client_uuid=client_uuid, log=log, sha256=hashlib.sha256(data).hexdigest(), check=check, reported=reported
    )
    if existing is not None:
        return existing, False

    processed = process_photo(data, max_bytes=river["PHOTO_MAX_BYTES"], max_pixels=river["PHOTO_MAX_PIXELS"])
    evidence = photo_evidence.resolve(
        file_taken_at=processed.taken_at,
        file_latitude=processed.latitude,
        file_longitude=processed.longitude,
        reported=reported,
    )
    photo = Photo(
        log=log,
        client_uuid=client_uuid,
        sha256=processed.sha256,
        phash=processed.phash,
        taken_at=evidence.taken_at,
        taken_at_source=evidence.taken_at_source,
        latitude=evidence.latitude,
        longitude=evidence.longitude,
        location_source=evidence.location_source,
        location_accuracy=evidence.location_accuracy,
        width=processed.width,
        height=processed.height,
        check_code=check,
    )
    # Flags are worked out before the transaction (reads only): a twin uploaded at the very same moment to
    # another log may go unnoticed, which a reviewer can live with; holding the write lock during the
    # near-duplicate search could not.
    photo.flags = photo_flags(
        log=log,
        sha256=processed.sha256,
        phash=processed.phash,
        taken_at=evidence.taken_at,
        latitude=evidence.latitude,
        longitude=evidence.longitude,
    )
    try:
        photo.file.save(f"original{processed.extension}", ContentFile(data), save=False)
        photo.thumbnail.save("thumbnail.jpg", ContentFile(processed.thumbnail), save=False)
        _flush(photo.file.name, photo.file.storage)
        _flush(photo.thumbnail.name, photo.thumbnail.storage)
        # The uniqueness of client_uuid is left to the database (a concurrent retry may be inserting now).
        photo.full_clean(exclude=["client_uuid"])
        with transaction.atomic(durable=True):
            photo.save(force_insert=True)
            patrol_log_refresh_flags(log=log)
    except IntegrityError:
        delete_photo_files([photo])
        existing = _replay(client_uuid=client_uuid, log=log, sha256=processed.sha256, check=check, reported=reported)
        if existing is None:
            raise
        return existing, False
    except BaseException:
        delete_photo_files([photo])
        raise
    return photo, True
