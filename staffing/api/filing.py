"""Roster changes and filing them upward (备案)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import OFFICES
from rivers.api import validated_filters
from staffing import selectors, services
from staffing.api.common import ERRORS_400, ERRORS_403, HIRING_OFFICES, request_body
from staffing.models import RosterChange, RosterFiling
from staffing.serializers import (
    RosterChangeFilters,
    RosterChangeSerializer,
    RosterFilingCreateSerializer,
    RosterFilingSerializer,
    TownshipFilter,
)


@extend_schema_view(
    list=extend_schema(parameters=[RosterChangeFilters], summary="花名册变动 / roster changes, oldest first"),
)
class RosterChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Hires, renewals, dismissals, resignations and expiries; `?unfiled=true` lists what still needs filing."""

    roles = OFFICES
    serializer_class = RosterChangeSerializer
    queryset = RosterChange.objects.none()

    def get_queryset(self):
        filters = validated_filters(RosterChangeFilters, self.request)
        return selectors.roster_changes(
            user=self.request.user, township=filters.get("township"), unfiled=filters.get("unfiled")
        )


@extend_schema_view(
    list=extend_schema(parameters=[TownshipFilter], summary="花名册备案 / roster filings"),
    retrieve=extend_schema(summary="花名册备案 / a filing"),
    create=extend_schema(
        request=RosterFilingCreateSerializer,
        responses={201: RosterFilingSerializer, 400: ERRORS_400, 403: ERRORS_403},
        summary="备案 / file the roster: covers every unfiled change of the township",
    ),
)
class RosterFilingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    roles = {"list": OFFICES, "retrieve": OFFICES, "create": HIRING_OFFICES}
    serializer_class = RosterFilingSerializer
    queryset = RosterFiling.objects.none()
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        township = validated_filters(TownshipFilter, self.request).get("township") if self.action == "list" else None
        return selectors.roster_filings(user=self.request.user, township=township)

    def create(self, request: Request) -> Response:
        filing = services.roster_file(by=request.user, **request_body(RosterFilingCreateSerializer, request))
        filing = selectors.roster_filings(user=request.user).get(pk=filing.pk)
        return Response(self.get_serializer(filing).data, status=status.HTTP_201_CREATED)
