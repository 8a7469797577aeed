"""`GET /api/v1/water-bodies/` and `/api/v1/segments/` (API.md), always through the caller's scope."""

from collections.abc import Collection

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request

from accounts.permissions import ANY_ROLE, OFFICES
from accounts.scope import require_place_in_scope
from config.api import id_filter
from rivers import selectors
from rivers.models import Segment, WaterBody
from rivers.serializers import SegmentSerializer, WaterBodySerializer


class WaterBodyFilters(serializers.Serializer):
    kind = serializers.ChoiceField(choices=WaterBody.Kind.choices, required=False, label=_("类型"))
    county = id_filter(_("县(市、区)"))
    township = id_filter(_("乡镇(街道)"))


class SegmentFilters(serializers.Serializer):
    water_body = id_filter(_("河湖库"))
    county = id_filter(_("县(市、区)"))
    township = id_filter(_("乡镇(街道)"))


def validated_filters(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    """The query parameters checked like a body: a bad value is a 400, a place outside scope a 404."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    filters = serializer.validated_data
    require_place_in_scope(request.user, county_id=filters.get("county"), township_id=filters.get("township"))
    return filters


@extend_schema_view(
    list=extend_schema(parameters=[WaterBodyFilters], summary="河湖库列表 / water bodies"),
    retrieve=extend_schema(summary="河湖库 / a water body"),
)
class WaterBodyViewSet(viewsets.ReadOnlyModelViewSet):
    """Water bodies with at least one segment in the caller's scope (all of them for the city office)."""

    roles = OFFICES
    serializer_class = WaterBodySerializer
    queryset = WaterBody.objects.none()  # only names the model for the schema; get_queryset decides

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            return selectors.water_body_list(user=user, **validated_filters(WaterBodyFilters, self.request))
        return selectors.water_bodies_visible_to(user)


@extend_schema_view(
    list=extend_schema(parameters=[SegmentFilters], summary="河段列表 / segments"),
    retrieve=extend_schema(summary="河段 / a segment"),
)
class SegmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Segments in the caller's scope: an office's place, a village chief's village, a patroller's own."""

    roles = ANY_ROLE
    serializer_class = SegmentSerializer
    queryset = Segment.objects.none()  # only names the model for the schema; get_queryset decides

    def held_segment_ids(self) -> Collection[int]:
        """A patroller's own segments: the roster knows them (staffing.api.SegmentViewSet says which)."""
        return ()

    def get_queryset(self):
        user = self.request.user
        held = self.held_segment_ids()
        if self.action != "list":
            return selectors.segment_list(user=user, held=held)
        filters = validated_filters(SegmentFilters, self.request)
        water_body = filters.get("water_body")
        if water_body is not None and not selectors.water_bodies_visible_to(user).filter(pk=water_body).exists():
            raise Http404
        return selectors.segment_list(user=user, filters=filters, held=held)
