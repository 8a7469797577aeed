"""Yearly care contracts 管护合同 (第九条) and the segment assignments made under them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from staffing import rules
from staffing.models.patrollers import Patroller


class Contract(models.Model):
    """A yearly care contract 管护合同 (第九条): at most one year, never overlapping for one person."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        ENDED = "ended", _("已到期")
        TERMINATED = "terminated", _("已终止")

    class Origin(models.TextChoices):
        """How the contract came about (第六条 公开、平等、择优、竞争)."""

        RECRUITMENT = "recruitment", _("公开招聘")  # hired from a vacancy's ranking (`vacancy`)
        RENEWAL = "renewal", _("续聘")  # the day after the previous contract ends
        # A hire entered without a vacancy: an office keying in people hired before the system.
        EXISTING_RECORD = "existing_record", _("既有聘用录入")
        REINSTATEMENT = "reinstatement", _("恢复聘用")  # a dismissal undone

    patroller = models.ForeignKey(
        Patroller, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("巡察员")
    )
    segment = models.ForeignKey(
        "rivers.Segment", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("河段")
    )
    start = models.DateField(_("开始日期"))
    # The agreed end; an early end (dismissal, resignation) is `terminated_on`, so the original stays visible.
    end = models.DateField(_("结束日期"))
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
        verbose_name=_("续签自"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    origin = models.CharField(_("聘用方式"), max_length=16, choices=Origin.choices, default=Origin.EXISTING_RECORD)
    # The vacancy whose ranking the person was hired from (origin "recruitment"). No index: read from the contract
    # (the filing workbook); a vacancy finds its hire through `filled_by`.
    vacancy = models.ForeignKey(
        "Vacancy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("招聘岗位"),
    )
    # The day of the dismissal or resignation: from that day on the person is no longer counted (SPEC §6), so the
    # contract's last day in force is the day before (`last_day`, `rules.last_day_in_force`).
    terminated_on = models.DateField(_("终止日期(辞退或辞职之日，当日起不再在岗)"), null=True, blank=True)
    termination_reason = models.TextField(_("终止原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("管护合同")
        verbose_name_plural = _("管护合同")
        ordering = ["patroller", "start"]
        constraints = [
            # end ≤ start + 1 year − 1 day needs calendar arithmetic no database does portably: rules.py.
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="contract_end_not_before_start"),
            models.CheckConstraint(
                condition=Q(status="terminated", terminated_on__isnull=False)
                | (~Q(status="terminated") & Q(terminated_on__isnull=True)),
                name="contract_terminated_iff_termination_date",
            ),
            # No lower bound: a contract cancelled before it starts has terminated_on ≤ start (covers no day).
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | Q(terminated_on__lte=F("end")),
                name="contract_termination_not_after_end",
            ),
            models.CheckConstraint(
                condition=Q(origin__in=["recruitment", "renewal", "existing_record", "reinstatement"]),
                name="contract_origin_valid",
            ),
            models.CheckConstraint(
                condition=Q(origin="recruitment", vacancy__isnull=False)
                | (~Q(origin="recruitment") & Q(vacancy__isnull=True)),
                name="contract_vacancy_iff_recruitment",
            ),
        ]
        indexes = [
            # Overlap check and contract history: one person's contracts by start.
            models.Index(fields=["patroller", "start"], name="contract_patroller_start_idx"),
            # Daily expiry: active contracts whose end has passed.
            models.Index(fields=["status", "end"], name="contract_status_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.patroller} {self.start}–{self.end}"

    @property
    def last_day(self):
        """The last day the contract is in force: the day before the termination date if ended early."""
        return rules.last_day_in_force(end=self.end, terminated_on=self.terminated_on)

    def clean(self) -> None:
        if self.start and self.end:
            problems = rules.contract_term_problems(start=self.start, end=self.end)
            if problems:
                raise ValidationError(problems)


class Assignment(models.Model):
    """A patroller on a segment; `end` empty = the active assignment (exactly one per patroller at most)."""

    patroller = models.ForeignKey(
        Patroller, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("巡察员")
    )
    segment = models.ForeignKey(
        "rivers.Segment", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("河段")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("管护合同")
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("河段分配")
        verbose_name_plural = _("河段分配")
        ordering = ["patroller", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["patroller"],
                condition=Q(end__isnull=True),
                name="assignment_one_active_per_patroller",
                violation_error_message=_("该巡察员已有在岗的河段分配。"),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="assignment_end_not_before_start",
            ),
        ]
        indexes = [
            # actual_patrollers(): assignments of a set of segments covering a date.
            models.Index(fields=["segment", "start", "end"], name="assignment_segment_dates_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.patroller_id} → {self.segment_id} ({self.start}–{self.end or ''})"
