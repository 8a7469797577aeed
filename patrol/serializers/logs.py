"""API shapes of patrol logs (API.md); a log's photos are shown as patrol.serializers.photos has them. Input is
a plain Serializer: a ModelSerializer would add a unique validator on client_uuid and answer a replay with 400, where
API.md wants the stored log with 200. Validation beyond types lives in patrol.rules / patrol.services, once."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.scope import MAX_ID
from config.api import SyncFilters, UUIDStringField, id_filter
from patrol import rules
from patrol.models import PatrolLog
from patrol.serializers.photos import PhotoSerializer

# --- input ------------------------------------------------------------------------------------------------------


class TrackPointSerializer(serializers.Serializer):
    """One GPS fix (documentation of the `track` items; the rules read them)."""

    t = serializers.DateTimeField(help_text=_("定位时间，ISO 8601，带时区"))
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text=_("纬度(WGS84)"))
    lng = serializers.FloatField(min_value=-180, max_value=180, help_text=_("经度(WGS84)"))
    acc = serializers.FloatField(min_value=0, help_text=_("精度(米)"))


@extend_schema_field(TrackPointSerializer(many=True))
class TrackField(serializers.JSONField):
    """The raw track: patrol.rules.parse_track checks every point and names the one that is wrong."""

    def to_internal_value(self, data: Any) -> Any:
        # A JSON body is JSON already: DRF's check (dumping it again) would cost ~20 ms on a 20 000-point track.
        # A form field's text is read as JSON as DRF reads it.
        if getattr(data, "is_json_string", False):
            return super().to_internal_value(data)
        return data


@extend_schema_field(
    {
        "type": "object",
        "properties": {code: {"type": "string", "enum": list(values)} for code, (_, values) in rules.CHECKS.items()},
        "required": list(rules.CHECKS),
    }
)
class ChecksField(serializers.JSONField):
    """{check code: value} for the seven checks; patrol.rules.check_problems checks the vocabulary."""


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "本地检查项(第八条)的回答 {编码: 结果}，该日期该河段适用的每一项都要回答 / "
        "answers to the local check items (第八条) in force on the log's date for its segment, {code: value}: "
        "every such item, with a value of its list (GET /api/v1/checklist/)",
    }
)
class LocalChecksField(serializers.JSONField):
    """{local item code: value}; patrol.services.logs._local_checks checks it against the items in force."""


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": rules.ACTION_CODES}})
class ActionsField(serializers.JSONField):
    """Action codes; patrol.rules.normalize_actions checks the vocabulary."""


class PatrolLogInputSerializer(serializers.Serializer):
    """The body of `POST /api/v1/patrol-logs/` (API.md)."""

    client_uuid = UUIDStringField(label=_("客户端编号"))
    date = serializers.DateField(label=_("巡查日期"))
    started_at = serializers.DateTimeField(label=_("开始时间"))
    ended_at = serializers.DateTimeField(label=_("结束时间"))
    segment = serializers.IntegerField(min_value=1, max_value=MAX_ID, label=_("河段"))
    checks = ChecksField(label=_("检查结果"))
    local_checks = LocalChecksField(required=False, default=dict, label=_("本地检查结果"))
    actions = ActionsField(required=False, default=list, label=_("处置措施"))
    notes = serializers.CharField(required=False, allow_blank=True, default="", label=_("备注"))
    track = TrackField(required=False, default=list, label=_("轨迹"))


# --- output -----------------------------------------------------------------------------------------------------


class PatrolLogSerializer(serializers.ModelSerializer):
    """A stored log (API.md) plus the names a list needs to be readable."""

    patroller_name = serializers.CharField(source="patroller.name", read_only=True)
    segment_name = serializers.CharField(source="segment.name", read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    coverage = serializers.FloatField(read_only=True, allow_null=True)
    local_checks = LocalChecksField(read_only=True)

    class Meta:
        model = PatrolLog
        fields = [
            "id",
            "client_uuid",
            "patroller",
            "patroller_name",
            "segment",
            "segment_name",
            "date",
            "started_at",
            "ended_at",
            "checks",
            "local_checks",
            "actions",
            "notes",
            "coverage",
            "photos",
            "flags",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# The same field classes PatrolLogSerializer uses, so that the formats (time zone, "Z") cannot drift apart.
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


def patrol_log_answer(log: PatrolLog, *, new: bool, request=None) -> dict[str, Any]:
    """`PatrolLogSerializer(log).data` built directly, for the submission endpoint that every phone calls after
    every patrol: a ModelSerializer builds its fields anew for each answer. A new log has no photos yet, so
    there is nothing to query; a replay shows the photos stored since. Kept equal to the serializer by
    tests/patrol/test_log_answer.py (the serializer also documents the answer in the OpenAPI schema)."""
    photos = [] if new else PhotoSerializer(log.photos.all(), many=True, context={"request": request}).data
    return {
        "id": log.pk,
        "client_uuid": str(log.client_uuid),
        "patroller": log.patroller_id,
        "patroller_name": str(log.patroller.name),
        "segment": log.segment_id,
        "segment_name": str(log.segment.name),
        "date": _DATE.to_representation(log.date),
        "started_at": _DATETIME.to_representation(log.started_at),
        "ended_at": _DATETIME.to_representation(log.ended_at),
        "checks": log.checks,
        "local_checks": log.local_checks,
        "actions": log.actions,
        "notes": str(log.notes),
        "coverage": None if log.coverage is None else float(log.coverage),
        "photos": photos,
        "flags": log.flags,
        "created_at": _DATETIME.to_representation(log.created_at),
        "updated_at": _DATETIME.to_representation(log.updated_at),
    }


class PatrolLogDetailSerializer(PatrolLogSerializer):
    """One log with its GPS track (left out of lists, where a page of tracks would weigh megabytes)."""

    track = serializers.JSONField(read_only=True)

    class Meta(PatrolLogSerializer.Meta):
        fields = [*PatrolLogSerializer.Meta.fields, "track"]
        read_only_fields = fields


class PatrolLogFilters(SyncFilters):
    """Query parameters of `GET /api/v1/patrol-logs/`."""

    patroller = id_filter(_("巡察员"))
    segment = id_filter(_("河段"))
    township = id_filter(_("乡镇(街道)"))
    county = id_filter(_("县(市、区)"))
    date_from = serializers.DateField(required=False, label=_("起始日期"))
    date_to = serializers.DateField(required=False, label=_("截止日期"))
    flag = serializers.ChoiceField(choices=list(rules.LOG_FLAGS), required=False, label=_("核查标记"))

    def validate(self, attrs: dict) -> dict:
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": [_("截止日期不能早于起始日期。")]})
        return super().validate(attrs)
