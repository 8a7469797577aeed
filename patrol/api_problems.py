"""Problem reports API: `GET /api/v1/problem-reports/` (+ detail) and the office's transitions
`POST /api/v1/problem-reports/{id}/{accept|assign|resolve|close|reopen}/` (see patrol/problems.py).

Reading: offices by place, the reporting patroller their own; other roles 403. Acting: the township office of the
report's township and the county office above it; other roles 403, a report outside scope 404, a transition the
report's status does not allow 400 (`errors.status`).
"""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from accounts.permissions import OFFICES
from config.api import ErrorsSerializer, id_filter
from patrol import problems, rules
from patrol.models import Photo, ProblemEvent, ProblemReport
from rivers.api import validated_filters

READERS = OFFICES | {Role.PATROLLER}
HANDLERS = problems.HANDLING_ROLES


def thumbnail_url(photo: Photo) -> str | None:
    """The protected thumbnail (answers only to users who may see the log); None before that route exists."""
    try:
        return reverse("patrol-photo-thumbnail", kwargs={"pk": photo.pk})
    except NoReverseMatch:
        return None


class ProblemPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    check = serializers.CharField(source="check_code")
    taken_at = serializers.DateTimeField(allow_null=True)
    flags = serializers.ListField(child=serializers.CharField())
    thumbnail_url = serializers.SerializerMethodField()

    def get_thumbnail_url(self, photo: Photo) -> str | None:
        url = thumbnail_url(photo)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if url and request is not None else url


class ProblemEventSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()

    class Meta:
        model = ProblemEvent
        fields = ["from_status", "to_status", "by", "at", "note"]

    def get_by(self, event: ProblemEvent) -> str | None:
        return str(event.by) if event.by_id else None


class ProblemReportSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display")
    status_label = serializers.CharField(source="get_status_display")
    date = serializers.DateField(source="log.date", help_text=_("发现问题的巡查日期"))
    patroller = serializers.IntegerField(source="log.patroller_id")
    patroller_name = serializers.CharField(source="log.patroller.name")
    segment_name = serializers.CharField(source="segment.name")
    water_body = serializers.CharField(source="segment.water_body.name")
    township_name = serializers.CharField(source="township.name")
    overdue = serializers.SerializerMethodField(help_text=_("已过办理期限且尚未处理或办结"))
    actions = serializers.SerializerMethodField(help_text=_("当前状态下可执行的办理操作"))
    photos = serializers.SerializerMethodField()
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
            "latitude",
            "longitude",
            "status",
            "status_label",
            "deadline",
            "assignee",
            "resolution_note",
            "overdue",
            "actions",
            "photos",
            "events",
            "created_at",
            "updated_at",
        ]

    def get_overdue(self, report: ProblemReport) -> bool:
        return problems.is_overdue(status=report.status, deadline=report.deadline, today=self.context["today"])

    def get_actions(self, report: ProblemReport) -> list[str]:
        return problems.actions_from(report.status)

    @extend_schema_field_photos := None  # noqa: F841 - placeholder removed below
    def get_photos(self, report: ProblemReport) -> list[dict]:
        return ProblemPhotoSerializer(problems.report_photos(report), many=True, context=self.context).data
