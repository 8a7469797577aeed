"""Roster API shapes (API.md). Input serializers only parse; every rule lives in the models and services."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from accounts.models import Role, User
from accounts.scope import MAX_ID
from config.api import SyncFilters, id_filter
from rivers.models import Segment, Township, Village
from rivers.selectors import segments_visible_to, townships_visible_to
from staffing import rules, selectors
from staffing.models import Applicant, Contract, Patroller, RosterChange, RosterFiling, Vacancy


class InScope(serializers.PrimaryKeyRelatedField):
    """The id of an object the caller may see. Any other id, existing or not, is a 404 like the object's own URL
    (SPEC §1: outside scope is not found); a malformed id stays a 400."""

    def __init__(self, *, scope, **kwargs) -> None:
        self.scope = scope
        super().__init__(queryset=kwargs.pop("queryset"), **kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)

    def to_internal_value(self, data):
        if isinstance(data, int | str) and str(data).isascii() and str(data).isdigit() and int(data) > MAX_ID:
            raise NotFound()
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if error.get_codes() == ["does_not_exist"]:
                raise NotFound() from None
            raise


class SegmentBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    water_body = serializers.CharField(source="water_body.name")


class PatrollerSerializer(serializers.ModelSerializer):
    """A roster row. ID number and phone in full only for the managing office (SPEC §4), masked otherwise."""

    id_number = serializers.SerializerMethodField(help_text=_("管理该巡察员的河长办可见全文，其他人为脱敏号码"))
    phone = serializers.SerializerMethodField(help_text=_("仅聘用(管理)该巡察员的河长办可见全文"))
    residence_village_name = serializers.CharField(source="residence_village.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    managed_by_me = serializers.SerializerMethodField()
    segment = serializers.SerializerMethodField()
    birth_date = serializers.SerializerMethodField(
        help_text=_("仅管理该巡察员的河长办可见；其他人为空(出生日期正是脱敏身份证号隐去的部分)")
    )
    age = serializers.SerializerMethodField(help_text=_("今天的周岁年龄"))

    class Meta:
        model = Patroller
        fields = [
            "id",
            "name",
            "id_number",
            "phone",
            "residence_village",
            "residence_village_name",
            "criminal_record",
            "healthy",
            "poverty_relief",
            "status",
            "birth_date",
            "age",
            "sex",
            "township",
            "township_name",
            "hiring_level",
            "managed_by_me",
            "segment",
            "created_at",
            "updated_at",
        ]

    def _user(self):
        return self.context["request"].user

    def get_id_number(self, obj: Patroller) -> str:
        return selectors.id_number_for(self._user(), obj)

    def get_phone(self, obj: Patroller) -> str:
        return selectors.phone_for(self._user(), obj)

    def get_managed_by_me(self, obj: Patroller) -> bool:
        return selectors.manages(self._user(), obj)

    def get_birth_date(self, obj: Patroller) -> date | None:
        # The masked ID number hides exactly the birth date: showing it would give the number back.
        return obj.birth_date if selectors.manages(self._user(), obj) else None

    def get_age(self, obj: Patroller) -> int:
        return rules.age_on(obj.birth_date, timezone.localdate())

    @extend_schema_field(SegmentBriefSerializer(allow_null=True))
    def get_segment(self, obj: Patroller) -> dict | None:
        segment = selectors.current_segment(obj)
        return SegmentBriefSerializer(segment).data if segment else None


class PatrollerWriteSerializer(serializers.Serializer):
    """The body of POST (all required but the declarations) and PATCH (any subset)."""

    name = serializers.CharField(max_length=32, label=_("姓名"))
    id_number = serializers.CharField(max_length=32, label=_("身份证号"))
    phone = serializers.CharField(max_length=32, label=_("手机号码"))
    residence_village = serializers.PrimaryKeyRelatedField(queryset=Village.objects.all(), label=_("常住村(社区)"))
    criminal_record = serializers.BooleanField(required=False, default=False, label=_("受过刑事处罚"))
    healthy = serializers.BooleanField(required=False, default=True, label=_("身体健康"))
    poverty_relief = serializers.BooleanField(required=False, default=False, label=_("扶贫对象"))
    township = InScope(
        scope=townships_visible_to,
        queryset=Township.objects.none(),
        required=False,
        label=_("所属乡镇(街道)"),
        help_text=_("县级河长办聘用时必填；乡级河长办聘用时为本乡镇"),
    )
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.PATROLLER),
        required=False,
        allow_null=True,
        label=_("登录账号"),
    )


class ContractSerializer(serializers.ModelSerializer):
    segment_name = serializers.CharField(source="segment.name", read_only=True)
    water_body = serializers.CharField(source="segment.water_body.name", read_only=True)
    last_day = serializers.DateField(
        read_only=True, help_text=_("最后在岗日：结束日期，提前终止的为终止日期(辞退或辞职之日)的前一天")
    )

    class Meta:
        model = Contract
        fields = [
            "id",
            "patroller",
            "segment",
            "segment_name",
            "water_body",
            "start",
            "end",
            "previous",
            "status",
            "origin",
            "vacancy",
            "terminated_on",
            "termination_reason",
            "last_day",
            "created_at",
        ]


class ContractCreateSerializer(serializers.Serializer):
    start = serializers.DateField(label=_("开始日期"))
    end = serializers.DateField(label=_("结束日期"))
    segment = InScope(scope=segments_visible_to, queryset=Segment.objects.none(), label=_("河段"))


class EligibilityQuery(serializers.Serializer):
    start = serializers.DateField(label=_("合同开始日期"))
    segment = serializers.IntegerField(min_value=1, max_value=MAX_ID, label=_("河段"))


class FailureSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["age", "residence", "criminal_record", "health"])
    message = serializers.CharField()


class NoticeSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["previously_dismissed"])
    message = serializers.CharField()


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    failures = FailureSerializer(many=True)
    notices = NoticeSerializer(many=True, help_text=_("提示，不影响聘用资格：previously_dismissed 近12个月内被辞退"))


class ResignSerializer(serializers.Serializer):
    date = serializers.DateField(
        label=_("辞职日期"), help_text=_("自该日起不再在岗(不计入配备人数，不能再提交巡河日志)；最后在岗日为前一天")
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, label=_("原因"))


class PatrollerFilters(SyncFilters):
    status = serializers.ChoiceField(choices=Patroller.Status.choices, required=False, label=_("状态"))
    county = id_filter(_("县(市、区)"))
    township = id_filter(_("乡镇(街道)"))
    segment = id_filter(_("河段"))
    q = serializers.CharField(required=False, max_length=64, label=_("姓名"))


class ApplicantSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="patroller.name", read_only=True)
    id_number = serializers.SerializerMethodField()
    poverty_relief = serializers.BooleanField(source="patroller.poverty_relief", read_only=True)
    passed_over_reason = serializers.CharField(
        read_only=True, help_text=_("排名靠前但未被聘用的理由(聘用时记录)；空为未跳过")
    )
    previously_dismissed_on = serializers.SerializerMethodField(
        help_text=_("近12个月内被辞退的日期(提示，不影响资格)；否则为空")
    )

    class Meta:
        model = Applicant
        fields = [
            "id",
            "patroller",
            "name",
            "id_number",
            "poverty_relief",
            "exam_score",
            "interview_score",
            "total",
            "rank",
            "passed_over_reason",
            "previously_dismissed_on",
        ]

    def get_id_number(self, obj: Applicant) -> str:
        return selectors.id_number_for(self.context["request"].user, obj.patroller)

    def get_previously_dismissed_on(self, obj: Applicant) -> date | None:
        if hasattr(obj, "dismissed_on"):  # read for the whole ranking at once (selectors.vacancy_ranking)
            return obj.dismissed_on
        return selectors.recent_dismissals(patroller_ids=[obj.patroller_id], on=timezone.localdate()).get(
            obj.patroller_id
        )


class VacancySerializer(serializers.ModelSerializer):
    segment_name = serializers.CharField(source="segment.name", read_only=True)
    township = serializers.IntegerField(source="segment.township_id", read_only=True)
    township_name = serializers.CharField(source="segment.township.name", read_only=True)
    applicant_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Vacancy
        fields = [
            "id",
            "segment",
            "segment_name",
            "township",
            "township_name",
            "opened_on",
            "reason",
            "status",
            "vacated_by",
            "filled_by",
            "filled_on",
            "applicant_count",
        ]


class VacancyDetailSerializer(VacancySerializer):
    applicants = serializers.SerializerMethodField()

    class Meta(VacancySerializer.Meta):
        fields = [*VacancySerializer.Meta.fields, "applicants"]

    @extend_schema_field(ApplicantSerializer(many=True))
    def get_applicants(self, obj: Vacancy) -> list[dict]:
        return ApplicantSerializer(selectors.vacancy_ranking(vacancy=obj), many=True, context=self.context).data


class VacancyCreateSerializer(serializers.Serializer):
    segment = InScope(scope=segments_visible_to, queryset=Segment.objects.none(), label=_("河段"))
    reason = serializers.ChoiceField(choices=Vacancy.Reason.choices, default=Vacancy.Reason.BELOW_STANDARD)
    opened_on = serializers.DateField(required=False, label=_("开放日期"))


class ApplicantCreateSerializer(serializers.Serializer):
    patroller = InScope(scope=selectors.patrollers_visible_to, queryset=Patroller.objects.none(), label=_("应聘人员"))
    exam_score = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    interview_score = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)


class PassedOverSerializer(serializers.Serializer):
    applicant = serializers.IntegerField(min_value=1, max_value=MAX_ID, label=_("排名靠前的应聘人员"))
    reason = serializers.CharField(max_length=500, label=_("未聘用的理由"))


class HireSerializer(serializers.Serializer):
    applicant = serializers.IntegerField(min_value=1, label=_("应聘人员"))
    start = serializers.DateField(label=_("开始日期"))
    end = serializers.DateField(label=_("结束日期"))
    passed_over = PassedOverSerializer(
        many=True,
        required=False,
        default=list,
        help_text=_(
            "第六条 择优：排名在所聘人员之前、且可以聘用的每一名应聘人员都须写明未聘用的理由，否则 400(passed_over)"
        ),
    )


class RosterChangeSerializer(serializers.ModelSerializer):
    patroller_name = serializers.CharField(source="patroller.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    segment = serializers.SerializerMethodField()
    origin = serializers.SerializerMethodField()
    filed = serializers.SerializerMethodField()

    class Meta:
        model = RosterChange
        fields = [
            "id",
            "township",
            "township_name",
            "kind",
            "patroller",
            "patroller_name",
            "contract",
            "segment",
            "origin",
            "date",
            "filing",
            "filed",
            "created_at",
        ]

    def get_segment(self, obj: RosterChange) -> int | None:
        return obj.contract.segment_id if obj.contract_id else None

    @extend_schema_field(serializers.ChoiceField(choices=Contract.Origin.choices, allow_null=True))
    def get_origin(self, obj: RosterChange) -> str | None:
        """How the contract of a hire or renewal came about; `existing_record`: a hire keyed in without a vacancy."""
        return obj.contract.origin if obj.contract_id else None

    def get_filed(self, obj: RosterChange) -> bool:
        return obj.filing_id is not None


class RosterChangeFilters(serializers.Serializer):
    township = id_filter(_("乡镇(街道)"))
    unfiled = serializers.BooleanField(required=False, allow_null=True, default=None, label=_("仅未备案"))


class RosterFilingSerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    filed_by = serializers.CharField(source="filed_by.__str__", read_only=True)
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = RosterFiling
        fields = ["id", "township", "township_name", "filed_at", "filed_by", "change_count", "has_file"]

    def get_has_file(self, obj: RosterFiling) -> bool:
        return bool(obj.file)


class RosterFilingCreateSerializer(serializers.Serializer):
    township = InScope(scope=townships_visible_to, queryset=Township.objects.none(), label=_("乡镇(街道)"))


class TownshipFilter(serializers.Serializer):
    township = id_filter(_("乡镇(街道)"))
