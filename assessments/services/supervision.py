"""Supervision reports (第十二条): filed by village chiefs and volunteer supervisors, decided by the township office."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from assessments import rules, selectors
from assessments.models import SupervisionReport
from assessments.services.common import NON_FIELD, acting_user, save, today
from assessments.services.prepare import refresh_draft_suggestions
from patrol.photos import PhotoRejected, process_photo
from rivers.models import Township
from staffing.models import Patroller

# The long side of a supervision photo as stored: readable in full on an office screen, small on disk.
SUPERVISION_PHOTO_SIZE = 1600


def _photo_file(photo: bytes) -> ContentFile:
    """The photo checked by the patrol pipeline (JPEG or PNG by content, bounded size and pixels) and stored as a
    JPEG re-encoded without EXIF: the capture place is the reporter's, not the office's to keep."""
    river = settings.RIVER
    try:
        processed = process_photo(
            photo,
            max_bytes=river["PHOTO_MAX_BYTES"],
            max_pixels=river["PHOTO_MAX_PIXELS"],
            thumbnail_size=SUPERVISION_PHOTO_SIZE,
        )
    except PhotoRejected as error:
        raise ValidationError({"photo": [error.message]}) from None
    return ContentFile(processed.thumbnail, name=f"{processed.sha256[:32]}.jpg")


@transaction.atomic
def supervision_report_file(
    *, by, patroller: Patroller, observed_on: date, text: str, photo: bytes | None = None
) -> SupervisionReport:
    """A village chief (patrollers on segments through their village) or a volunteer supervisor (active
    patrollers of their township) reports that a patroller is not doing the job, with a photo if they took one."""
    if getattr(by, "role", None) not in (Role.SUPERVISOR, Role.VILLAGE_CHIEF):
        raise PermissionDenied(_("监督报告由村级河长和义务监督员提交。"))
    if not selectors.reportable_patrollers(by).filter(pk=patroller.pk).exists():
        raise ValidationError({"patroller": [_("只能报告本人监督范围内的在岗巡察员。")]})
    if observed_on > today():
        raise ValidationError({"observed_on": [_("发现日期不能晚于今天。")]})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写情况说明。")]})
    township = Township.objects.get(pk=patroller.township_id)
    report = SupervisionReport(
        patroller=patroller,
        reporter=by,
        observed_on=observed_on,
        text=text,
        township=township,
        county_id=township.county_id,
    )
    if photo:
        report.photo = _photo_file(photo)
    save(report)
    return report


def _decide(*, report: SupervisionReport, by, status: str, note: str) -> SupervisionReport:
    if not (getattr(by, "role", None) == Role.TOWNSHIP_OFFICE and by.township_id == report.township_id):
        raise PermissionDenied(_("监督报告由巡察员所在乡镇(街道)河长办核实。"))
    report = SupervisionReport.objects.select_for_update().get(pk=report.pk)
    if report.status != SupervisionReport.Status.PENDING:
        raise ValidationError({NON_FIELD: [_("该监督报告已核实处理。")]})
    report.status = status
    report.decided_by = acting_user(by)
    report.decided_at = timezone.now()
    report.decision_note = (note or "").strip()
    save(report)
    # Confirmed or rejected, the month's suggestion changes (complaints, confirmed reports): refresh drafts.
    refresh_draft_suggestions(patroller_id=report.patroller_id, month=rules.month_start(report.observed_on), by=by)
    return report


@transaction.atomic
def supervision_report_confirm(*, report: SupervisionReport, by, note: str = "") -> SupervisionReport:
    """The township office confirms: the report lowers that month's suggested daily-work score."""
    return _decide(report=report, by=by, status=SupervisionReport.Status.CONFIRMED, note=note)


@transaction.atomic
def supervision_report_reject(*, report: SupervisionReport, by, note: str = "") -> SupervisionReport:
    return _decide(report=report, by=by, status=SupervisionReport.Status.REJECTED, note=note)
