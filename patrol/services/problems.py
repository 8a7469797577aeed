"""Writes of problem reports 上报 (第七条(二)): how the river office moves them along (patrol.rules.problems says
which moves exist and who makes them). Every move is made under a row lock and recorded as a `ProblemEvent` (who,
when, from, to, note)."""

import uuid as uuid_module
from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patrol.models import Photo, ProblemEvent, ProblemReport, ResolutionPhoto
from patrol.photos import PhotoRejected, process_photo
from patrol.rules.problems import (
    ASSIGNEE_MAX_LENGTH,
    MAX_RESOLUTION_PHOTOS,
    MAX_RESOLUTION_UPLOADS,
    NOTE_MAX_LENGTH,
    may_handle,
    transition_problem,
)
from patrol.services.photos import delete_photo_files

Status = ProblemReport.Status


def problem_report_accept(*, report: ProblemReport, by, note: str = "") -> ProblemReport:
    return _move(report=report, by=by, to_status=Status.ACCEPTED, note=note)


def problem_report_assign(
    *, report: ProblemReport, by, deadline: date, assignee: str, note: str = "", today: date | None = None
) -> ProblemReport:
    """Hand the report to a unit or person with a deadline (not before `today`, default the local date)."""
    today = today or timezone.localdate()
    assignee = (assignee or "").strip()
    errors: dict[str, list[str]] = {}
    if not assignee:
        errors["assignee"] = [_("请填写承办单位或人员。")]
    elif len(assignee) > ASSIGNEE_MAX_LENGTH:
        errors["assignee"] = [_("承办单位或人员不能超过%(max)d个字。") % {"max": ASSIGNEE_MAX_LENGTH}]
    if deadline is None:
        errors["deadline"] = [_("请填写办理期限。")]
    elif deadline < today:
        errors["deadline"] = [_("办理期限不能早于今天。")]
    if errors:
        raise ValidationError(errors)

    def change(locked: ProblemReport) -> str:
        locked.deadline, locked.assignee = deadline, assignee
        return _("承办：%(assignee)s；期限：%(deadline)s") % {"assignee": assignee, "deadline": deadline.isoformat()}

    return _move(report=report, by=by, to_status=Status.ASSIGNED, note=note, change=change)


def problem_report_resolve(
    *,
    report: ProblemReport,
    by,
    note: str,
    photo_ids: list[int] | tuple[int, ...] = (),
    uploads: Sequence[bytes] = (),
) -> ProblemReport:
    """Record the fix: a note saying what was done (required) and optionally photos of the result — chosen among
    the photos of logs on the report's segment (`photo_ids`, e.g. the next patrol's photo of the cleaned bank)
    and/or uploaded with the resolution (`uploads`, the files' bytes: checked like a patrol photo, kept as
    `ResolutionPhoto`s of the report). Uploaded files are written before the transaction and removed again when
    the resolution fails, so a refused resolution leaves no file behind."""
    if not (note or "").strip():
        raise ValidationError({"note": [_("请填写处理结果。")]})
    photo_ids = list(dict.fromkeys(photo_ids or ()))
    if len(photo_ids) > MAX_RESOLUTION_PHOTOS:
        raise ValidationError({"photos": [_("处理结果照片最多%(max)d张。") % {"max": MAX_RESOLUTION_PHOTOS}]})
    if len(uploads) > MAX_RESOLUTION_UPLOADS:
        raise ValidationError({"uploads": [_("一次最多上传%(max)d张处理结果照片。") % {"max": MAX_RESOLUTION_UPLOADS}]})
    photos = list(Photo.objects.filter(pk__in=photo_ids, log__segment_id=report.segment_id)) if photo_ids else []
    if len(photos) != len(photo_ids):
        raise ValidationError({"photos": [_("照片不存在，或不是该河段巡查日志的照片。")]})
    uploaded = _resolution_photos(report=report, by=by, uploads=uploads)

    def change(locked: ProblemReport) -> str:
        locked.resolution_note = note.strip()
        return ""

    def after(locked: ProblemReport) -> None:
        locked.resolution_photos.set(photos)  # a resolution after a reopening replaces the earlier evidence
        for photo in uploaded:
            photo.save(force_insert=True)

    try:
        return _move(report=report, by=by, to_status=Status.RESOLVED, note=note, change=change, after=after)
    except BaseException:
        delete_photo_files(uploaded)
        raise


def _resolution_photos(*, report: ProblemReport, by, uploads: Sequence[bytes]) -> list[ResolutionPhoto]:
    """Check every upload first (nothing is written when one is refused), then write the files; unsaved rows."""
    river = settings.RIVER
    processed = []
    for n, data in enumerate(uploads, start=1):
        try:
            processed.append(
                process_photo(data, max_bytes=river["PHOTO_MAX_BYTES"], max_pixels=river["PHOTO_MAX_PIXELS"])
            )
        except PhotoRejected as exc:
            raise ValidationError(
                {"uploads": [_("第%(n)d张照片：%(problem)s") % {"n": n, "problem": exc.message}]}
            ) from None
    photos: list[ResolutionPhoto] = []
    try:
        for data, result in zip(uploads, processed, strict=True):
            photo = ResolutionPhoto(
                report=report,
                uuid=uuid_module.uuid4(),
                sha256=result.sha256,
                width=result.width,
                height=result.height,
                taken_at=result.taken_at,
                latitude=result.latitude,
                longitude=result.longitude,
                uploaded_by=by,
            )
            photos.append(photo)
            photo.file.save(f"original{result.extension}", ContentFile(data), save=False)
            photo.thumbnail.save("thumbnail.jpg", ContentFile(result.thumbnail), save=False)
    except BaseException:
        delete_photo_files(photos)
        raise
    return photos


def problem_report_close(*, report: ProblemReport, by, note: str = "") -> ProblemReport:
    """Close a resolved report; closing one that was never handled dismisses it and needs a reason."""

    def change(locked: ProblemReport) -> str:
        if locked.status in (Status.REPORTED, Status.ACCEPTED) and not (note or "").strip():
            raise ValidationError({"note": [_("未经处理直接办结的问题须说明原因。")]})
        return ""

    return _move(report=report, by=by, to_status=Status.CLOSED, note=note, change=change)


def problem_report_reopen(*, report: ProblemReport, by, note: str) -> ProblemReport:
    """Send a resolved or closed report back (the fix did not hold); the reason is required."""
    if not (note or "").strip():
        raise ValidationError({"note": [_("请说明退回重办的原因。")]})
    return _move(report=report, by=by, to_status=Status.REOPENED, note=note)


def problem_report_act(*, report: ProblemReport, by, action: str, data: dict) -> ProblemReport:
    """Dispatch one of ACTIONS with its fields (the API and the page use this one entry point)."""
    note = data.get("note") or ""
    if action == "accept":
        return problem_report_accept(report=report, by=by, note=note)
    if action == "assign":
        return problem_report_assign(
            report=report, by=by, deadline=data.get("deadline"), assignee=data.get("assignee") or "", note=note
        )
    if action == "resolve":
        return problem_report_resolve(
            report=report, by=by, note=note, photo_ids=data.get("photos") or (), uploads=data.get("uploads") or ()
        )
    if action == "close":
        return problem_report_close(report=report, by=by, note=note)
    if action == "reopen":
        return problem_report_reopen(report=report, by=by, note=note)
    raise ValueError(f"unknown problem report action {action!r}")


def _move(*, report: ProblemReport, by, to_status: str, note: str, change=None, after=None) -> ProblemReport:
    """The one transition path: permission, row lock, allowed-transition check, save, event."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": [_("说明不能超过%(max)d个字。") % {"max": NOTE_MAX_LENGTH}]})
    with transaction.atomic():
        # Lock and re-read: two clerks pressing the button at once must not both move the report.
        locked = ProblemReport.objects.select_for_update().select_related("township").get(pk=report.pk)
        if not may_handle(by, locked):
            raise PermissionDenied(_("只有问题所在乡镇的河长办或其上级县级河长办可以办理。"))
        from_status = locked.status
        problem = transition_problem(from_status, to_status)
        if problem:
            raise ValidationError({"status": [problem]})
        # The action's own checks and changes, on the locked row (the caller's copy may be stale).
        detail = change(locked) if change else ""
        locked.status = to_status
        # A transition never changes what the report is about (log, place, category): those were validated when
        # the report was filed, and re-checking them would cost a query each on every click.
        locked.full_clean(exclude=["log", "township", "segment", "category"])
        locked.save()
        if after:
            after(locked)
        event_note = "\n".join(part for part in (detail, note) if part)
        event = ProblemEvent(report=locked, from_status=from_status, to_status=to_status, by=by, note=event_note)
        event.full_clean(exclude=["report", "by"])  # the locked row and the signed-in user: both exist
        event.save()
    return locked
