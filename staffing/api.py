from datetime import date

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import OFFICES
from accounts.scope import place_in_scope
from staffing import selectors


class StaffingQuery(serializers.Serializer):
    county = serializers.IntegerField(required=False, min_value=1, label=_("县(市、区)"))
    township = serializers.IntegerField(required=False, min_value=1, label=_("乡镇(街道)"))
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
    status = serializers.CharField()


class StaffingReportSerializer(serializers.Serializer):
    date = serializers.DateField(source="on")
    totals = serializers.SerializerMethodField()
    segments = SegmentLineSerializer(source="lines", many=True)

    def get_totals(self, report) -> TotalsSerializer:
        return report.totals.as_dict()


class StaffingReportView(APIView):
    roles = OFFICES

    @extend_schema(parameters=[StaffingQuery], responses=StaffingReportSerializer, summary="配备情况 / staffing report")
    def get(self, request: Request) -> Response:
        query = StaffingQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        county = query.validated_data.get("county")
        township = query.validated_data.get("township")
        on: date = query.validated_data.get("date") or timezone.localdate()
        if (county or township) and not place_in_scope(request.user, county_id=county, township_id=township):
            raise Http404
        report = selectors.staffing_report(user=request.user, on=on, county=county, township=township)
        return Response(StaffingReportSerializer(report).data)
