"""API plumbing shared by every app: pagination and the error shape of API.md."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "conflict"
    default_code = "conflict"


def exception_handler(exc, context):
    """Every error leaves the API as {"errors": {field: [messages]}} (non_field_errors for the whole)."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到，或不在您的管辖范围内。"))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

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
    if isinstance(errors, dict):
        return {key: value if isinstance(value, (list, dict)) else [value] for key, value in errors.items()}
    return {"non_field_errors": errors if isinstance(errors, list) else [errors]}
