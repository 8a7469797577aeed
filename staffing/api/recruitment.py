"""Vacancies and their applicants: opening, scoring, hiring, cancelling (补聘, 第五条–第六条)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import OFFICES
from config.api import id_filter
from rivers.api import validated_filters
from staffing import selectors, services
from staffing.api.common import ERRORS_400, ERRORS_403, HIRING_OFFICES, request_body
from staffing.models import Vacancy
from staffing.serializers import (
    ApplicantCreateSerializer,
    ApplicantSerializer,
    ContractSerializer,
    HireSerializer,
    VacancyCreateSerializer,
    VacancyDetailSerializer,
    VacancySerializer,
)


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
        vacancy = services.vacancy_open(by=request.user, **request_body(VacancyCreateSerializer, request))
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
            vacancy=vacancy, by=request.user, **request_body(ApplicantCreateSerializer, request)
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
        body = request_body(HireSerializer, request)
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
