"""`/api/v1/patrol-logs/` (API.md): phones submit logs idempotently; everyone in scope lists and reads them."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from accounts.permissions import OFFICES
from accounts.scope import require_place_in_scope
from config.api import Conflict, ErrorsSerializer
from config.parsers import JSONParser
from patrol import selectors, services
from patrol.models import PatrolLog
from patrol.serializers import (
    PatrolLogDetailSerializer,
    PatrolLogFilters,
    PatrolLogInputSerializer,
    PatrolLogSerializer,
    patrol_log_answer,
)
from staffing import selectors as staffing_selectors

# Who may read logs at all; what each of them sees is decided by patrol.selectors (scope).
READERS = OFFICES | {Role.PATROLLER, Role.VILLAGE_CHIEF}


@extend_schema_view(
    list=extend_schema(parameters=[PatrolLogFilters], summary="巡查日志列表 / patrol logs"),
    retrieve=extend_schema(summary="巡查日志 / a patrol log"),
    create=extend_schema(
        request=PatrolLogInputSerializer,
        responses={
            201: PatrolLogSerializer,
            200: OpenApiResponse(PatrolLogSerializer, description="重复提交，返回已保存的日志 / replay"),
            409: OpenApiResponse(ErrorsSerializer, description="同一编号内容不同 / idempotency conflict"),
        },
        summary="提交巡查日志 / submit a patrol log",
    ),
)
class PatrolLogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Patrol logs in the caller's scope, ordered by (updated_at, id) for phone sync."""

    roles = {"list": READERS, "retrieve": READERS, "create": frozenset({Role.PATROLLER})}
    queryset = PatrolLog.objects.none()  # only names the model for the schema; get_queryset decides
    # A log is a JSON document (checks and track are nested): a form body could not carry it; anything else is 415.
    parser_classes = [JSONParser]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return PatrolLogDetailSerializer
        if self.action == "create":
            return PatrolLogInputSerializer
        return PatrolLogSerializer

    def get_queryset(self):
        filters = PatrolLogFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        require_place_in_scope(self.request.user, county_id=values.get("county"), township_id=values.get("township"))
        return selectors.patrol_log_list(user=self.request.user, filters=values)

    def get_object(self) -> PatrolLog:
        return selectors.patrol_log_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        body = PatrolLogInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        # Who submits and where they patrol that day, in one query; the patroller alone when they have no duty
        # that day (the service then says why the log is refused).
        duty = None
        if request.user.role == Role.PATROLLER:
            duty = selectors.duty_on(user=request.user, on=values["date"])
        patroller = duty.patroller if duty is not None else staffing_selectors.patroller_of(request.user)
        try:
            log, created = services.patrol_log_submit(
                patroller=patroller, data=values, by=request.user, assignment=duty
            )
        except services.IdempotencyConflict as exc:
            raise Conflict(exc.errors) from None
        answer = patrol_log_answer(log, new=created, request=request)
        return Response(answer, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


log_list = PatrolLogViewSet.as_view({"get": "list", "post": "create"})
log_detail = PatrolLogViewSet.as_view({"get": "retrieve"})
