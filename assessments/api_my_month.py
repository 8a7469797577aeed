"""`GET /api/v1/me/month/?month=YYYY-MM`: the calling patroller's own month (assessments.my_month).

Patrollers only (403 for every other role); no parameter means the current month; a malformed month or one after
the current month is a 400. The answer holds nothing but the caller's own records.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from assessments import rules
from assessments.my_month import my_month
from config.api import ErrorsSerializer


class MonthQuery(serializers.Serializer):
    month = serializers.CharField(required=False, label=gettext_lazy("月份"), help_text="YYYY-MM")

    def validate_month(self, value: str):
        month = rules.parse_month(value)
        if month is None:
            raise serializers.ValidationError(_("月份格式应为YYYY-MM。"))
        return month


class _Office(serializers.Serializer):
    name = serializers.CharField()
    contacts = serializers.ListField(child=serializers.CharField())
    phone = serializers.CharField(allow_blank=True, help_text=gettext_lazy("乡级河长办电话，没有登记时为空"))


class _Segment(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    water_body = serializers.CharField()


class _Duty(serializers.Serializer):
    status = serializers.ChoiceField(choices=["on_duty", "no_contract", "no_assignment", "no_record"])
    segment = _Segment(allow_null=True)
    message = serializers.CharField(help_text=gettext_lazy("没有巡查任务时的原因和联系单位"))
    office = _Office()


class _Day(serializers.Serializer):
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=["patrolled", "missing", "today", "off", "future"])


class _Flag(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField(help_text=gettext_lazy("标记的通俗说明"))
    photos = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("照片标记：有此标记的照片张数"))


class _Log(serializers.Serializer):
    id = serializers.IntegerField()
    client_uuid = serializers.UUIDField()
    date = serializers.DateField()
    segment_name = serializers.CharField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    coverage = serializers.FloatField(allow_null=True)
    problems = serializers.ListField(child=serializers.CharField())
    photos = serializers.IntegerField()
    flags = _Flag(many=True)


class _Problem(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    date = serializers.DateField()
    segment_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    deadline = serializers.DateField(allow_null=True)
    resolution_note = serializers.CharField(allow_blank=True)


class _Score(serializers.Serializer):
    month = serializers.CharField()
    level = serializers.CharField()
    level_label = serializers.CharField()
    appearance = serializers.IntegerField()
    daily_work = serializers.IntegerField()
    records = serializers.IntegerField()
    total = serializers.IntegerField()
    grade = serializers.CharField()
    grade_label = serializers.CharField()
    passed = serializers.BooleanField()


class _Dismissal(serializers.Serializer):
    rule = serializers.CharField()
    rule_label = serializers.CharField()
    months = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()


class _Patroller(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MyMonthSerializer(serializers.Serializer):
    month = serializers.CharField()
    today = serializers.DateField()
    patroller = _Patroller(allow_null=True)
    duty = _Duty(help_text=gettext_lazy("今天的巡查任务(与所查月份无关)"))
    days = _Day(many=True)
    days_patrolled = serializers.IntegerField()
    days_missing = serializers.IntegerField()
    logs = _Log(many=True)
    problems = _Problem(many=True)
    scores = _Score(many=True, help_text=gettext_lazy("最近12个月的定稿成绩，县级抽考优先"))
    dismissal_flag = _Dismissal(allow_null=True)
    late_days = serializers.IntegerField(help_text=gettext_lazy("巡查日志最迟可在巡查日期后几天内提交"))


class MyMonthView(APIView):
    roles = frozenset({Role.PATROLLER})

    @extend_schema(
        parameters=[MonthQuery],
        responses={
            200: MyMonthSerializer,
            403: OpenApiResponse(ErrorsSerializer, description="只有巡察员本人 / patrollers only"),
        },
        summary="我的本月(巡察员本人) / the calling patroller's month",
    )
    def get(self, request: Request) -> Response:
        query = MonthQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        month = query.validated_data.get("month") or rules.month_start(today)
        if month > rules.month_start(today):
            raise serializers.ValidationError({"month": [_("不能查看以后的月份。")]})
        return Response(MyMonthSerializer(my_month(user=request.user, month=month, today=today)).data)


my_month_view = MyMonthView.as_view()
