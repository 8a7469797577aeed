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
    floor = serializers.IntegerField(allow_null=True)
    standard = serializers.IntegerField(allow_null=True)
    actual = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[status.value for status in rules.Status])
    status_label = serializers.CharField()


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
