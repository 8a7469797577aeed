from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from accounts.permissions import ANY_ROLE, OFFICES
from rivers import selectors
from rivers.models import WaterBody
from rivers.serializers import SegmentSerializer, WaterBodySerializer


class WaterBodyFilters(serializers.Serializer):
    kind = serializers.ChoiceField(choices=WaterBody.Kind.choices, required=False, label=_("类型"))
    county = serializers.IntegerField(required=False, min_value=1)
    township = serializers.IntegerField(required=False, min_value=1)


class SegmentFilters(serializers.Serializer):
    water_body = serializers.IntegerField(required=False, min_value=1)
    county = serializers.IntegerField(required=False, min_value=1)
    township = serializers.IntegerField(required=False, min_value=1)


def validated_filters(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(list=extend_schema(parameters=[WaterBodyFilters]))
class WaterBodyViewSet(viewsets.ReadOnlyModelViewSet):
    roles = OFFICES
    serializer_class = WaterBodySerializer

    def get_queryset(self):
        if self.action == "list":
            return selectors.water_body_list(
                user=self.request.user, **validated_filters(WaterBodyFilters, self.request)
            )
        return selectors.water_bodies_visible_to(self.request.user)


@extend_schema_view(list=extend_schema(parameters=[SegmentFilters]))
class SegmentViewSet(viewsets.ReadOnlyModelViewSet):
    roles = ANY_ROLE
    serializer_class = SegmentSerializer

    def get_queryset(self):
        filters = validated_filters(SegmentFilters, self.request) if self.action == "list" else {}
        return selectors.segment_list(user=self.request.user, filters=filters)
