"""Monthly figures: the summaries the overview reads, maintained by staffing.summaries."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from staffing.models.patrollers import Patroller


class PatrollerMonth(models.Model):
    """One patroller's month in one township, as figures: the days on duty there (roster), the logs of its
    segments (patrol), the month's prevailing final score when assessed there (assessments).

    Each group of columns is owned by the app that owns the facts and rewritten from those facts, for one
    patroller-month at a time, in the same transaction as every write that changes them (staffing.summaries).
    Bit d-1 of a mask stands for day d of the month.
    """

    patroller = models.ForeignKey(Patroller, on_delete=models.CASCADE, related_name="+", verbose_name=_("巡察员"))
    township = models.ForeignKey(
        "rivers.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇(街道)"), db_index=False
    )
    # Always the 1st of the month.
    month = models.DateField(_("月份"))
    # Roster: the days with an assignment in force on a segment of the township (staffing.summaries.duty_masks).
    duty_mask = models.PositiveIntegerField(_("在岗日"), default=0)
    duty_days = models.PositiveSmallIntegerField(_("在岗天数"), default=0)
    # Patrol: the days with a log on a segment of the township, the logs, the logs with any flag (log or photo).
    log_mask = models.PositiveIntegerField(_("巡查日"), default=0)
    # Days on duty with a log: popcount(duty_mask & log_mask).
    days_patrolled = models.PositiveSmallIntegerField(_("巡查天数"), default=0)
    logs = models.PositiveIntegerField(_("日志数"), default=0)
    flagged_logs = models.PositiveIntegerField(_("有核查标记的日志数"), default=0)
    # {flag code: logs carrying it (on the log or on one of its photos)}.
    flags = models.JSONField(_("按标记"), default=dict, blank=True)
    # Assessments: the month's outcome where it was assessed (the county spot check prevails).
    assessed = models.BooleanField(_("已考核"), default=False)
    failed = models.BooleanField(_("不合格"), default=False)
    score = models.PositiveSmallIntegerField(_("总分"), null=True, blank=True)

    class Meta:
        verbose_name = _("巡察员月度汇总")
        verbose_name_plural = _("巡察员月度汇总")
        constraints = [
            # Refreshing one patroller's month reads its rows by (patroller, month).
            models.UniqueConstraint(fields=["patroller", "month", "township"], name="patrollermonth_unique"),
            models.CheckConstraint(
                condition=Q(days_patrolled__lte=F("duty_days")), name="patrollermonth_patrolled_within_duty"
            ),
            models.CheckConstraint(
                condition=Q(assessed=True) | Q(failed=False, score__isnull=True),
                name="patrollermonth_outcome_only_when_assessed",
            ),
        ]
        indexes = [
            # The township overview: the rows of one township's month (and its months for the trend).
            models.Index(fields=["township", "month"], name="patrollermonth_township_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.patroller_id} {self.township_id} {self.month:%Y-%m}"


class TownshipMonth(models.Model):
    """The sums of a township's PatrollerMonth rows, kept in step with them (staffing.summaries): what the
    county and city overviews read, a few hundred rows for a city's year instead of a million.

    The per-day lists let a month in progress count up to today: patroller-days to date are the sum of
    `duty_by_day` over the days so far, patrollers to date the sum of `starts_by_day` (patrollers whose first
    day on duty in the month is that day).
    """

    township = models.ForeignKey(
        "rivers.Township", on_delete=models.CASCADE, related_name="+", verbose_name=_("乡镇(街道)"), db_index=False
    )
    county = models.ForeignKey(
        "rivers.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("县(市、区)"), db_index=False
    )
    month = models.DateField(_("月份"))
    patrollers = models.PositiveIntegerField(_("巡察员人数"), default=0)
    duty_days = models.PositiveIntegerField(_("在岗人天"), default=0)
    # [patrollers on duty on day 1, …, day 31].
    duty_by_day = models.JSONField(_("每日在岗人数"), default=list, blank=True)
    # [patrollers whose first day on duty this month is day 1, …, day 31].
    starts_by_day = models.JSONField(_("每日新到岗人数"), default=list, blank=True)
    days_patrolled = models.PositiveIntegerField(_("巡查人天"), default=0)
    logs = models.PositiveIntegerField(_("日志数"), default=0)
    flagged_logs = models.PositiveIntegerField(_("有核查标记的日志数"), default=0)
    flags = models.JSONField(_("按标记"), default=dict, blank=True)
    assessed = models.PositiveIntegerField(_("已考核人数"), default=0)
    failed = models.PositiveIntegerField(_("不合格人数"), default=0)
    score_sum = models.PositiveIntegerField(_("总分合计"), default=0)
    # Assessed patrollers per ten points of total: [0–9, 10–19, …, 90–100].
    score_hist = models.JSONField(_("分数分布"), default=list, blank=True)

    class Meta:
        verbose_name = _("乡镇月度汇总")
        verbose_name_plural = _("乡镇月度汇总")
        constraints = [
            # Also the township's trend: its months in order.
            models.UniqueConstraint(fields=["township", "month"], name="townshipmonth_unique"),
            models.CheckConstraint(
                condition=Q(days_patrolled__lte=F("duty_days")), name="townshipmonth_patrolled_within_duty"
            ),
            models.CheckConstraint(condition=Q(failed__lte=F("assessed")), name="townshipmonth_failed_within_assessed"),
        ]
        indexes = [
            # The county overview and its trend: the county's townships over twelve months.
            models.Index(fields=["county", "month"], name="townshipmonth_county_idx"),
            # The city overview and its trend: every township over twelve months.
            models.Index(fields=["month"], name="townshipmonth_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.township_id} {self.month:%Y-%m}"
