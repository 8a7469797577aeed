from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors as account_selectors
from accounts.models import Role
from accounts.permissions import ANY_ROLE, OFFICES
from accounts.serializers import MeSerializer
from config.api import ErrorsSerializer, id_filter
from rivers import api as rivers_api
from rivers.api import validated_filters
from rivers.selectors import segments_visible_to
from staffing import rules, selectors, services
from staffing.models import Patroller, RosterChange, RosterFiling, Vacancy
from staffing.serializers import (
    ApplicantCreateSerializer,
    ApplicantSerializer,
    ContractCreateSerializer,
    ContractSerializer,
    EligibilityQuery,
    EligibilitySerializer,
    HireSerializer,
    PatrollerFilters,
    PatrollerSerializer,
    PatrollerWriteSerializer,
    ResignSerializer,
    RosterChangeFilters,
    RosterChangeSerializer,
    RosterFilingCreateSerializer,
    RosterFilingSerializer,
    TownshipFilter,
    VacancyCreateSerializer,
    VacancyDetailSerializer,
    VacancySerializer,
)


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


# --- the roster (SPEC §4): patrollers, contracts, eligibility, vacancies, roster changes and filings --------------

ROSTER_READERS = OFFICES | {Role.VILLAGE_CHIEF, Role.PATROLLER}
HIRING_OFFICES = frozenset({Role.TOWNSHIP_OFFICE, Role.COUNTY_OFFICE})
ERRORS_400 = OpenApiResponse(ErrorsSerializer, description="校验失败 / validation failed")
ERRORS_403 = OpenApiResponse(ErrorsSerializer, description="角色或管理关系不允许 / not the managing office")


def _body(serializer_class, request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


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
        patroller = services.patroller_create(by=request.user, **_body(PatrollerWriteSerializer, request))
        return self._answer(patroller, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk=None) -> Response:
        patroller = self.get_object()
        _require_manager(request, patroller)
        data = _body(PatrollerWriteSerializer, request, partial=True)
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
            patroller=patroller, by=request.user, **_body(ContractCreateSerializer, request)
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
        body = _body(ResignSerializer, request)
        services.patroller_resign(patroller=patroller, on=body["date"], reason=body["reason"], by=request.user)
        return self._answer(patroller)


class VacancyFilters(serializers.Serializer):
    status = serializers.ChoiceField(choices=Vacancy.Status.choices, required=False, label=_("状态"))
    township = id_filter(_("乡镇(街道)"))
    segment = id_filter(_("河段"))


@extend_schema_view(
    list=extend_schema(parameters=[VacancyFilters], summary="空缺岗位 / vacancies"),
    retrieve=extend_schema(responses=VacancyDetailSerializer, summary="空缺岗位及应聘排名 / a vacancy and its ranking"),
    create=extend_schema(
        request=VacancyCreateSerializer,
        responses={201: VacancyDetailSerializer, 400: ERRORS_400, 403: ERRORS_403},
        summary="开放空缺岗位 / open a vacancy",
    ),
)
class VacancyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Recruitment and backfill (补聘): vacancies of the segments in scope with their ranked applicants."""

    roles = {
        "list": OFFICES,
        "retrieve": OFFICES,
        "create": HIRING_OFFICES,
        "applicants": HIRING_OFFICES,
        "hire": HIRING_OFFICES,
        "cancel": HIRING_OFFICES,
    }
    serializer_class = VacancySerializer
    queryset = Vacancy.objects.none()
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        filters = validated_filters(VacancyFilters, self.request) if self.action == "list" else {}
        return selectors.vacancy_list(user=self.request.user, filters=filters)

    def get_serializer_class(self):
        return VacancySerializer if self.action == "list" else VacancyDetailSerializer

    def _answer(self, vacancy: Vacancy, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.vacancy_get(user=self.request.user, pk=vacancy.pk)
        return Response(VacancyDetailSerializer(fresh, context={"request": self.request}).data, status=status_code)

    def create(self, request: Request) -> Response:
        vacancy = services.vacancy_open(by=request.user, **_body(VacancyCreateSerializer, request))
        return self._answer(vacancy, status.HTTP_201_CREATED)

    @extend_schema(
        request=ApplicantCreateSerializer,
        responses={201: ApplicantSerializer, 400: ERRORS_400, 403: ERRORS_403},
        summary="登记应聘人员及成绩 / record an applicant with scores",
    )
    @action(detail=True, methods=["post"])
    def applicants(self, request: Request, pk=None) -> Response:
        vacancy = self.get_object()
        applicant = services.applicant_add(
            vacancy=vacancy, by=request.user, **_body(ApplicantCreateSerializer, request)
        )
        return Response(ApplicantSerializer(applicant, context={"request": request}).data, status=201)

    @extend_schema(
        request=HireSerializer,
        responses={201: ContractSerializer, 400: ERRORS_400, 403: ERRORS_403},
        summary="聘用应聘人员 / hire an applicant (eligibility, contract, assignment)",
    )
    @action(detail=True, methods=["post"])
    def hire(self, request: Request, pk=None) -> Response:
        vacancy = self.get_object()
        body = _body(HireSerializer, request)
        applicant = vacancy.applicants.select_related("patroller").filter(pk=body["applicant"]).first()
        if applicant is None:
            raise ValidationError({"applicant": [_("不是该岗位的应聘人员。")]})
        contract = services.applicant_hire(
            applicant=applicant,
            start=body["start"],
            end=body["end"],
            by=request.user,
            passed_over={item["applicant"]: item["reason"] for item in body["passed_over"]},
        )
        return Response(ContractSerializer(contract).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: VacancyDetailSerializer, 400: ERRORS_400}, summary="取消岗位")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        return self._answer(services.vacancy_cancel(vacancy=self.get_object(), by=request.user))


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
        filing = services.roster_file(by=request.user, **_body(RosterFilingCreateSerializer, request))
        filing = selectors.roster_filings(user=request.user).get(pk=filing.pk)
        return Response(self.get_serializer(filing).data, status=status.HTTP_201_CREATED)


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
