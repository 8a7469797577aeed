"""The patroller roster (SPEC §4): people, yearly contracts, segment assignments, vacancies, roster filing."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from staffing import rules


def validate_id_number(value: str) -> None:
    problem = rules.id_number_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_id_number")


def validate_phone(value: str) -> None:
    if not rules.is_mobile_phone(value):
        raise ValidationError(_("手机号码应为11位数字。"), code="invalid_phone")


class Patroller(models.Model):
    """A river patroller 巡察员, from candidate to the end of their service."""

    class Sex(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    class HiringLevel(models.TextChoices):
        COUNTY = "county", _("县级聘用")
        TOWNSHIP = "township", _("乡级聘用")

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("候选")
        ACTIVE = "active", _("在岗")
        DISMISSED = "dismissed", _("已辞退")
        RESIGNED = "resigned", _("已辞职")
        EXPIRED = "expired", _("合同期满")

    name = models.CharField(_("姓名"), max_length=32)
    id_number = models.CharField(_("身份证号"), max_length=18, validators=[validate_id_number])
    # Both derived from the ID number in clean(); never entered separately.
    birth_date = models.DateField(_("出生日期"), blank=True)
    sex = models.CharField(_("性别"), max_length=8, choices=Sex.choices, blank=True)
    phone = models.CharField(_("手机号码"), max_length=11, validators=[validate_phone])
    residence_village = models.ForeignKey(
        "rivers.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("常住村(社区)")
    )
    criminal_record = models.BooleanField(_("受过刑事处罚(本人申报)"), default=False)
    healthy = models.BooleanField(_("身体健康(本人申报)"), default=True)
    poverty_relief = models.BooleanField(_("扶贫对象"), default=False)
    # 谁聘用谁管理: the hiring office manages the person.
    hiring_level = models.CharField(_("聘用层级"), max_length=16, choices=HiringLevel.choices)
    hiring_county = models.ForeignKey(
        "rivers.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("聘用县(市、区)")
    )
    hiring_township = models.ForeignKey(
        "rivers.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("聘用乡镇(街道)"),
    )
    township = models.ForeignKey(
        "rivers.Township", on_delete=models.PROTECT, related_name="patrollers", verbose_name=_("所属乡镇(花名册)")
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.CANDIDATE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patroller",
        verbose_name=_("登录账号"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("巡察员")
        verbose_name_plural = _("巡察员")
        ordering = ["township", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                name="patroller_id_number_unique",
                violation_error_message=_("该身份证号已登记。"),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(hiring_level="township", hiring_township__isnull=False)
                | Q(hiring_level="county", hiring_township__isnull=True),
                name="patroller_hiring_township_iff_township_level",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["candidate", "active", "dismissed", "resigned", "expired"]),
                name="patroller_status_valid",
            ),
        ]
        indexes = [
            # Roster lists: one township's patrollers filtered by status, ordered by name.
            models.Index(fields=["township", "status", "name"], name="patroller_township_status_idx"),
            # Phone sync: `?updated_since=` (and `after_id`, config.api.updated_after) ordered by updated_at, id.
            models.Index(fields=["updated_at", "id"], name="patroller_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def managing_office(self) -> tuple[str, int]:
        """("township", id) or ("county", id): the office that hired and manages this person."""
        if self.hiring_level == self.HiringLevel.TOWNSHIP:
            return ("township", self.hiring_township_id)
        return ("county", self.hiring_county_id)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.id_number = rules.normalize_id_number(self.id_number or "")
        info = rules.parse_id_number(self.id_number)
        if info is not None:
            self.birth_date, self.sex = info.birth_date, info.sex
        if self.hiring_level == self.HiringLevel.TOWNSHIP:
            if self.hiring_township_id is None:
                errors["hiring_township"] = _("乡级聘用必须指定聘用乡镇。")
            elif self.township_id and self.hiring_township_id != self.township_id:
                errors["township"] = _("乡级聘用的巡察员只能在聘用乡镇的花名册上。")
        elif self.hiring_level == self.HiringLevel.COUNTY and self.hiring_township_id is not None:
            errors["hiring_township"] = _("县级聘用不指定聘用乡镇。")
        if self.township_id and self.hiring_county_id and self.township.county_id != self.hiring_county_id:
            errors["township"] = _("所属乡镇不在聘用县(市、区)内。")
        if self.user_id and self.user.role != "patroller":
            errors["user"] = _("登录账号的角色必须是巡察员。")
        elif self.user_id and self.township_id and self.user.township_id != self.township_id:
            errors["user"] = _("登录账号所属乡镇(街道)与花名册不一致。")
        if errors:
            raise ValidationError(errors)


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


class RosterFiling(models.Model):
    """A filing 备案 of a township roster to the upper river-chief office, covering its unfiled changes."""

    township = models.ForeignKey(
        "rivers.Township", on_delete=models.PROTECT, related_name="roster_filings", verbose_name=_("乡镇(街道)")
    )
    filed_at = models.DateTimeField(_("备案时间"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("备案人")
    )
    change_count = models.PositiveIntegerField(_("变动条数"), default=0)
    file = models.FileField(_("花名册文件"), upload_to="roster-filings/%Y/", blank=True)

    class Meta:
        verbose_name = _("花名册备案")
        verbose_name_plural = _("花名册备案")
        ordering = ["-filed_at", "-id"]
        indexes = [
            # Filing history of one township, newest first.
            models.Index(fields=["township", "-filed_at"], name="filing_township_filed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.township} {self.filed_at:%Y-%m-%d}"


class RosterChange(models.Model):
    """One change of a township roster (hire, renewal, dismissal, resignation, expiry, reinstatement) awaiting
    filing."""

    class Kind(models.TextChoices):
        HIRE = "hire", _("聘用")
        RENEWAL = "renewal", _("续聘")
        DISMISSAL = "dismissal", _("辞退")
        RESIGNATION = "resignation", _("辞职")
        EXPIRY = "expiry", _("合同期满")
        # A dismissal undone: its grounds no longer held (assessments.services.dismissal_reinstate).
        REINSTATEMENT = "reinstatement", _("恢复聘用")

    township = models.ForeignKey(
        "rivers.Township", on_delete=models.PROTECT, related_name="roster_changes", verbose_name=_("乡镇(街道)")
    )
    kind = models.CharField(_("变动类型"), max_length=16, choices=Kind.choices)
    patroller = models.ForeignKey(
        Patroller, on_delete=models.PROTECT, related_name="roster_changes", verbose_name=_("巡察员")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("管护合同")
    )
    date = models.DateField(_("变动日期"))
    filing = models.ForeignKey(
        RosterFiling,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("备案"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("花名册变动")
        verbose_name_plural = _("花名册变动")
        ordering = ["date", "id"]
        indexes = [
            # Unfiled changes of a township, oldest first (the to-do list and the next filing).
            models.Index(
                fields=["township", "date", "id"],
                condition=Q(filing__isnull=True),
                name="rosterchange_unfiled_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.patroller} {self.date}"


class AuditEntry(models.Model):
    """Who changed what, when, from which value to which, and why (contract changes and the like)."""

    entity = models.CharField(_("对象类型"), max_length=32)
    entity_id = models.PositiveBigIntegerField(_("对象编号"))
    action = models.CharField(_("操作"), max_length=32)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    old = models.JSONField(_("原值"), null=True, blank=True)
    new = models.JSONField(_("新值"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["at", "id"]
        indexes = [
            # History of one object (a contract's page), in order.
            models.Index(fields=["entity", "entity_id", "at"], name="audit_entity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entity}#{self.entity_id} {self.action}"


# --- monthly figures: the summaries the overview reads (maintained by staffing.summaries) -------------------------


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
    # Roster: the days with an assignment in force on a segment of the township (staffing.selectors.duty_masks).
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
