from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts.api import LogoutView, MeView, TokenLoginView
from rivers.api import SegmentViewSet, WaterBodyViewSet
from staffing.api import StaffingReportView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("water-bodies", WaterBodyViewSet, basename="water-body")
router.register("segments", SegmentViewSet, basename="segment")

api_v1 = [
    path("auth/token/", TokenLoginView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("me/", MeView.as_view(), name="me"),
    path("staffing/", StaffingReportView.as_view(), name="staffing"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    *router.urls,
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("", include("rivers.urls")),
    path("staffing/", include("staffing.urls")),
]

# Unknown /api/ paths and server errors answer phones in the API error shape (config/api.py).
handler404 = "config.api.not_found"
handler500 = "config.api.server_error"
