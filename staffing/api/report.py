"""The staffing report (SPEC §3) per segment, with sums per township and county."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import OFFICES
from config.api import ErrorsSerializer, id_filter
from staffing import rules, selectors


class StaffingQuery(serializers.Serializer):
    county = id_filter(_("县(市、区)"))
    township = id_filter(_("乡镇(街道)"))
    date = serializers.DateField(required=False, label=_("日期"))


class ByStatusSerializer(serializers.Serializer):
    below_floor = serializers.IntegerField()
    below_standard = serializers.IntegerField()
    meets_standard = serializers.IntegerField()
    undetermined = serializers.IntegerField()


class TotalsSerializer(serializers.Serializer):
    floor = serializers.IntegerField()
    standard = serializers.IntegerField()
    actual = serializers.IntegerField()
    segments = serializers.IntegerField()
    by_status = ByStatusSerializer()


class SegmentLineSerializer(serializers.Serializer):
    segment = serializers.IntegerField(source="segment.pk")
    segment_name = serializers.CharField(source="segment.name")
    water_body = serializers.CharField(source="segment.water_body.name")
    township = serializers.IntegerField(source="segment.township_id")
    floor = serializers.IntegerField(allow_null=True, help_text=_("底线人数；小型水库的河段为整座水库的底线(每座2名)"))
    standard = serializers.IntegerField(allow_null=True, help_text=_("标准人数；小型水库的河段为整座水库的标准"))
    actual = serializers.IntegerField(help_text=_("实有人数；小型水库的河段为整座水库各河段的人数之和"))
    status = serializers.ChoiceField(choices=rules.STATUS_VALUES)
    status_label = serializers.CharField()
    segment_actual = serializers.IntegerField(help_text=_("本河段自身的实有人数"))
    reservoir = serializers.IntegerField(
        source="reservoir.water_body.pk",
        allow_null=True,
        default=None,
        help_text=_("所属小型水库(河湖库编号)，其配备见 reservoirs；其他河段为空"),
    )
    counted_in = serializers.IntegerField(
        source="counted_in.pk", help_text=_("配备人数计入的乡镇(街道)：小型水库计入坝址所在乡镇，其他河段为本乡镇")
    )


class ReservoirLineSerializer(serializers.Serializer):
    """A small reservoir counted once (第三条 "小型水库按每个2名配备"), in the township that holds its dam."""

    water_body = serializers.IntegerField(source="water_body.pk")
    code = serializers.CharField(source="water_body.code")
    name = serializers.CharField(source="water_body.name")
    size_class = serializers.CharField(source="water_body.size_class")
    segments = serializers.SerializerMethodField(help_text=_("该水库的全部河段(含报表范围以外的)"))
    townships = serializers.SerializerMethodField(help_text=_("河段所在的乡镇(街道)"))
    counted_in = serializers.IntegerField(source="counted_in.pk", help_text=_("计入的乡镇(街道)：坝址所在乡镇"))
    counted_in_name = serializers.CharField(source="counted_in.name")
    dam_recorded = serializers.BooleanField(
        help_text=_("false：水库跨乡镇但登记册未填写坝址所在乡镇，暂计入第一个河段所在乡镇")
    )
    floor = serializers.IntegerField()
    standard = serializers.IntegerField()
    actual = serializers.IntegerField(help_text=_("各河段实有人数之和"))
    status = serializers.ChoiceField(choices=rules.STATUS_VALUES)
    status_label = serializers.CharField()

    def get_segments(self, line) -> list[int]:
        return [part.segment.pk for part in line.parts]

    def get_townships(self, line) -> list[int]:
        return [township.pk for township in line.townships]


class PlaceTotalsSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="place.pk")
    name = serializers.CharField(source="place.name")
    totals = serializers.SerializerMethodField()

    def get_totals(self, place_totals) -> TotalsSerializer:
        return place_totals.totals.as_dict()


class StaffingReportSerializer(serializers.Serializer):
    date = serializers.DateField(source="on")
    totals = serializers.SerializerMethodField()
    townships = PlaceTotalsSerializer(source="by_township", many=True)
    counties = PlaceTotalsSerializer(source="by_county", many=True)
    segments = SegmentLineSerializer(source="lines", many=True)
    reservoirs = ReservoirLineSerializer(many=True)

    def get_totals(self, report) -> TotalsSerializer:
        return report.totals.as_dict()


class StaffingReportView(APIView):
    """SPEC §3 per segment, with sums per township and county; ?township= or ?county= outside scope → 404."""

    roles = OFFICES

    @extend_schema(
        parameters=[StaffingQuery],
        responses={
            200: StaffingReportSerializer,
            400: OpenApiResponse(ErrorsSerializer, description="参数格式错误 / malformed filter"),
            403: OpenApiResponse(ErrorsSerializer, description="仅限河长办 / offices only"),
            404: OpenApiResponse(ErrorsSerializer, description="地点不存在或不在管辖范围内 / place outside scope"),
        },
        summary="配备情况 / staffing report",
    )
    def get(self, request: Request) -> Response:
        query = StaffingQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        county = query.validated_data.get("county")
        township = query.validated_data.get("township")
        on: date = query.validated_data.get("date") or timezone.localdate()
        report = selectors.staffing_report(user=request.user, on=on, county=county, township=township)
        return Response(StaffingReportSerializer(report).data)
