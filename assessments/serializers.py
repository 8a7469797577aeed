"""API shapes of assessments, spot checks, dismissal flags, corrections and supervision reports (API.md)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.scope import MAX_ID
from assessments import rules
from assessments.models import Assessment, AssessmentChange, Correction, DismissalFlag, SupervisionReport
from config.api import id_filter


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2026-05"})
class MonthField(serializers.Field):
    """A month as API.md writes it: "YYYY-MM" in and out (stored as the 1st of the month)."""

    default_error_messages = {"invalid": _("月份格式应为YYYY-MM。")}

    def to_internal_value(self, data):
        month = rules.parse_month(data) if isinstance(data, str) else None
        if month is None:
            self.fail("invalid")
        return month

    def to_representation(self, value) -> str:
        return rules.month_label(value)


@extend_schema_field(
    {
        "type": "object",
        "properties": {part: {"type": "integer", "minimum": 0} for part in rules.PARTS},
        "additionalProperties": False,
        "description": "{part: points}, each from 0 to the part's weight "
        "(by default appearance 30, daily_work 40, records 30)",
    }
)
class PartScoresField(serializers.JSONField):
    """Scores by part in a request; the service checks the parts, the whole numbers and the ranges (one place)."""


@extend_schema_field(
    {
        "type": "object",
        "properties": {part: {"type": "string", "maxLength": 1000} for part in rules.PARTS},
        "additionalProperties": False,
        "description": "{part: text}: why a part is far from its suggestion",
    }
)
class PartReasonsField(serializers.JSONField):
    """Reasons by part in a request; checked by the service."""


class PartsSerializer(serializers.Serializer):
    appearance = serializers.IntegerField()
    daily_work = serializers.IntegerField()
    records = serializers.IntegerField()


class AssessmentSerializer(serializers.ModelSerializer):
    """One row per patroller-month-level (API.md)."""

    month = MonthField()
    patroller_name = serializers.CharField(source="patroller.name")
    township_name = serializers.CharField(source="township.name")
    suggested = PartsSerializer()
    scores = PartsSerializer()
    grade_label = serializers.CharField(source="get_grade_display")
    # {part: text} in the request's language (Assessment.explanation_to_read); stored in Chinese.
    explanation = serializers.DictField(
        child=serializers.CharField(), source="explanation_to_read", read_only=True, label=_("建议分说明")
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "patroller",
            "patroller_name",
            "month",
            "level",
            "township",
            "township_name",
            "county",
            "suggested",
            "scores",
            "total",
            "grade",
            "grade_label",
            "passed",
            "status",
            "explanation",
            "reasons",
            "facts",
            "edited",
            "finalized_at",
            "finalized_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AssessmentChangeSerializer(serializers.ModelSerializer):
    user_name = serializers.SerializerMethodField()

    class Meta:
        model = AssessmentChange
        fields = ["id", "action", "user", "user_name", "at", "old", "new", "reason"]
        read_only_fields = fields

    def get_user_name(self, change) -> str | None:
        return str(change.user) if change.user_id else None


class AssessmentDetailSerializer(AssessmentSerializer):
    """A single assessment with its history: every change (who, when, old, new, why)."""

    changes = AssessmentChangeSerializer(many=True, source="change_history")

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "changes"]
        read_only_fields = fields


class AssessmentFilters(serializers.Serializer):
    month = MonthField(required=False, label=_("月份"))
    township = id_filter(_("乡镇(街道)"))
    county = id_filter(_("县(市、区)"))
    patroller = id_filter(_("巡察员"))
    level = serializers.ChoiceField(choices=Assessment.Level.choices, required=False, label=_("考核层级"))
    status = serializers.ChoiceField(choices=Assessment.Status.choices, required=False, label=_("状态"))


class MonthBody(serializers.Serializer):
    month = MonthField(label=_("月份"))


class AssessmentUpdateBody(serializers.Serializer):
    """`{"scores": {part: points}, "reasons": {part: text}}`; both optional; checked by the service."""

    scores = PartScoresField(required=False)
    reasons = PartReasonsField(required=False)


class CorrectionBody(serializers.Serializer):
    scores = PartScoresField()
    reasons = PartReasonsField(required=False)
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=2000)


class DecisionBody(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class FlagWaitSerializer(serializers.Serializer):
    """A month of an open flag that is not settled yet, and what it waits for (SPEC §6)."""

    month = MonthField()
    reason = serializers.CharField(source="wait.value", help_text="county_draft / correction / late_logs")
    label = serializers.CharField(source="wait.label")
    message = serializers.CharField()


class DismissalFlagSerializer(serializers.ModelSerializer):
    """API.md: `id, patroller, months, rule, status`, and more for the pages: `rules` (every rule of the flag, `rule`
    being the first), `waiting_for` (what an open flag's months still wait for; empty when it may be confirmed),
    `on` (the dismissal day), the unsupported and reinstatement details."""

    patroller_name = serializers.CharField(source="patroller.name")
    township_name = serializers.CharField(source="township.name")
    trigger_month = MonthField()
    rules = serializers.ListField(child=serializers.CharField(), source="all_rules")
    rule_label = serializers.CharField(source="get_rule_display")
    rules_labels = serializers.ListField(child=serializers.CharField(), source="rules_display")
    status_label = serializers.CharField(source="get_status_display")
    waiting_for = serializers.SerializerMethodField()
    on = serializers.DateField(source="dismissed_on", allow_null=True, label=_("辞退日期"))

    class Meta:
        model = DismissalFlag
        fields = [
            "id",
            "patroller",
            "patroller_name",
            "months",
            "rule",
            "rule_label",
            "rules",
            "rules_labels",
            "status",
            "status_label",
            "waiting_for",
            "trigger_month",
            "township",
            "township_name",
            "county",
            "raised_at",
            "confirmed_at",
            "confirmed_by",
            "on",
            "contract",
            "vacancy",
            "withdrawn_at",
            "withdrawn_reason",
            "unsupported_at",
            "unsupported_reason",
            "reinstated_at",
            "reinstated_by",
            "reinstated_contract",
        ]
        read_only_fields = fields

    @extend_schema_field(FlagWaitSerializer(many=True))
    def get_waiting_for(self, flag) -> list[dict]:
        """The view computes the waits of a whole page at once (selectors.flag_waits) and passes them in."""
        waits = (self.context.get("waits") or {}).get(flag.pk, [])
        return FlagWaitSerializer(waits, many=True).data


class DismissalConfirmBody(serializers.Serializer):
    """`date` (or `on`, as the flag reads back): the dismissal day, from which the person is out of service."""

    date = serializers.DateField(required=False, label=_("辞退日期(自该日起不再在岗)"))
    on = serializers.DateField(required=False, label=_("辞退日期(同 date)"))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, label=_("辞退原因"))

    def validate(self, attrs: dict) -> dict:
        if attrs.get("date") and attrs.get("on") and attrs["date"] != attrs["on"]:
            raise serializers.ValidationError({"on": [_("date 与 on 是同一个辞退日期，请只填一个。")]})
        return attrs


class DismissalReinstateBody(serializers.Serializer):
    segment = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, label=_("河段(原河段的补聘岗位已不在招聘中时必填)")
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, label=_("说明"))


class FinalizeBody(serializers.Serializer):
    """Only for a month in which the township recorded no patrol log at all: the explicit confirmation and why."""

    confirm_no_logs = serializers.BooleanField(required=False, default=False, label=_("确认本月没有巡查记录"))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, label=_("理由"))


class CorrectionSerializer(serializers.ModelSerializer):
    scores = PartsSerializer()
    old_scores = PartsSerializer(source="assessment.scores")
    month = MonthField(source="assessment.month")
    patroller = serializers.IntegerField(source="assessment.patroller_id")
    patroller_name = serializers.CharField(source="assessment.patroller.name")

    class Meta:
        model = Correction
        fields = [
            "id",
            "assessment",
            "patroller",
            "patroller_name",
            "month",
            "scores",
            "old_scores",
            "reasons",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "approver",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class CorrectionFilters(serializers.Serializer):
    status = serializers.ChoiceField(choices=Correction.Status.choices, required=False, label=_("状态"))
    assessment = id_filter(_("月度考核"))
    township = id_filter(_("乡镇(街道)"))


class SpotCheckDrawSerializer(serializers.Serializer):
    """API.md: `{"seed", "patrollers": [ids]}`, plus the month, county, population and the drafts created."""

    id = serializers.IntegerField(source="draw.pk")
    seed = serializers.IntegerField(source="draw.seed")
    patrollers = serializers.ListField(child=serializers.IntegerField(), source="draw.patrollers")
    month = MonthField(source="draw.month")
    county = serializers.IntegerField(source="draw.county_id")
    population = serializers.IntegerField(source="draw.population")
    drawn_at = serializers.DateTimeField(source="draw.drawn_at")
    assessments = serializers.SerializerMethodField()

    def get_assessments(self, drawn) -> list[int]:
        return [a.pk for a in drawn.assessments]


class SpotCheckDrawListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    seed = serializers.IntegerField()
    patrollers = serializers.ListField(child=serializers.IntegerField())
    month = MonthField()
    county = serializers.IntegerField(source="county_id")
    county_name = serializers.CharField(source="county.name")
    population = serializers.IntegerField()
    weights = serializers.JSONField()
    drawn_at = serializers.DateTimeField()


class SpotCheckFilters(serializers.Serializer):
    month = MonthField(required=False, label=_("月份"))
    county = id_filter(_("县(市、区)"))


class DismissalFlagFilters(serializers.Serializer):
    status = serializers.ChoiceField(choices=DismissalFlag.Status.choices, required=False, label=_("状态"))
    rule = serializers.ChoiceField(choices=DismissalFlag.Rule.choices, required=False, label=_("规则"))
    township = id_filter(_("乡镇(街道)"))
    county = id_filter(_("县(市、区)"))
    patroller = id_filter(_("巡察员"))


class SupervisionReportSerializer(serializers.ModelSerializer):
    patroller_name = serializers.CharField(source="patroller.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    reporter_name = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionReport
        fields = [
            "id",
            "patroller",
            "patroller_name",
            "reporter",
            "reporter_name",
            "observed_on",
            "text",
            "status",
            "status_label",
            "township",
            "decided_by",
            "decided_at",
            "decision_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_reporter_name(self, report) -> str:
        return str(report.reporter)


class SupervisionReportBody(serializers.Serializer):
    patroller = serializers.IntegerField(min_value=1, max_value=MAX_ID, label=_("巡察员"))
    observed_on = serializers.DateField(label=_("发现日期"))
    text = serializers.CharField(max_length=2000, label=_("情况说明"))


class SupervisionReportFilters(serializers.Serializer):
    status = serializers.ChoiceField(choices=SupervisionReport.Status.choices, required=False, label=_("状态"))
    township = id_filter(_("乡镇(街道)"))
    patroller = id_filter(_("巡察员"))
    month = MonthField(required=False, label=_("月份"))
