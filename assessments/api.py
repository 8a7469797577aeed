"""Assessments, spot checks, dismissal flags (API.md), corrections and supervision reports.

Objects come through the scope selectors (404 outside scope); what a role may do is declared in `roles` (403);
who of the roles in scope may act on one object (the owning office) is the services' call (403).
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from accounts.permissions import COUNTY_AND_CITY_OFFICES, OFFICES, REPORTERS, RolePermission
from accounts.scope import require_place_in_scope
from assessments import selectors, services
from assessments.models import Assessment, Correction, DismissalFlag, SpotCheckDraw, SupervisionReport
from assessments.serializers import (
    AssessmentDetailSerializer,
    AssessmentFilters,
    AssessmentSerializer,
    AssessmentUpdateBody,
    CorrectionBody,
    CorrectionFilters,
    CorrectionSerializer,
    DecisionBody,
    DismissalConfirmBody,
    DismissalFlagFilters,
    DismissalFlagSerializer,
    DismissalReinstateBody,
    FinalizeBody,
    MonthBody,
    SpotCheckDrawListSerializer,
    SpotCheckDrawSerializer,
    SpotCheckFilters,
    SupervisionReportBody,
    SupervisionReportFilters,
    SupervisionReportSerializer,
)
from config.api import ErrorsSerializer
from config.web import id_or_404
from rivers.models import County, Segment, Township
from staffing.models import Patroller

TOWNSHIP_OFFICE = frozenset({Role.TOWNSHIP_OFFICE})
COUNTY_OFFICE = frozenset({Role.COUNTY_OFFICE})
# The spot-check draw is the county's record: its seed and every county patroller's risk weight (how each one is
# seen). The county and city offices read it, as on the 县级抽考 page; a township office learns which of its
# patrollers were drawn from the county-level assessments it sees, and gets 403 here like on the page.
SPOT_CHECK_READERS = COUNTY_AND_CITY_OFFICES
LOCAL_OFFICES = TOWNSHIP_OFFICE | COUNTY_OFFICE
DECIDERS = COUNTY_AND_CITY_OFFICES

ERRORS = {
    400: OpenApiResponse(ErrorsSerializer, description="输入有误 / invalid input"),
    403: OpenApiResponse(ErrorsSerializer, description="角色无权操作 / role may not act"),
    404: OpenApiResponse(ErrorsSerializer, description="不存在或不在管辖范围内 / not found or outside scope"),
}


def _filters(serializer_class, request: Request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    values = dict(query.validated_data)
    require_place_in_scope(request.user, county_id=values.get("county"), township_id=values.get("township"))
    return values


def _own_place(model, pk: int | None):
    """The caller's own township or county, for what an office does to its own place. A superuser passes every
    role check but may have no place of their own (the city office's admin login): 403, not a missing row."""
    if pk is None:
        raise exceptions.PermissionDenied(RolePermission.message)
    return model.objects.get(pk=pk)


def _body(serializer_class, request: Request) -> dict:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def _page(view, queryset, serializer_class) -> Response:
    page = view.paginate_queryset(queryset)
    return view.get_paginated_response(serializer_class(page, many=True).data)


def _flag_changes(changes: services.FlagChanges) -> dict:
    """What a change of a final result did to the patroller's flags (each list in the flags' API shape)."""
    return {
        key: DismissalFlagSerializer(getattr(changes, key), many=True).data
        for key in ("raised", "updated", "withdrawn", "unsupported", "confirmed_again")
    }


def _flag_data(request: Request, pk: int) -> dict:
    flag = selectors.dismissal_flag_get(user=request.user, pk=pk)
    waits = selectors.flag_waits([flag], today=timezone.localdate())
    return DismissalFlagSerializer(flag, context={"waits": waits}).data


@extend_schema_view(
    list=extend_schema(parameters=[AssessmentFilters], summary="月度考核列表 / assessments"),
    retrieve=extend_schema(responses={200: AssessmentDetailSerializer, **ERRORS}, summary="月度考核 / an assessment"),
    partial_update=extend_schema(
        request=AssessmentUpdateBody,
        responses={200: AssessmentSerializer, **ERRORS},
        summary="评分(草稿) / score a draft",
    ),
)
class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One row per patroller-month-level: offices in scope, a patroller their own final results."""

    roles = {
        "list": OFFICES | {Role.PATROLLER},
        "retrieve": OFFICES | {Role.PATROLLER},
        "partial_update": OFFICES,
        "prepare": TOWNSHIP_OFFICE,
        "finalize": OFFICES,
        "corrections": OFFICES,
    }
    serializer_class = AssessmentSerializer
    queryset = Assessment.objects.none()  # only names the model for the schema; get_queryset decides

    def get_queryset(self):
        return selectors.assessment_list(user=self.request.user, filters=_filters(AssessmentFilters, self.request))

    def get_object(self) -> Assessment:
        return selectors.assessment_get(user=self.request.user, pk=id_or_404(self.kwargs.get("pk")))

    def retrieve(self, request: Request, pk=None) -> Response:
        assessment = self.get_object()
        assessment.change_history = list(selectors.assessment_changes(assessment=assessment))
        return Response(AssessmentDetailSerializer(assessment).data)

    def partial_update(self, request: Request, pk=None) -> Response:
        assessment = self.get_object()
        body = _body(AssessmentUpdateBody, request)
        assessment = services.assessment_update(
            assessment=assessment, by=request.user, scores=body.get("scores"), reasons=body.get("reasons")
        )
        return Response(AssessmentSerializer(selectors.assessment_get(user=request.user, pk=assessment.pk)).data)

    @extend_schema(
        request=MonthBody,
        responses={200: AssessmentSerializer(many=True), **ERRORS},
        summary="生成本乡镇月度考评草稿 / prepare the township's drafts",
    )
    @action(detail=False, methods=["post"])
    def prepare(self, request: Request) -> Response:
        body = _body(MonthBody, request)
        township = _own_place(Township, request.user.township_id)
        rows = services.assessments_prepare(township=township, month=body["month"], by=request.user)
        data = AssessmentSerializer(rows, many=True).data
        return Response({"count": len(data), "next": None, "previous": None, "results": data})

    @extend_schema(request=FinalizeBody, responses={200: AssessmentSerializer, **ERRORS}, summary="定稿 / finalize")
    @action(detail=True, methods=["post"])
    def finalize(self, request: Request, pk=None) -> Response:
        """Draft → final, from day LOG_LATE_DAYS + 1 of the next month on; the suggestion is recomputed first. A
        month in which the township recorded no patrol log needs `{"confirm_no_logs": true, "reason": "…"}`."""
        assessment = self.get_object()
        body = _body(FinalizeBody, request)
        result = services.assessment_finalize(
            assessment=assessment,
            by=request.user,
            confirm_no_logs=body.get("confirm_no_logs", False),
            reason=body.get("reason", ""),
        )
        data = AssessmentSerializer(selectors.assessment_get(user=request.user, pk=result.assessment.pk)).data
        return Response({**data, "dismissal_flags": _flag_changes(result.flags)})

    @extend_schema(
        request=CorrectionBody,
        responses={201: CorrectionSerializer, **ERRORS},
        summary="申请更正已定稿的考核 / request a correction",
    )
    @action(detail=True, methods=["post"])
    def corrections(self, request: Request, pk=None) -> Response:
        assessment = self.get_object()
        body = _body(CorrectionBody, request)
        correction = services.correction_request(
            assessment=assessment,
            by=request.user,
            scores=body["scores"],
            reasons=body.get("reasons"),
            reason=body["reason"],
        )
        correction = selectors.correction_get(user=request.user, pk=correction.pk)
        return Response(CorrectionSerializer(correction).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[SpotCheckFilters], summary="县级抽考抽样记录 / spot-check draws"),
)
class SpotCheckViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    roles = {"list": SPOT_CHECK_READERS, "draw": COUNTY_OFFICE}
    serializer_class = SpotCheckDrawListSerializer
    queryset = SpotCheckDraw.objects.none()

    def get_queryset(self):
        return selectors.spot_check_draw_list(user=self.request.user, filters=_filters(SpotCheckFilters, self.request))

    @extend_schema(
        request=MonthBody,
        responses={200: SpotCheckDrawSerializer, **ERRORS},
        summary="抽取本县抽考名单 / draw the county sample",
    )
    @action(detail=False, methods=["post"])
    def draw(self, request: Request) -> Response:
        body = _body(MonthBody, request)
        county = _own_place(County, request.user.county_id)
        drawn = services.spot_check_draw(county=county, month=body["month"], by=request.user)
        return Response(SpotCheckDrawSerializer(drawn).data)


@extend_schema_view(
    list=extend_schema(parameters=[DismissalFlagFilters], summary="辞退提示 / dismissal flags"),
    retrieve=extend_schema(summary="辞退提示 / a dismissal flag"),
)
class DismissalFlagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    roles = {"list": OFFICES, "retrieve": OFFICES, "confirm": LOCAL_OFFICES, "reinstate": LOCAL_OFFICES}
    serializer_class = DismissalFlagSerializer
    queryset = DismissalFlag.objects.none()

    def get_queryset(self):
        return selectors.dismissal_flag_list(
            user=self.request.user, filters=_filters(DismissalFlagFilters, self.request)
        )

    def get_object(self) -> DismissalFlag:
        return selectors.dismissal_flag_get(user=self.request.user, pk=id_or_404(self.kwargs.get("pk")))

    def list(self, request: Request) -> Response:
        """The page of flags, and what each open one still waits for (two queries for the whole page)."""
        page = self.paginate_queryset(self.get_queryset())
        waits = selectors.flag_waits(page, today=timezone.localdate())
        return self.get_paginated_response(DismissalFlagSerializer(page, many=True, context={"waits": waits}).data)

    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(_flag_data(request, self.get_object().pk))

    @extend_schema(
        request=DismissalConfirmBody,
        responses={200: DismissalFlagSerializer, **ERRORS},
        summary="确认辞退 / confirm the dismissal",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk=None) -> Response:
        """Refused (400) while a month of the flag is not settled (`waiting_for`), and for a dismissal day (`date`
        or `on`) before the day after the last failing month or after today."""
        flag = self.get_object()
        body = _body(DismissalConfirmBody, request)
        result = services.dismissal_confirm(
            flag=flag, by=request.user, on=body.get("on") or body.get("date"), reason=body.get("reason", "")
        )
        termination = result.termination
        data = _flag_data(request, result.flag.pk)
        data["termination"] = (
            None
            if termination is None
            else {
                "contract": termination.contract.pk,
                "terminated_on": termination.contract.terminated_on.isoformat(),
                "vacancy": termination.vacancy.pk,
                "roster_change": termination.change.pk,
            }
        )
        return Response(data)

    @extend_schema(
        request=DismissalReinstateBody,
        responses={200: DismissalFlagSerializer, **ERRORS},
        summary="恢复聘用 / reinstate a person whose dismissal lost its grounds",
    )
    @action(detail=True, methods=["post"])
    def reinstate(self, request: Request, pk=None) -> Response:
        """An `unsupported` flag: a new contract from the dismissal day to the old contract's end, on the old
        segment while its vacancy is open, else on `segment` (required then); the vacancy closed; a roster change
        to file."""
        flag = self.get_object()
        body = _body(DismissalReinstateBody, request)
        segment = None
        if body.get("segment") is not None:
            segment = Segment.objects.filter(pk=body["segment"], township_id=flag.township_id).first()
            if segment is None:
                raise ValidationError({"segment": [_("该河段不在巡察员所属乡镇(街道)。")]})
        result = services.dismissal_reinstate(
            flag=flag, by=request.user, segment=segment, reason=body.get("reason", "")
        )
        done = result.reinstatement
        data = _flag_data(request, result.flag.pk)
        data["reinstatement"] = {
            "contract": done.contract.pk,
            "start": done.contract.start.isoformat(),
            "end": done.contract.end.isoformat(),
            "segment": done.contract.segment_id,
            "vacancy": done.vacancy.pk if done.vacancy else None,
            "roster_change": done.change.pk,
        }
        return Response(data)


@extend_schema_view(
    list=extend_schema(parameters=[CorrectionFilters], summary="考核更正申请 / corrections"),
    retrieve=extend_schema(summary="考核更正申请 / a correction"),
)
class CorrectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    # The county office decides; the city office what the county office asked for (the services tell who).
    roles = {"list": OFFICES, "retrieve": OFFICES, "approve": DECIDERS, "reject": DECIDERS}
    serializer_class = CorrectionSerializer
    queryset = Correction.objects.none()

    def get_queryset(self):
        return selectors.correction_list(user=self.request.user, filters=_filters(CorrectionFilters, self.request))

    def get_object(self) -> Correction:
        return selectors.correction_get(user=self.request.user, pk=id_or_404(self.kwargs.get("pk")))

    @extend_schema(request=DecisionBody, responses={200: CorrectionSerializer, **ERRORS}, summary="批准 / approve")
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk=None) -> Response:
        correction = self.get_object()
        body = _body(DecisionBody, request)
        result = services.correction_approve(correction=correction, by=request.user, note=body.get("note", ""))
        data = CorrectionSerializer(selectors.correction_get(user=request.user, pk=result.correction.pk)).data
        return Response({**data, "dismissal_flags": _flag_changes(result.flags)})

    @extend_schema(request=DecisionBody, responses={200: CorrectionSerializer, **ERRORS}, summary="驳回 / reject")
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk=None) -> Response:
        correction = self.get_object()
        body = _body(DecisionBody, request)
        services.correction_reject(correction=correction, by=request.user, note=body.get("note", ""))
        return Response(CorrectionSerializer(selectors.correction_get(user=request.user, pk=correction.pk)).data)


@extend_schema_view(
    list=extend_schema(parameters=[SupervisionReportFilters], summary="监督报告 / supervision reports"),
    retrieve=extend_schema(summary="监督报告 / a supervision report"),
    create=extend_schema(
        request=SupervisionReportBody,
        responses={201: SupervisionReportSerializer, **ERRORS},
        summary="提交监督报告 / file a report",
    ),
)
class SupervisionReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Village chiefs and volunteer supervisors file (第十二条); the township office confirms or rejects."""

    roles = {
        "list": OFFICES | REPORTERS,
        "retrieve": OFFICES | REPORTERS,
        "create": REPORTERS,
        "confirm": TOWNSHIP_OFFICE,
        "reject": TOWNSHIP_OFFICE,
    }
    serializer_class = SupervisionReportSerializer
    queryset = SupervisionReport.objects.none()

    def get_queryset(self):
        return selectors.supervision_report_list(
            user=self.request.user, filters=_filters(SupervisionReportFilters, self.request)
        )

    def get_object(self) -> SupervisionReport:
        return selectors.supervision_report_get(user=self.request.user, pk=id_or_404(self.kwargs.get("pk")))

    def create(self, request: Request) -> Response:
        body = _body(SupervisionReportBody, request)
        patroller = Patroller.objects.filter(pk=body["patroller"]).first()
        if patroller is None:
            raise ValidationError({"patroller": [_("只能报告本人监督范围内的在岗巡察员。")]})
        report = services.supervision_report_file(
            by=request.user, patroller=patroller, observed_on=body["observed_on"], text=body["text"]
        )
        report = selectors.supervision_report_get(user=request.user, pk=report.pk)
        return Response(SupervisionReportSerializer(report).data, status=status.HTTP_201_CREATED)

    def _decide(self, request: Request, service) -> Response:
        report = self.get_object()
        body = _body(DecisionBody, request)
        service(report=report, by=request.user, note=body.get("note", ""))
        return Response(
            SupervisionReportSerializer(selectors.supervision_report_get(user=request.user, pk=report.pk)).data
        )

    @extend_schema(request=DecisionBody, responses={200: SupervisionReportSerializer, **ERRORS}, summary="核实属实")
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk=None) -> Response:
        return self._decide(request, services.supervision_report_confirm)

    @extend_schema(request=DecisionBody, responses={200: SupervisionReportSerializer, **ERRORS}, summary="核实不属实")
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk=None) -> Response:
        return self._decide(request, services.supervision_report_reject)
