"""GET /api/v1/overview/ and /api/v1/overview/segments/ (API.md): offices only, in scope (404 outside), a
patroller 403, a bad month 400."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import OFFICES
from assessments.rules import parse_month
from config.api import ErrorsSerializer
from overview import selectors
from overview.serializers import OverviewQuery, OverviewSerializer, SegmentCollectionSerializer, overview_data

ERRORS = {
    400: OpenApiResponse(ErrorsSerializer, description="月份或参数格式错误 / bad month or filter"),
    403: OpenApiResponse(ErrorsSerializer, description="仅限河长办 / offices only"),
    404: OpenApiResponse(ErrorsSerializer, description="地点不存在或不在管辖范围内 / place outside scope"),
}


def overview_query(params, today: date) -> tuple[date, int | None, int | None]:
    """(month, county, township) from a query string; ValidationError (400) for a bad month or id."""
    query = OverviewQuery(data=params)
    if not query.is_valid():  # a Django ValidationError: the page shows it, the API answers 400 (config/api.py)
        raise ValidationError(query.errors)
    raw = query.validated_data.get("month")
    if raw is None:
        month = selectors.default_month(today)
    else:
        month = parse_month(raw)
        if month is None:
            raise ValidationError({"month": [selectors.month_format_message()]})
    problem = selectors.month_problem(month, today)
    if problem:
        raise ValidationError({"month": [problem]})
    return month, query.validated_data.get("county"), query.validated_data.get("township")


class OverviewView(APIView):
    """A month at a glance (SPEC §8): a row per county (city), township (county) or patroller (township)."""

    roles = OFFICES

    @extend_schema(
        parameters=[OverviewQuery],
        responses={200: OverviewSerializer, **ERRORS},
        summary="总览 / overview of a month",
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        month, county, township = overview_query(request.query_params, today)
        result = selectors.overview(user=request.user, month=month, today=today, county=county, township=township)
        return Response(overview_data(result))


class OverviewSegmentsView(APIView):
    """The scope's segments as GeoJSON, with the month's patrol rate, track coverage and staffing status."""

    roles = OFFICES

    @extend_schema(
        parameters=[OverviewQuery],
        responses={200: SegmentCollectionSerializer, **ERRORS},
        summary="总览地图 / the scope's segments (GeoJSON)",
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        month, county, township = overview_query(request.query_params, today)
        result = selectors.segment_map(user=request.user, month=month, today=today, county=county, township=township)
        return Response(result.as_geojson())
