"""The benchmarks' baseline (bench/ingest.py, bench/load.py): the cheapest authenticated API answer the stack can
give — knox token authentication, DRF's view and JSON renderer and every middleware — with none of the project's
own queries. Served at `/api/v1/_bench/ok/` only when `BENCH_ENDPOINTS=1` (settings); never in the schema."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import TokenAuthentication


@extend_schema(exclude=True)
class BenchOkView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})
