"""The checklist a phone renders (`GET /api/v1/checklist/`) and the local check items the offices keep
(`/api/v1/local-checks/`, 第八条); the rules are in patrol.local_checks.

- checklist: patrollers (their segment's township that day), village chiefs (their village's township) and offices
  (their scope, `?township=` / `?county=`; outside it 404); other roles 403.
- local-checks: offices read their scope; township and county offices add items for their own area and retire
  them (an item they can see but do not keep: 403; one outside scope: 404); everyone else 403.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import OFFICES
from config.api import ErrorsSerializer, id_filter
from patrol import rules, services
from patrol.models import LocalCheck
from patrol.selectors import local_checks
from rivers.api import validated_filters

CHECKLIST_READERS = OFFICES | {Role.PATROLLER, Role.VILLAGE_CHIEF}
KEEPERS = frozenset(services.MANAGING_ROLES)
STATUSES = {
    local_checks.UPCOMING: _("未启用"),
    local_checks.IN_FORCE: _("使用中"),
    local_checks.RETIRED: _("已停用"),
}
ERRORS_400 = OpenApiResponse(ErrorsSerializer, description="校验失败 / validation failed")
ERRORS_403 = OpenApiResponse(ErrorsSerializer, description="角色不能执行 / role may not act")
ERRORS_404 = OpenApiResponse(ErrorsSerializer, description="不存在或不在管辖范围内 / outside scope")


# --- shapes ----------------------------------------------------------------------------------------------------


class AnswerValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField(help_text=_("请求语言的名称(本地列表项为河长办所填名称)"))
    problem = serializers.BooleanField(help_text=_("该结果是否为问题(问题需拍照取证)"))


class AreaSerializer(serializers.Serializer):
    # Not an enum in the schema: the name `level` is taken by the assessments' levels there.
    level = serializers.CharField(help_text=_("county(县级，全县适用)或 township(乡级)"))
    id = serializers.IntegerField()
    name = serializers.CharField()


class ChecklistItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    local = serializers.BooleanField(help_text=_("是否为本地检查项(第八条)"))
    kind = serializers.ChoiceField(choices=LocalCheck.Kind.choices)
    area = AreaSerializer(required=False, help_text=_("本地检查项所属的县或乡镇；固定检查项没有此字段"))
    values = AnswerValueSerializer(many=True)


class ActionSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=rules.ACTION_CODES)
    label = serializers.CharField()


class ChecklistSerializer(serializers.Serializer):
    """The checklist: the seven fixed checks of 第七条 first, then the local items in force; the actions."""

    date = serializers.DateField()
    checks = ChecklistItemSerializer(many=True)
    actions = ActionSerializer(many=True)


class ChecklistQuery(serializers.Serializer):
    date = serializers.DateField(required=False, label=_("日期"), help_text=_("默认今天"))
    township = id_filter(_("乡镇(街道)"))
    county = id_filter(_("县(市、区)"))


class LocalCheckSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    area = serializers.SerializerMethodField()
    values = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    created_by = serializers.StringRelatedField(allow_null=True)
    retired_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = LocalCheck
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_label",
            "area",
            "values",
            "starts_on",
            "retired_on",
            "status",
            "status_label",
            "created_by",
            "created_at",
            "retired_by",
            "retired_at",
            "retire_reason",
        ]
        read_only_fields = fields

    def _today(self) -> date:
        return self.context.get("today") or timezone.localdate()

    @extend_schema_field(AreaSerializer)
    def get_area(self, item: LocalCheck) -> dict:
        return AreaSerializer(local_checks.area_of(item)).data

    @extend_schema_field(AnswerValueSerializer(many=True))
    def get_values(self, item: LocalCheck) -> list[dict]:
        return [value.as_json() for value in item.values]

    @extend_schema_field(serializers.ChoiceField(choices=list(STATUSES)))
    def get_status(self, item: LocalCheck) -> str:
        return local_checks.status_of(item, today=self._today())

    def get_status_label(self, item: LocalCheck) -> str:
        return str(STATUSES[self.get_status(item)])


class OptionSerializer(serializers.Serializer):
    value = serializers.CharField(
        required=False, allow_blank=True, help_text=_("选项编码(小写字母、数字、下划线)；不填则按顺序为 v1、v2…")
    )
    label = serializers.CharField(help_text=_("选项名称"))
    problem = serializers.BooleanField(default=False, help_text=_("该选项是否为问题"))


class LocalCheckCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=rules.LOCAL_CODE_MAX, label=_("编码"))
    name = serializers.CharField(max_length=rules.LOCAL_NAME_MAX, label=_("检查项名称"))
    kind = serializers.ChoiceField(choices=LocalCheck.Kind.choices, label=_("回答方式"))
    values = OptionSerializer(many=True, required=False, default=list, label=_("选项(回答方式为选项时)"))
    starts_on = serializers.DateField(label=_("启用日期"), help_text=_("最早为明天"))
    retired_on = serializers.DateField(
        required=False, allow_null=True, default=None, label=_("停用日期"), help_text=_("不再适用的第一天，可不填")
    )


class LocalCheckRetireSerializer(serializers.Serializer):
    retired_on = serializers.DateField(label=_("停用日期"), help_text=_("不再适用的第一天，最早为明天"))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, label=_("原因"))


class LocalCheckFilters(serializers.Serializer):
    township = id_filter(_("乡镇(街道)"))
    county = id_filter(_("县(市、区)"))
    status = serializers.ChoiceField(choices=list(STATUSES.items()), required=False, label=_("状态"))


# --- views -----------------------------------------------------------------------------------------------------


class ChecklistView(APIView):
    """The checks a log answers on a day: the seven of 第七条, then the local items in force (第八条)."""

    roles = CHECKLIST_READERS

    @extend_schema(
        parameters=[ChecklistQuery],
        responses={200: ChecklistSerializer, 400: ERRORS_400, 403: ERRORS_403, 404: ERRORS_404},
        summary="检查清单 / the checklist of a day",
    )
    def get(self, request: Request) -> Response:
        query = ChecklistQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        on = values.get("date") or timezone.localdate()
        place = local_checks.checklist_place(
            request.user, on=on, township_id=values.get("township"), county_id=values.get("county")
        )
        items = local_checks.items_in_force(on=on, township_id=place["township"], county_id=place["county"])
        return Response(local_checks.checklist(on=on, items=items))


@extend_schema_view(
    list=extend_schema(parameters=[LocalCheckFilters], summary="本地检查项 / local check items"),
    retrieve=extend_schema(summary="本地检查项 / a local check item"),
    create=extend_schema(
        request=LocalCheckCreateSerializer,
        responses={201: LocalCheckSerializer, 400: ERRORS_400, 403: ERRORS_403},
        summary="添加本地检查项 / add a local check item (township: its township; county: county-wide)",
    ),
)
class LocalCheckViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    roles = {"list": OFFICES, "retrieve": OFFICES, "create": KEEPERS, "retire": KEEPERS}
    serializer_class = LocalCheckSerializer
    queryset = LocalCheck.objects.none()  # only names the model for the schema; get_queryset decides
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        filters = validated_filters(LocalCheckFilters, self.request) if self.action == "list" else {}
        return local_checks.local_check_list(user=self.request.user, filters=filters)

    def get_object(self) -> LocalCheck:
        return local_checks.local_check_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def create(self, request: Request) -> Response:
        body = LocalCheckCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        item = services.local_check_create(
            by=request.user,
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            options=[dict(option) for option in data["values"]],
            starts_on=data["starts_on"],
            retired_on=data["retired_on"],
        )
        fresh = local_checks.local_check_get(user=request.user, pk=item.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=LocalCheckRetireSerializer,
        responses={200: LocalCheckSerializer, 400: ERRORS_400, 403: ERRORS_403, 404: ERRORS_404},
        summary="停用本地检查项 / retire a local check item from a day on",
    )
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk=None) -> Response:
        item = self.get_object()
        if not services.may_manage(request.user, item):
            # Visible (a county-wide item to a township, a township's to its county) but kept by another office.
            raise PermissionDenied(_("只有添加该检查项的河长办可以停用它。"))
        body = LocalCheckRetireSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.local_check_retire(item=item, by=request.user, **body.validated_data)
        fresh = local_checks.local_check_get(user=request.user, pk=item.pk)
        return Response(self.get_serializer(fresh).data)


checklist = ChecklistView.as_view()
