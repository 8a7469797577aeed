"""What the roster endpoints share: who reads and who hires, the error responses of the schema, a validated body."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework.request import Request

from accounts.models import Role
from accounts.permissions import OFFICES
from config.api import ErrorsSerializer

ROSTER_READERS = OFFICES | {Role.VILLAGE_CHIEF, Role.PATROLLER}
HIRING_OFFICES = frozenset({Role.TOWNSHIP_OFFICE, Role.COUNTY_OFFICE})
ERRORS_400 = OpenApiResponse(ErrorsSerializer, description="校验失败 / validation failed")
ERRORS_403 = OpenApiResponse(ErrorsSerializer, description="角色或管理关系不允许 / not the managing office")


def request_body(serializer_class, request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
