"""Monthly assessments, county spot checks, dismissal flags and supervision reports (SPEC §6–§7, 第九条–第十二条).

Scores are whole points (PositiveSmallIntegerField): the three parts of 第十一条 are scored 0–weight in points and
the office sheets score in whole points, so totals, grades and the pass mark compare integers exactly. The
per-part upper bounds follow the weights, which are settings (RIVER["ASSESSMENT_WEIGHTS"]): the services check
them; the database checks what holds for any weights (parts ≥ 0, total = the sum, total ≤ 100).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments import rules
from assessments.rules import PARTS
from staffing.models import AuditRecord


class Assessment(models.Model):
    """One patroller's score for one month at one level: the township's monthly assessment or the county's
    spot check (乡级一月一考评, 县级每月抽考)."""

    class Level(models.TextChoices):
        TOWNSHIP = "township", _("乡级考评")
        COUNTY = "county", _("县级抽考")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        FINAL = "final", _("已定稿")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("良好")
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    # No index of their own on the three foreign keys below: each leads an index of the table already (the unique
    # constraint, the township and the county indexes), and every index is written by every draft of the month.
    patroller = models.ForeignKey(
        "staffing.Patroller",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("巡察员"),
        db_index=False,
    )
    # Always the 1st of the month.
    month = models.DateField(_("考核月份"))
    level = models.CharField(_("考核层级"), max_length=16, choices=Level.choices)
    # Where the patroller was on the roster that month (the segment of their contract): the township office
    # of `township` owns township-level rows, the county office of `county` owns county-level rows.
    township = models.ForeignKey(
        "rivers.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇(街道)"), db_index=False
    )
    county = models.ForeignKey(
        "rivers.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)"), db_index=False
    )

    appearance = models.PositiveSmallIntegerField(_("河湖面貌"))
    daily_work = models.PositiveSmallIntegerField(_("日常工作表现"))
    records = models.PositiveSmallIntegerField(_("资料管理"))
    total = models.PositiveSmallIntegerField(_("总分"))
    grade = models.CharField(_("等级"), max_length=16, choices=Grade.choices)
    passed = models.BooleanField(_("合格"))

    suggested_appearance = models.PositiveSmallIntegerField(_("建议分(河湖面貌)"))
    suggested_daily_work = models.PositiveSmallIntegerField(_("建议分(日常工作表现)"))
    suggested_records = models.PositiveSmallIntegerField(_("建议分(资料管理)"))
    # {part: Chinese text}: why the system suggests what it suggests, shown to the assessor.
    explanation = models.JSONField(_("建议分说明"), default=dict, blank=True)
    # The month's facts the suggestion was computed from (rules.MonthFacts as a dict).
    facts = models.JSONField(_("月度数据"), default=dict, blank=True)
    # {part: text}: the assessor's written reason for a part far from its suggestion.
    reasons = models.JSONField(_("评分理由"), default=dict, blank=True)
    # False until an assessor sets the scores: until then re-preparing moves them with the suggestion.
    edited = models.BooleanField(_("已人工评分"), default=False)

    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    finalized_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("定稿人"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("月度考核")
        verbose_name_plural = _("月度考核")
        ordering = ["month", "township", "patroller", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["patroller", "month", "level"],
                name="assessment_one_per_patroller_month_level",
                violation_error_message=_("该巡察员本月在该层级已有考核。"),
            ),
            # Part bounds follow the weights (settings, checked by the services); these hold for any weights.
            models.CheckConstraint(
                condition=Q(total=F("appearance") + F("daily_work") + F("records")),
                name="assessment_total_is_sum_of_parts",
            ),
            models.CheckConstraint(condition=Q(total__lte=100), name="assessment_total_at_most_100"),
            models.CheckConstraint(
                condition=Q(appearance__lte=100, daily_work__lte=100, records__lte=100),
                name="assessment_parts_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(suggested_appearance__lte=100, suggested_daily_work__lte=100, suggested_records__lte=100),
                name="assessment_suggested_parts_at_most_100",
            ),
            models.CheckConstraint(condition=Q(level__in=["township", "county"]), name="assessment_level_valid"),
            models.CheckConstraint(
                condition=Q(grade__in=["excellent", "good", "pass", "fail"]), name="assessment_grade_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="final", finalized_at__isnull=False) | Q(status="draft", finalized_at__isnull=True),
                name="assessment_final_iff_finalized_at",
            ),
        ]
        indexes = [
            # The township's monthly sheet and the API list: one township, one month.
            models.Index(fields=["township", "month", "level"], name="assessment_township_month_idx"),
            # The county's spot-check page and county lists: one county, one month.
            models.Index(fields=["county", "month", "level"], name="assessment_county_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.patroller_id} {self.month:%Y-%m} {self.level}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("考核月份应为该月1日。")})

    @property
    def scores(self) -> dict[str, int]:
        return {part: getattr(self, part) for part in PARTS}

    @property
    def suggested(self) -> dict[str, int]:
        return {part: getattr(self, f"suggested_{part}") for part in PARTS}

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    @property
    def explanation_to_read(self) -> dict[str, str]:
        """{part: why the system suggests it}, in the active language (rules.explanation_to_read)."""
        return rules.explanation_to_read(self.facts or {}, self.suggested, self.explanation or {})


class AssessmentChange(AuditRecord):
    """Every change of an assessment: who, when, old, new, why (SPEC §6). Never edited or deleted."""

    class Action(models.TextChoices):
        PREPARE = "prepare", _("生成草稿")
        UPDATE = "update", _("评分")
        FINALIZE = "finalize", _("定稿")
        CORRECTION = "correction", _("更正")

    # Indexed as the first column of assessmentchange_history_idx, not on its own.
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="changes", verbose_name=_("月度考核"), db_index=False
    )
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)

    class Meta(AuditRecord.Meta):
        verbose_name = _("考核变更记录")
        verbose_name_plural = _("考核变更记录")
        indexes = [
            # The history of one assessment, in order (the patroller's page).
            models.Index(fields=["assessment", "at"], name="assessmentchange_history_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.action}"


class Correction(models.Model):
    """A request to change a final assessment; only an approval changes it (SPEC §6): the county office decides,
    the city office what the county office itself asked for; nobody decides their own request."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    class Approver(models.TextChoices):
        COUNTY = "county", _("县级河长办")
        CITY = "city", _("市河长办")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("月度考核")
    )
    appearance = models.PositiveSmallIntegerField(_("河湖面貌"))
    daily_work = models.PositiveSmallIntegerField(_("日常工作表现"))
    records = models.PositiveSmallIntegerField(_("资料管理"))
    # {part: text} for corrected parts far from their suggestion (merged into the assessment's reasons).
    reasons = models.JSONField(_("评分理由"), default=dict, blank=True)
    reason = models.TextField(_("更正原因"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    # Who decides, fixed when asked: the county office, or the city office for what the county office asked.
    approver = models.CharField(_("审批单位"), max_length=16, choices=Approver.choices, default=Approver.COUNTY)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("考核更正")
        verbose_name_plural = _("考核更正")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"],
                condition=Q(status="pending"),
                name="correction_one_pending_per_assessment",
                violation_error_message=_("该考核已有待审批的更正申请。"),
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="correction_decided_iff_decided_at",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]), name="correction_status_valid"
            ),
            models.CheckConstraint(condition=Q(approver__in=["county", "city"]), name="correction_approver_valid"),
            models.CheckConstraint(
                condition=Q(appearance__lte=100, daily_work__lte=100, records__lte=100),
                name="correction_parts_at_most_100",
            ),
        ]
        indexes = [
            # The county office's to-do list: pending corrections.
            models.Index(fields=["status", "requested_at"], name="correction_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.status}"

    @property
    def scores(self) -> dict[str, int]:
        return {part: getattr(self, part) for part in PARTS}


class SpotCheckDraw(models.Model):
    """The county's recorded monthly sample (县级每月抽考): the seed and the weights reproduce the draw."""

    county = models.ForeignKey(
        "rivers.County", on_delete=models.PROTECT, related_name="spot_check_draws", verbose_name=_("县(市、区)")
    )
    month = models.DateField(_("抽考月份"))
    seed = models.PositiveBigIntegerField(_("随机种子"))
    # Ids of the drawn patrollers, in draw order.
    patrollers = models.JSONField(_("抽中巡察员"), default=list, blank=True)
    # {patroller id: {"township": id, "weight": decimal string}} for everyone in the population when drawn:
    # with the seed, rules.weighted_draw reproduces the sample.
    weights = models.JSONField(_("抽取权重"), default=dict, blank=True)
    population = models.PositiveIntegerField(_("在岗人数"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("抽取人"),
    )
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("县级抽考抽样")
        verbose_name_plural = _("县级抽考抽样")
        ordering = ["-month", "county"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "month"],
                name="spotcheck_one_draw_per_county_month",
                violation_error_message=_("该县(市、区)本月已抽样。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.month:%Y-%m}"


class DismissalFlag(models.Model):
    """A patroller who must be dismissed (第九条): 2 failing months in a row or 3 in one calendar year.

    One open flag per patroller: a second trigger while one is open adds its months and rule to it (`rules` lists
    them in the order they triggered; `rule` is the first, the API's single rule). Confirming dismisses the person;
    the months it stood on are then consumed (they never count toward another flag). When a later county result or
    an approved correction removes what a confirmed flag stood on, it turns `unsupported` and the office may
    reinstate the person (a new contract from the dismissal day to the old contract's end).
    """

    class Rule(models.TextChoices):
        CONSECUTIVE_2 = "consecutive_2", _("连续2个月考核不合格")
        YEARLY_3 = "yearly_3", _("年累计3个月考核不合格")

    class Status(models.TextChoices):
        OPEN = "open", _("待确认")
        CONFIRMED = "confirmed", _("已辞退")
        WITHDRAWN = "withdrawn", _("已撤销")
        UNSUPPORTED = "unsupported", _("辞退依据已不成立")

    patroller = models.ForeignKey(
        "staffing.Patroller", on_delete=models.PROTECT, related_name="dismissal_flags", verbose_name=_("巡察员")
    )
    # The first of `rules` (API.md's `rule`).
    rule = models.CharField(_("规则"), max_length=16, choices=Rule.choices)
    # Every rule the flag's months trigger, in the order they first triggered.
    rules = models.JSONField(_("全部规则"), default=list)
    # The month whose final outcome first completed a rule (1st of the month).
    trigger_month = models.DateField(_("触发月份"))
    # The months that triggered it, "YYYY-MM", oldest first.
    months = models.JSONField(_("不合格月份"), default=list)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    # The patroller's township when raised: the offices that see and confirm the flag.
    township = models.ForeignKey(
        "rivers.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇(街道)")
    )
    county = models.ForeignKey(
        "rivers.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)")
    )
    raised_at = models.DateTimeField(_("产生时间"), auto_now_add=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    # The dismissal day: from this day on the person is out of service (the office's "辞退日期").
    dismissed_on = models.DateField(_("辞退日期"), null=True, blank=True)
    # What the confirmation ended and opened (None when no contract was in force any more).
    contract = models.ForeignKey("staffing.Contract", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    vacancy = models.ForeignKey("staffing.Vacancy", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("撤销原因"), blank=True)
    # A confirmed dismissal whose grounds a later county result or correction removed.
    unsupported_at = models.DateTimeField(_("依据不成立时间"), null=True, blank=True)
    unsupported_reason = models.TextField(_("依据不成立原因"), blank=True)
    # The office put the person back (staffing.services.contract_reinstate): who, when, the new contract.
    reinstated_at = models.DateTimeField(_("恢复聘用时间"), null=True, blank=True)
    reinstated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("恢复聘用操作人"),
    )
    reinstated_contract = models.ForeignKey(
        "staffing.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("恢复聘用合同"),
    )

    class Meta:
        verbose_name = _("辞退提示")
        verbose_name_plural = _("辞退提示")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patroller"],
                condition=Q(status="open"),
                name="dismissalflag_one_open_per_patroller",
                violation_error_message=_("该巡察员已有待确认的辞退提示。"),
            ),
            models.CheckConstraint(
                condition=Q(rule__in=["consecutive_2", "yearly_3"]), name="dismissalflag_rule_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "confirmed", "withdrawn", "unsupported"]),
                name="dismissalflag_status_valid",
            ),
            # An unsupported flag was confirmed first: it keeps who confirmed it, when, and the dismissal day.
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "unsupported"], confirmed_at__isnull=False)
                | (~Q(status__in=["confirmed", "unsupported"]) & Q(confirmed_at__isnull=True)),
                name="dismissalflag_confirmed_iff_confirmed_at",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "unsupported"], dismissed_on__isnull=False)
                | (~Q(status__in=["confirmed", "unsupported"]) & Q(dismissed_on__isnull=True)),
                name="dismissalflag_confirmed_iff_dismissed_on",
            ),
            models.CheckConstraint(
                condition=Q(status="withdrawn", withdrawn_at__isnull=False)
                | (~Q(status="withdrawn") & Q(withdrawn_at__isnull=True)),
                name="dismissalflag_withdrawn_iff_withdrawn_at",
            ),
            models.CheckConstraint(
                condition=Q(status="unsupported", unsupported_at__isnull=False)
                | (~Q(status="unsupported") & Q(unsupported_at__isnull=True)),
                name="dismissalflag_unsupported_iff_unsupported_at",
            ),
            models.CheckConstraint(
                condition=Q(reinstated_at__isnull=True) | Q(status="unsupported"),
                name="dismissalflag_reinstated_only_if_unsupported",
            ),
        ]
        indexes = [
            # Flag lists of a township or county, open ones first.
            models.Index(fields=["township", "status"], name="dismissalflag_township_idx"),
            models.Index(fields=["county", "status"], name="dismissalflag_county_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.patroller_id} {self.rule} {self.trigger_month:%Y-%m}"

    @property
    def all_rules(self) -> list[str]:
        """Every rule of the flag (a row written before `rules` existed has only `rule`)."""
        return list(self.rules) or [self.rule]

    @property
    def rules_display(self) -> list[str]:
        labels = dict(self.Rule.choices)
        return [str(labels.get(code, code)) for code in self.all_rules]

    @property
    def awaits_reinstatement(self) -> bool:
        """Dismissed on grounds that no longer hold, and not put back yet: the office's to-do."""
        return self.status == self.Status.UNSUPPORTED and self.reinstated_at is None


class SupervisionReport(models.Model):
    """A report that a patroller is not doing the job (第十二条), filed by a village chief or a volunteer
    supervisor; the township office confirms or rejects it; confirmed ones lower the suggested daily work."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待核实")
        CONFIRMED = "confirmed", _("已核实")
        REJECTED = "rejected", _("不属实")

    patroller = models.ForeignKey(
        "staffing.Patroller", on_delete=models.PROTECT, related_name="supervision_reports", verbose_name=_("巡察员")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("报告人")
    )
    # The day the situation was seen; the report counts in that month's suggestion.
    observed_on = models.DateField(_("发现日期"))
    text = models.TextField(_("情况说明"), max_length=2000)
    # What the reporter saw, re-encoded as a JPEG without its EXIF (the reporter's position stays private); served
    # only to who may see the report (assessments.views.supervision_photo), never from MEDIA_URL.
    photo = models.FileField(_("照片"), upload_to="supervision/%Y/%m/", blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    # The patroller's township when filed: its office decides.
    township = models.ForeignKey(
        "rivers.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇(街道)")
    )
    county = models.ForeignKey(
        "rivers.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核实人"),
    )
    decided_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    decision_note = models.TextField(_("核实意见"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("监督报告")
        verbose_name_plural = _("监督报告")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "confirmed", "rejected"]), name="supervisionreport_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="supervisionreport_decided_iff_decided_at",
            ),
        ]
        indexes = [
            # Month facts: confirmed reports per patroller in a month (prepare's aggregate).
            models.Index(fields=["patroller", "status", "observed_on"], name="supervision_patroller_idx"),
            # The township office's to-do list.
            models.Index(fields=["township", "status"], name="supervision_township_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.patroller_id} {self.observed_on}"
