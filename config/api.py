"""API plumbing shared by every app: pagination, filter fields, the sync cursor and the error shape of API.md."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import DefaultRouter
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.scope import MAX_ID
from config import limits


def viewset_routes(*routes: tuple[str, type, str]) -> list:
    """The URL patterns of an app's viewsets, each given as (prefix, viewset, basename): every app's `urls.py` lists
    them in its `api_urlpatterns`, which config/urls.py mounts under /api/v1/ (no browsable root view)."""
    router = DefaultRouter(trailing_slash=True)
    router.include_root_view = False
    for prefix, viewset, basename in routes:
        router.register(prefix, viewset, basename=basename)
    return router.urls


class Pagination(PageNumberPagination):
    """`?page_size=` up to 500 (API.md); a larger number is capped, an invalid one gives the default."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "conflict"
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "payload too large"
    default_code = "payload_too_large"


class RequestRefused(exceptions.APIException):
    """A request-size limit Django enforced while reading (config.limits.reading_error), with its own status."""

    def __init__(self, status_code: int, message: str) -> None:
        self.status_code = status_code
        super().__init__(message)


class ErrorsSerializer(serializers.Serializer):
    """The error shape of API.md, for the OpenAPI schema: `{"errors": {field: [message, …]}}`."""

    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class UUIDStringField(serializers.UUIDField):
    """A `*_uuid` field (API.md): a UUID written as a string. DRF's UUIDField also turns a JSON number into a UUID
    (123 → 00000000-0000-0000-0000-00000000007b), which would store a phone's bug as a valid id; any other type
    is a 400 here."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class IdFilterField(serializers.IntegerField):
    """DRF reads any script's digits as a number ("１２" → 12); an id is ASCII digits (config/web.py)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


def id_filter(label: str) -> serializers.IntegerField:
    """A query parameter naming an object by id: anything but a positive integer in range is a 400."""
    return IdFilterField(required=False, min_value=1, max_value=MAX_ID, label=label)


class SyncFilters(serializers.Serializer):
    """`?updated_since=` and `?after_id=` of every list phones sync (API.md: ordered by updated_at, id).

    A bulk update stamps many rows with one time, and a page may end among them: resuming strictly after the last
    row's time would skip the rest. The pair (updated_since, after_id) is a cursor over the sync order that resumes
    right after the last row received. Subclasses that validate more call `super().validate(attrs)`.
    """

    updated_since = serializers.DateTimeField(
        required=False,
        label=gettext_lazy("更新时间晚于"),
        help_text=gettext_lazy("只列出此时间之后更新的记录，按更新时间、编号排序。"),
    )
    after_id = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_ID,
        label=gettext_lazy("续传起点编号"),
        help_text=gettext_lazy(
            "与 updated_since 一起使用：另列出更新时间恰为 updated_since、编号大于此值的记录。"
            "分页同步时传入上次收到的最后一条记录的 updated_at 和 id，同一时间更新的记录不会遗漏。"
        ),
    )

    def validate(self, attrs: dict) -> dict:
        if attrs.get("after_id") is not None and attrs.get("updated_since") is None:
            raise serializers.ValidationError({"after_id": [_("after_id 只能与 updated_since 一起使用。")]})
        return attrs


def updated_after(filters: Mapping) -> Q:
    """The rows after the sync cursor of `SyncFilters` in the order (updated_at, id): changed strictly after
    `updated_since`, or, given `after_id`, also changed at that very time with a greater id.

    Written as `updated_at >= t AND (updated_at > t OR id > after_id)` rather than the equivalent
    `updated_at > t OR (updated_at = t AND id > after_id)`: the leading range lets SQLite and PostgreSQL walk the
    (updated_at, id) index of each synced table in list order instead of merging two scans and sorting.
    """
    since, after_id = filters["updated_since"], filters.get("after_id")
    if after_id is None:
        return Q(updated_at__gt=since)
    return Q(updated_at__gte=since) & (Q(updated_at__gt=since) | Q(pk__gt=after_id))


def exception_handler(exc, context):
    """Every error leaves the API as {"errors": {field: [messages]}} (non_field_errors for the whole)."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到，或不在您的管辖范围内。"))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif (refused := limits.reading_error(exc)) is not None:
        exc = RequestRefused(*refused)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, (exceptions.ValidationError, Conflict)) and isinstance(data, dict):
        errors = data
    elif isinstance(data, list):
        errors = {"non_field_errors": data}
    elif isinstance(data, dict) and "detail" in data:
        errors = {"non_field_errors": [data["detail"]]}
    else:
        errors = data
    response.data = {"errors": _as_lists(errors)}
    return response


def _as_lists(errors):
    """{field: [message, …]} whatever the shape raised: a list field's item errors ({0: [...]}) and a nested
    object's field errors ({"part": [...]}) become messages of the field that name the item or part."""
    if isinstance(errors, dict):
        return {str(key): _messages(value) for key, value in errors.items()}
    return {"non_field_errors": _messages(errors)}


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [
            _("第%(number)d项：%(message)s") % {"number": key + 1, "message": message}
            if isinstance(key, int)  # a position in a list (ListField, many=True)
            else _("%(field)s：%(message)s") % {"field": key, "message": message}
            for key, item in value.items()
            for message in _messages(item)
        ]
    if isinstance(value, list | tuple):
        if any(isinstance(item, dict | list) for item in value):
            # A list of objects (many=True): errors of item i, empty for the items that are right.
            return _messages({index: item for index, item in enumerate(value) if item})
        return [str(item) for item in value]
    return [str(value)]


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400 (Django's answer to a SuspiciousOperation raised outside DRF's views): the API error shape for
    /api/ paths, with 413 for a body over the limit; pages keep the HTML page."""
    refused = limits.reading_error(exception)
    if _is_api(request):
        status_code, message = refused or (400, _("请求无效。"))
        return limits.error_response(request, status_code, message)
    if refused is not None:
        return limits.error_response(request, *refused)
    return defaults.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: an unknown /api/ path answers in the API error shape; pages keep the HTML page."""
    if _is_api(request):
        return JsonResponse({"errors": {"non_field_errors": [_("未找到，或不在您的管辖范围内。")]}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a phone gets the API error shape even for a bug; pages keep the HTML page."""
    if _is_api(request):
        return JsonResponse({"errors": {"non_field_errors": [_("服务器内部错误，请稍后再试。")]}}, status=500)
    return defaults.server_error(request)
