"""Problem reports API: `GET /api/v1/problem-reports/` (+ detail) and the office's transitions
`POST /api/v1/problem-reports/{id}/{accept|assign|resolve|close|reopen}/` (see patrol.rules.problems).

Reading: offices by place, the reporting patroller their own; other roles 403. Acting: the township office of the
report's township and the county office above it; other roles 403, a report outside scope 404, a transition the
report's status does not allow 400 (`errors.status`).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from accounts.permissions import OFFICES
from config.api import ErrorsSerializer, SyncFilters, id_filter
from patrol import selectors, services
from patrol.models import Photo, ProblemEvent, ProblemReport
from patrol.rules import problems as problem_rules
from rivers.api import validated_filters

READERS = OFFICES | {Role.PATROLLER}
HANDLERS = problem_rules.HANDLING_ROLES


class ProblemPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    check = serializers.CharField(source="check_code")
    taken_at = serializers.DateTimeField(allow_null=True)
    flags = serializers.ListField(child=serializers.CharField())
    thumbnail_url = serializers.SerializerMethodField()

    def get_thumbnail_url(self, photo: Photo) -> str | None:
        url = selectors.thumbnail_url(photo)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ResolutionUploadSerializer(serializers.Serializer):
    """A photo of the fix uploaded by the office (on the review page) with the resolution."""

    id = serializers.IntegerField()
    taken_at = serializers.DateTimeField(allow_null=True)
    uploaded_at = serializers.DateTimeField(source="created_at")
    thumbnail_url = serializers.SerializerMethodField()
    large_url = serializers.SerializerMethodField()

    def _absolute(self, name: str, photo) -> str:
        url = reverse(name, kwargs={"pk": photo.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_thumbnail_url(self, photo) -> str:
        return self._absolute("patrol-resolution-thumbnail", photo)

    def get_large_url(self, photo) -> str:
        return self._absolute("patrol-resolution-large", photo)


class ProblemEventSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()

    class Meta:
        model = ProblemEvent
        fields = ["from_status", "to_status", "by", "at", "note"]

    def get_by(self, event: ProblemEvent) -> str | None:
        return str(event.by) if event.by_id else None


class ProblemReportSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(help_text=_("检查项名称(本地检查项为河长办所定名称)"))
    status_label = serializers.CharField(source="get_status_display")
    date = serializers.DateField(source="log.date", help_text=_("发现问题的巡查日期"))
    patroller = serializers.IntegerField(source="log.patroller_id")
    patroller_name = serializers.CharField(source="log.patroller.name")
    segment_name = serializers.CharField(source="segment.name")
    water_body = serializers.CharField(source="segment.water_body.name")
    township_name = serializers.CharField(source="township.name")
    overdue = serializers.SerializerMethodField(help_text=_("已过办理期限且尚未处理或办结"))
    actions = serializers.SerializerMethodField(help_text=_("当前状态下可执行的办理操作"))
    photos = serializers.SerializerMethodField(help_text=_("问题照片：巡查日志中对应该检查项或未标注检查项的照片"))
    resolution_photos = ProblemPhotoSerializer(many=True, help_text=_("处理结果照片"))
    resolution_uploads = ResolutionUploadSerializer(
        many=True, source="uploaded_photos", help_text=_("河长办登记处理结果时上传的照片")
    )
    events = ProblemEventSerializer(many=True)

    class Meta:
        model = ProblemReport
        fields = [
            "id",
            "log",
            "date",
            "patroller",
            "patroller_name",
            "township",
            "township_name",
            "segment",
            "segment_name",
            "water_body",
            "category",
            "category_label",
            "local_check",
            "latitude",
            "longitude",
            "status",
            "status_label",
            "deadline",
            "assignee",
            "resolution_note",
            "resolution_photos",
            "resolution_uploads",
            "overdue",
            "actions",
            "photos",
            "events",
            "created_at",
            "updated_at",
        ]

    def get_overdue(self, report: ProblemReport) -> bool:
        return problem_rules.is_overdue(status=report.status, deadline=report.deadline, today=self.context["today"])

    def get_actions(self, report: ProblemReport) -> list[str]:
        return problem_rules.actions_from(report.status)

    @extend_schema_field(ProblemPhotoSerializer(many=True))
    def get_photos(self, report: ProblemReport) -> list[dict]:
        return ProblemPhotoSerializer(selectors.report_photos(report), many=True, context=self.context).data


class ProblemReportFilters(SyncFilters):
    status = serializers.ChoiceField(choices=ProblemReport.Status.choices, required=False, label=_("状态"))
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None, label=_("是否逾期"))
    township = id_filter(_("乡镇(街道)"))
    county = id_filter(_("县(市、区)"))
    segment = id_filter(_("河段"))
    date_from = serializers.DateField(required=False, label=_("巡查日期起"))
    date_to = serializers.DateField(required=False, label=_("巡查日期止"))

    def validate(self, attrs: dict) -> dict:
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": [_("结束日期不能早于开始日期。")]})
        return super().validate(attrs)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=problem_rules.NOTE_MAX_LENGTH, label=_("说明")
    )


class AssignSerializer(NoteSerializer):
    deadline = serializers.DateField(label=_("办理期限"))
    assignee = serializers.CharField(max_length=problem_rules.ASSIGNEE_MAX_LENGTH, label=_("承办单位或人员"))


class ResolveSerializer(NoteSerializer):
    note = serializers.CharField(max_length=problem_rules.NOTE_MAX_LENGTH, label=_("处理结果"))
    photos = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        max_length=problem_rules.MAX_RESOLUTION_PHOTOS,
        label=_("处理结果照片(该河段巡查日志的照片编号)"),
    )


class ReasonSerializer(NoteSerializer):
    note = serializers.CharField(max_length=problem_rules.NOTE_MAX_LENGTH, label=_("原因"))


BODIES: dict[str, type[serializers.Serializer]] = {
    "accept": NoteSerializer,
    "assign": AssignSerializer,
    "resolve": ResolveSerializer,
    "close": NoteSerializer,
    "reopen": ReasonSerializer,
}
ERRORS_400 = OpenApiResponse(ErrorsSerializer, description="状态不允许此操作或填写有误 / not allowed in this status")
ERRORS_403 = OpenApiResponse(ErrorsSerializer, description="角色不能办理 / role may not act")
ERRORS_404 = OpenApiResponse(ErrorsSerializer, description="不存在或不在管辖范围内 / outside scope")


def _transition_schema(action_name: str, summary: str):
    return extend_schema(
        request=BODIES[action_name],
        responses={200: ProblemReportSerializer, 400: ERRORS_400, 403: ERRORS_403, 404: ERRORS_404},
        summary=summary,
    )


@extend_schema_view(
    list=extend_schema(parameters=[ProblemReportFilters], summary="问题上报 / problem reports"),
    retrieve=extend_schema(summary="问题上报及办理记录 / a problem report with its history"),
)
class ProblemReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Problems escalated from patrol logs (第七条(二)) and their handling by the river office."""

    roles = {
        "list": READERS,
        "retrieve": READERS,
        **dict.fromkeys(problem_rules.ACTIONS, HANDLERS),
    }
    serializer_class = ProblemReportSerializer
    queryset = ProblemReport.objects.none()  # only names the model for the schema; get_queryset decides
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        if self.action == "list":
            filters = validated_filters(ProblemReportFilters, self.request)
            return selectors.problem_report_list(user=self.request.user, filters=filters)
        return selectors.problem_reports_visible_to(self.request.user)

    def get_object(self) -> ProblemReport:
        return selectors.problem_report_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _act(self, request: Request, action_name: str) -> Response:
        report = self.get_object()
        body = BODIES[action_name](data=request.data)
        body.is_valid(raise_exception=True)
        services.problem_report_act(report=report, by=request.user, action=action_name, data=body.validated_data)
        fresh = selectors.problem_report_get(user=request.user, pk=report.pk)
        return Response(self.get_serializer(fresh).data)

    @_transition_schema("accept", "受理 / accept (reported → accepted)")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:
        return self._act(request, "accept")

    @_transition_schema("assign", "交办 / assign with a deadline (accepted, assigned or reopened → assigned)")
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk=None) -> Response:
        return self._act(request, "assign")

    @_transition_schema("resolve", "登记处理结果 / resolve with evidence (assigned or reopened → resolved)")
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk=None) -> Response:
        return self._act(request, "resolve")

    @_transition_schema("close", "办结 / close (resolved → closed; reported/accepted → closed needs a reason)")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        return self._act(request, "close")

    @_transition_schema("reopen", "退回重办 / reopen with a reason (resolved or closed → reopened)")
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk=None) -> Response:
        return self._act(request, "reopen")
