"""Daily patrol logs from phones, their photos and the problem reports they raise (SPEC §5, 第七条)."""

import secrets
from pathlib import PurePath
from uuid import UUID

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from patrol import rules


class PatrolLog(models.Model):
    """One patrol of one segment on one day, as the phone sent it, with the evidence flags worked out from it.

    The submitted content is never edited afterwards: `fingerprint` is the SHA-256 of its canonical form and
    decides whether a second submission with the same `client_uuid` is a replay (200) or a conflict (409).
    """

    client_uuid = models.UUIDField(_("客户端编号"))
    patroller = models.ForeignKey(
        "staffing.Patroller", on_delete=models.PROTECT, related_name="patrol_logs", verbose_name=_("巡察员")
    )
    segment = models.ForeignKey(
        "rivers.Segment", on_delete=models.PROTECT, related_name="patrol_logs", verbose_name=_("河段")
    )
    date = models.DateField(_("巡查日期"))
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    # {check code: value} for the seven checks of 第七条(一); vocabularies in rules.CHECKS.
    checks = models.JSONField(_("检查结果"), default=dict)
    # {local item code: value} for the local items (第八条, LocalCheck) in force on the log's date for its segment.
    local_checks = models.JSONField(_("本地检查结果"), default=dict, blank=True)
    # Action codes (rules.ACTIONS), in vocabulary order, without repeats.
    actions = models.JSONField(_("处置措施"), default=list, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    # [{"t": ISO datetime, "lat": float, "lng": float, "acc": float}, …] in time order.
    track = models.JSONField(_("轨迹"), default=list, blank=True)
    # Share (0–1) of the segment's line within COVERAGE_BUFFER_M of the track; NULL without a line geometry.
    coverage = models.FloatField(_("轨迹覆盖率"), null=True, blank=True)
    fingerprint = models.CharField(_("内容指纹"), max_length=64)
    # Log flag codes (rules.LOG_FLAGS), in that order; photo flags live on each photo.
    flags = models.JSONField(_("核查标记"), default=list, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("巡查日志")
        verbose_name_plural = _("巡查日志")
        ordering = ["updated_at", "id"]
        constraints = [
            # Idempotent submissions (SPEC §5): the database, not a check-then-insert, keeps one row per uuid.
            models.UniqueConstraint(fields=["client_uuid"], name="patrol_log_client_uuid_unique"),
            models.CheckConstraint(condition=Q(ended_at__gte=F("started_at")), name="patrol_log_ends_after_start"),
            models.CheckConstraint(
                condition=Q(coverage__isnull=True) | Q(coverage__gte=0, coverage__lte=1),
                name="patrol_log_coverage_0_1",
            ),
        ]
        indexes = [
            # Phone sync and API lists: `?updated_since=` (and `after_id`) ordered by (updated_at, id).
            models.Index(fields=["updated_at", "id"], name="patrol_log_updated_idx"),
            # One patroller's logs of a day or month (own list, missing logs, monthly assessment).
            models.Index(fields=["patroller", "date"], name="patrol_log_patroller_date_idx"),
            # A township's logs of a day or month go through its segments.
            models.Index(fields=["segment", "date"], name="patrol_log_segment_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.patroller_id} {self.segment_id} {self.date}"

    @property
    def problem_checks(self) -> list[str]:
        return rules.problem_checks(self.checks)


def _hex(instance: "Photo") -> str:
    return UUID(str(instance.client_uuid)).hex


def _suffix(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return suffix if suffix in {".jpg", ".jpeg", ".png"} else ""


def _name(instance: "Photo", filename: str) -> str:
    """The phone's uuid, never the uploaded name, and a random part: two uploads of one uuid racing each other
    (a retry on another app server) never write the same file or object, so the loser's cleanup cannot remove the
    winner's (an object store has no "create only if absent" that the storage API could use)."""
    return f"{_hex(instance)[:2]}/{_hex(instance)}-{secrets.token_hex(4)}{_suffix(filename)}"


def photo_original_path(instance: "Photo", filename: str) -> str:
    """Under MEDIA_ROOT/private/ (or the bucket's private/), which no URL serves (thumbnails go out through a view
    that checks scope)."""
    return f"private/patrol/originals/{_name(instance, filename)}"


def photo_thumbnail_path(instance: "Photo", filename: str) -> str:
    return f"private/patrol/thumbnails/{_name(instance, filename)}"


class Photo(models.Model):
    """Evidence attached to a log: the private original, a thumbnail, its hashes, and its capture time and place.

    Capture time and place come from the file's own EXIF when it has them, else from what the phone reported with
    the upload (read from the original before it downscaled it, or its clock and GPS at capture); the `*_source`
    columns say which (patrol.rules.photo_evidence has the precedence rule)."""

    class Source(models.TextChoices):
        FILE = "file", _("照片文件EXIF")
        PHONE = "phone", _("手机报告")

    log = models.ForeignKey(PatrolLog, on_delete=models.CASCADE, related_name="photos", verbose_name=_("巡查日志"))
    client_uuid = models.UUIDField(_("客户端编号"))
    file = models.FileField(_("原图"), upload_to=photo_original_path, max_length=255)
    thumbnail = models.FileField(_("缩略图"), upload_to=photo_thumbnail_path, max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Perceptual hash (ImageHash phash, 64 bits) as 16 lower-case hex digits.
    phash = models.CharField(_("感知哈希"), max_length=16, blank=True)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    # Where taken_at and the position came from (empty when there is none).
    taken_at_source = models.CharField(_("拍摄时间来源"), max_length=8, choices=Source.choices, blank=True)
    location_source = models.CharField(_("拍摄地点来源"), max_length=8, choices=Source.choices, blank=True)
    # The accuracy (metres) of a phone-reported position; a file's EXIF position has none.
    location_accuracy = models.FloatField(_("定位精度(米)"), null=True, blank=True)
    width = models.PositiveIntegerField(_("宽度"), default=0)
    height = models.PositiveIntegerField(_("高度"), default=0)
    # The API field `check` (a model field cannot be named so: Model.check() is Django's system check): a fixed
    # check code (rules.CHECKS) or the code of a local item the log answered (patrol.services.photos.photo_add).
    check_code = models.CharField(_("对应检查项"), max_length=32, blank=True)
    # Photo flag codes (rules.PHOTO_FLAGS).
    flags = models.JSONField(_("核查标记"), default=list, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("巡查照片")
        verbose_name_plural = _("巡查照片")
        ordering = ["log", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["client_uuid"], name="photo_client_uuid_unique"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="photo_location_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="photo_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="photo_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(taken_at__isnull=True, taken_at_source="")
                | Q(taken_at__isnull=False, taken_at_source__in=["file", "phone"]),
                name="photo_taken_at_source_iff_taken_at",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, location_source="")
                | Q(latitude__isnull=False, location_source__in=["file", "phone"]),
                name="photo_location_source_iff_location",
            ),
            models.CheckConstraint(
                condition=Q(location_accuracy__isnull=True)
                | Q(location_accuracy__gte=0, latitude__isnull=False, location_source="phone"),
                name="photo_accuracy_of_phone_location",
            ),
        ]
        indexes = [
            # duplicate_photo: the same file attached to another log of the county.
            models.Index(fields=["sha256"], name="photo_sha256_idx"),
            # duplicate_photo: an identical perceptual hash (near ones are compared in Python).
            models.Index(fields=["phash"], name="photo_phash_idx"),
            # Monthly assessment facts (assessments.selectors.facts._log_aggregates, logs_flagged): "this log has a
            # flagged photo" looked up among flagged photos only, never by scanning every photo of the database.
            models.Index(fields=["log"], condition=~Q(flags=[]), name="photo_flagged_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.log_id} {self.client_uuid}"


class ProblemReport(models.Model):
    """A problem 上报 to the township river office (第七条(二)): one per problem check of an escalated log."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("已上报")
        ACCEPTED = "accepted", _("已受理")
        ASSIGNED = "assigned", _("已交办")
        RESOLVED = "resolved", _("已处理")
        CLOSED = "closed", _("已办结")
        REOPENED = "reopened", _("已退回重办")

    log = models.ForeignKey(
        PatrolLog, on_delete=models.PROTECT, related_name="problem_reports", verbose_name=_("巡查日志")
    )
    township = models.ForeignKey(
        "rivers.Township", on_delete=models.PROTECT, related_name="problem_reports", verbose_name=_("乡镇(街道)")
    )
    segment = models.ForeignKey(
        "rivers.Segment", on_delete=models.PROTECT, related_name="problem_reports", verbose_name=_("河段")
    )
    # A fixed check code (rules.CHECKS), or the code of the local item (第八条) whose problem this is.
    category = models.CharField(_("问题类别"), max_length=32)
    local_check = models.ForeignKey(
        "patrol.LocalCheck",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problem_reports",
        verbose_name=_("本地检查项"),
    )
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REPORTED)
    deadline = models.DateField(_("办理期限"), null=True, blank=True)
    assignee = models.CharField(_("承办单位或人员"), max_length=128, blank=True)
    resolution_note = models.TextField(_("处理结果"), blank=True)
    # Evidence of the fix: photos already uploaded with a (later) log of the segment.
    resolution_photos = models.ManyToManyField(
        Photo, blank=True, related_name="resolved_problems", verbose_name=_("处理结果照片")
    )
    created_at = models.DateTimeField(_("上报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("问题上报")
        verbose_name_plural = _("问题上报")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One report per problem of a log, so an escalation can never be filed twice.
            models.UniqueConstraint(fields=["log", "category"], name="problem_report_once_per_log_check"),
            models.CheckConstraint(
                condition=Q(status__in=["reported", "accepted", "assigned", "resolved", "closed", "reopened"]),
                name="problem_report_status_valid",
            ),
            # A fixed check's problem names its code; a local item's problem points at the item.
            models.CheckConstraint(
                condition=Q(category__in=list(rules.CHECKS), local_check__isnull=True)
                | (~Q(category__in=list(rules.CHECKS)) & Q(local_check__isnull=False)),
                name="problem_report_category_known",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="problem_report_location_valid",
            ),
        ]
        indexes = [
            # The township office's queue and the overdue list: reports of a township by status and deadline.
            models.Index(fields=["township", "status", "deadline"], name="problem_township_status_idx"),
            # Phone/office sync: `?updated_since=` (and `after_id`) ordered by (updated_at, id).
            models.Index(fields=["updated_at", "id"], name="problem_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.category_label} {self.segment_id} {self.get_status_display()}"

    @property
    def category_label(self) -> str:
        """The check's name: a fixed check's in the reader's language, a local item's as its office wrote it."""
        if self.local_check_id is not None:
            return self.local_check.name
        return str(dict(rules.CHECK_CHOICES).get(self.category, self.category))


class ProblemEvent(models.Model):
    """One transition of a problem report: who moved it from which status to which, when and why."""

    report = models.ForeignKey(ProblemReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("问题"))
    # Empty for the event that created the report.
    from_status = models.CharField(_("原状态"), max_length=16, choices=ProblemReport.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ProblemReport.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("问题办理记录")
        verbose_name_plural = _("问题办理记录")
        ordering = ["report", "at", "id"]
        indexes = [
            # The history of one report, in order.
            models.Index(fields=["report", "at"], name="problem_event_report_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.from_status}→{self.to_status}"


def _photo_storage():
    """The storage of the patrol photos, whatever it is configured to be (resolution photos live beside them)."""
    return Photo._meta.get_field("file").storage


def resolution_original_path(instance: "ResolutionPhoto", filename: str) -> str:
    hex_ = UUID(str(instance.uuid)).hex
    return f"private/patrol/resolution/originals/{hex_[:2]}/{hex_}{_suffix(filename)}"


def resolution_thumbnail_path(instance: "ResolutionPhoto", filename: str) -> str:
    hex_ = UUID(str(instance.uuid)).hex
    return f"private/patrol/resolution/thumbnails/{hex_[:2]}/{hex_}.jpg"


class ResolutionPhoto(models.Model):
    """A photo of the fix uploaded by the office with "登记处理结果" on the review page (the evidence that the
    problem was dealt with, taken by whoever did it, not by the patroller): kept privately like a log photo, served
    through views that check the report's scope. Every upload is kept, also across a reopening and a new
    resolution, each with who uploaded it and when."""

    report = models.ForeignKey(
        ProblemReport, on_delete=models.CASCADE, related_name="uploaded_photos", verbose_name=_("问题")
    )
    uuid = models.UUIDField(_("编号"), unique=True)
    file = models.FileField(_("原图"), upload_to=resolution_original_path, storage=_photo_storage, max_length=255)
    thumbnail = models.FileField(
        _("缩略图"), upload_to=resolution_thumbnail_path, storage=_photo_storage, max_length=255
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("宽度"), default=0)
    height = models.PositiveIntegerField(_("高度"), default=0)
    # From the file's EXIF, when it has them.
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("处理结果照片")
        verbose_name_plural = _("处理结果照片")
        ordering = ["report", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.uuid}"


class LocalCheck(models.Model):
    """A check item a county or township office adds for its area (第八条: 县级可以增加地方职责), answered on every
    log of that area from `starts_on` until the day before `retired_on`.

    County-wide items (`township` empty) apply to every township of the county. The code is stable and unique in
    the county (across its township items too, for ever: a log's answers are keyed by it). What an item asks and
    how it is answered never changes after creation; an office stops using an item by retiring it, which keeps the
    item, and so the meaning of every answer given to it. Changes take effect from tomorrow at the earliest
    (patrol.local_checks): a day's checklist never changes once the day has begun.
    """

    class Kind(models.TextChoices):
        YES_NO = rules.YES_NO, _("是否")
        CHOICE = rules.CHOICE, _("选项")

    county = models.ForeignKey(
        "rivers.County",
        on_delete=models.PROTECT,
        related_name="local_checks",
        verbose_name=_("县(市、区)"),
        db_index=False,  # the leading column of local_check_code_unique_in_county
    )
    # Empty for a county-wide item.
    township = models.ForeignKey(
        "rivers.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_checks",
        verbose_name=_("乡镇(街道)"),
        db_index=False,  # local_check_township_idx
    )
    code = models.CharField(_("编码"), max_length=rules.LOCAL_CODE_MAX)
    name = models.CharField(_("检查项名称"), max_length=rules.LOCAL_NAME_MAX)
    kind = models.CharField(_("回答方式"), max_length=8, choices=Kind.choices)
    # For a choice item, the office's list in display order: [{"value", "label", "problem"}]; empty for yes/no.
    options = models.JSONField(_("选项"), default=list, blank=True)
    starts_on = models.DateField(_("启用日期"))
    # The first day the item no longer applies (empty: in force until retired).
    retired_on = models.DateField(_("停用日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("添加人"),
    )
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("停用操作人"),
    )
    retired_at = models.DateTimeField(_("停用操作时间"), null=True, blank=True)
    retire_reason = models.TextField(_("停用原因"), blank=True)

    class Meta:
        verbose_name = _("本地检查项")
        verbose_name_plural = _("本地检查项")
        ordering = ["county", "starts_on", "id"]
        constraints = [
            # A log answers local items by code: a code names one item in the county and its townships. Its index
            # also serves "the county's items" (the county-wide part of a checklist, the county office's list).
            models.UniqueConstraint(fields=["county", "code"], name="local_check_code_unique_in_county"),
            models.CheckConstraint(condition=Q(kind__in=[rules.YES_NO, rules.CHOICE]), name="local_check_kind_valid"),
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True) | Q(retired_on__gte=F("starts_on")),
                name="local_check_retired_not_before_start",
            ),
            # Who set the end date, and when, is always known.
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True, retired_at__isnull=True)
                | Q(retired_on__isnull=False, retired_at__isnull=False),
                name="local_check_retirement_recorded",
            ),
        ]
        indexes = [
            # The township part of a checklist (GET /api/v1/checklist/, every log submission): a township's items,
            # in force on a day (starts_on <= day).
            models.Index(fields=["township", "starts_on"], name="local_check_township_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def values(self) -> list[rules.AnswerValue]:
        return rules.local_values(self.kind, self.options)

    def in_force_on(self, day) -> bool:
        return self.starts_on <= day and (self.retired_on is None or day < self.retired_on)
