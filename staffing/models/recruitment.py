"""Recruitment and backfill (补聘, 第五条–第六条): vacancies on segments and their applicants."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from staffing.models.patrollers import Patroller


class Vacancy(models.Model):
    """A post to fill on a segment (补聘): below standard, or left by a dismissal, resignation or expiry."""

    class Reason(models.TextChoices):
        BELOW_STANDARD = "below_standard", _("低于配备标准")
        DISMISSAL = "dismissal", _("辞退补聘")
        RESIGNATION = "resignation", _("辞职补聘")
        EXPIRY = "expiry", _("合同期满")

    class Status(models.TextChoices):
        OPEN = "open", _("招聘中")
        FILLED = "filled", _("已聘用")
        CANCELLED = "cancelled", _("已取消")

    segment = models.ForeignKey(
        "rivers.Segment", on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("河段")
    )
    opened_on = models.DateField(_("开放日期"))
    reason = models.CharField(_("原因"), max_length=16, choices=Reason.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    vacated_by = models.ForeignKey(
        Patroller,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vacated",
        verbose_name=_("原巡察员"),
    )
    filled_by = models.ForeignKey(
        Patroller,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filled_vacancies",
        verbose_name=_("聘用人员"),
    )
    filled_on = models.DateField(_("聘用日期"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("空缺岗位")
        verbose_name_plural = _("空缺岗位")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="filled", filled_by__isnull=False, filled_on__isnull=False)
                | (~Q(status="filled") & Q(filled_by__isnull=True, filled_on__isnull=True)),
                name="vacancy_filled_iff_filled_by",
            ),
        ]
        indexes = [
            # Vacancy lists: open vacancies of the segments in scope, newest first.
            models.Index(fields=["status", "segment"], name="vacancy_status_segment_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.segment} {self.opened_on}"


class Applicant(models.Model):
    """A candidate applying for a vacancy, with exam and interview scores (公开招聘, 第五条–第六条)."""

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="applicants", verbose_name=_("岗位"))
    patroller = models.ForeignKey(
        Patroller, on_delete=models.PROTECT, related_name="applications", verbose_name=_("应聘人员")
    )
    exam_score = models.DecimalField(_("笔试成绩"), max_digits=5, decimal_places=2, null=True, blank=True)
    interview_score = models.DecimalField(_("面试成绩"), max_digits=5, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(_("总成绩"), max_digits=5, decimal_places=2, null=True, blank=True)
    # Competition ranking (1, 2, 2, 4) by total; poverty-relief applicants first among equal totals.
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    # Why a better-ranked applicant was not the one hired (第六条 择优): the office's written reason, or the
    # system's when they could not be hired (not eligible on the start day, already on duty). Set at the hire.
    passed_over_reason = models.TextField(_("未按排名聘用的理由"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("应聘人员")
        verbose_name_plural = _("应聘人员")
        ordering = ["vacancy", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy", "patroller"],
                name="applicant_once_per_vacancy",
                violation_error_message=_("该人员已报名此岗位。"),
            ),
            models.CheckConstraint(
                condition=Q(exam_score__isnull=True) | Q(exam_score__gte=0, exam_score__lte=100),
                name="applicant_exam_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(interview_score__isnull=True) | Q(interview_score__gte=0, interview_score__lte=100),
                name="applicant_interview_score_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patroller} → {self.vacancy_id}"
