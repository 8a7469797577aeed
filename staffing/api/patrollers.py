"""The roster (SPEC §4): patrollers, their contracts and eligibility, resignation; the caller's own record and
segments."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors as account_selectors
from accounts.permissions import ANY_ROLE, OFFICES
from accounts.serializers import MeSerializer
from rivers import api as rivers_api
from rivers.api import validated_filters
from rivers.selectors import segments_visible_to
from staffing import selectors, services
from staffing.api.common import ERRORS_400, ERRORS_403, HIRING_OFFICES, ROSTER_READERS, request_body
from staffing.models import Patroller
from staffing.serializers import (
    ContractCreateSerializer,
    ContractSerializer,
    EligibilityQuery,
    EligibilitySerializer,
    PatrollerFilters,
    PatrollerSerializer,
    PatrollerWriteSerializer,
    ResignSerializer,
)


def _require_manager(request: Request, patroller: Patroller) -> None:
    """403 before reading the body: only the hiring office manages the person (谁聘用谁管理)."""
    if not selectors.manages(request.user, patroller):
        raise PermissionDenied(_("只有聘用该巡察员的河长办可以执行此操作(谁聘用谁管理)。"))


@extend_schema_view(
    list=extend_schema(parameters=[PatrollerFilters], summary="巡察员花名册 / the roster"),
    retrieve=extend_schema(summary="巡察员 / a patroller"),
    create=extend_schema(
        request=PatrollerWriteSerializer,
        responses={201: PatrollerSerializer, 400: ERRORS_400, 403: ERRORS_403},
        summary="登记巡察员 / register a patroller (candidate)",
    ),
    partial_update=extend_schema(
        request=PatrollerWriteSerializer,
        responses={200: PatrollerSerializer, 400: ERRORS_400, 403: ERRORS_403},
        summary="修改巡察员信息 / edit a patroller",
    ),
)
class PatrollerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The roster in the caller's scope. ID numbers and phones in full only for the managing office."""

    roles = {
        "list": ROSTER_READERS,
        "retrieve": ROSTER_READERS,
        "contracts": ROSTER_READERS,
        "create": HIRING_OFFICES,
        "partial_update": HIRING_OFFICES,
        "contract_create": HIRING_OFFICES,
        "resign": HIRING_OFFICES,
        "eligibility": OFFICES,
    }
    serializer_class = PatrollerSerializer
    queryset = Patroller.objects.none()  # only names the model for the schema; get_queryset decides
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        if self.action == "list":
            return selectors.patroller_list(
                user=self.request.user, filters=validated_filters(PatrollerFilters, self.request)
            )
        return selectors.patroller_list(user=self.request.user)

    def _answer(self, patroller: Patroller, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.patroller_get(user=self.request.user, pk=patroller.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def create(self, request: Request) -> Response:
        patroller = services.patroller_create(by=request.user, **request_body(PatrollerWriteSerializer, request))
        return self._answer(patroller, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk=None) -> Response:
        patroller = self.get_object()
        _require_manager(request, patroller)
        data = request_body(PatrollerWriteSerializer, request, partial=True)
        return self._answer(services.patroller_update(patroller=patroller, by=request.user, data=data))

    @extend_schema(responses=ContractSerializer(many=True), summary="巡察员的合同 / contracts of a patroller")
    @action(detail=True, methods=["get"], pagination_class=None)
    def contracts(self, request: Request, pk=None) -> Response:
        patroller = self.get_object()
        return Response(ContractSerializer(selectors.contracts_of(patroller=patroller), many=True).data)

    @extend_schema(
        request=ContractCreateSerializer,
        responses={201: ContractSerializer, 400: ERRORS_400, 403: ERRORS_403},
        summary="签订管护合同 / hire or renew: a yearly contract and its segment assignment",
        description="资格不符时 400，errors 的键为失败代码(age、residence、criminal_record、health)；"
        "期限超过一年为 end，与其他合同重叠为 non_field_errors。",
    )
    @contracts.mapping.post
    def contract_create(self, request: Request, pk=None) -> Response:
        patroller = self.get_object()
        _require_manager(request, patroller)
        contract = services.contract_create(
            patroller=patroller, by=request.user, **request_body(ContractCreateSerializer, request)
        )
        return Response(ContractSerializer(contract).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[EligibilityQuery],
        responses={200: EligibilitySerializer, 400: ERRORS_400},
        summary="聘用资格 / eligibility on a contract start (第四条)",
    )
    @action(detail=True, methods=["get"])
    def eligibility(self, request: Request, pk=None) -> Response:
        patroller = self.get_object()
        query = EligibilityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        segment = segments_visible_to(request.user).filter(pk=query.validated_data["segment"]).first()
        if segment is None:
            raise Http404
        start = query.validated_data["start"]
        failures = selectors.eligibility(patroller=patroller, segment=segment, start=start)
        notices = selectors.eligibility_notices(patroller=patroller, start=start)
        return Response(
            {
                "eligible": not failures,
                "failures": [{"code": code, "message": msg} for code, msg in failures],
                "notices": [{"code": code, "message": msg} for code, msg in notices],
            }
        )

    @extend_schema(
        request=ResignSerializer,
        responses={200: PatrollerSerializer, 400: ERRORS_400, 403: ERRORS_403},
        summary="辞职 / the patroller leaves (contract ends, vacancy opens)",
    )
    @action(detail=True, methods=["post"])
    def resign(self, request: Request, pk=None) -> Response:
        patroller = self.get_object()
        _require_manager(request, patroller)
        body = request_body(ResignSerializer, request)
        services.patroller_resign(patroller=patroller, on=body["date"], reason=body["reason"], by=request.user)
        return self._answer(patroller)


class MeView(APIView):
    """`GET /api/v1/me/`: the account (accounts) with the caller's roster record, which lives here."""

    roles = ANY_ROLE

    @extend_schema(responses=MeSerializer, summary="当前用户 / the caller")
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            MeSerializer(account_selectors.me(user=user, patroller=selectors.patroller_summary(user=user))).data
        )


class SegmentViewSet(rivers_api.SegmentViewSet):
    """rivers' segments endpoint, with the segments a patroller holds (the roster's) as their own."""

    def held_segment_ids(self) -> list[int]:
        return selectors.segment_ids_assigned_to(user=self.request.user)
