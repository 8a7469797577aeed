from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import LogoutView, MeView, TokenLoginView
from assessments.urls import api_urlpatterns as assessments_api_urls
from patrol.api_problems import ProblemReportViewSet
from patrol.urls import api_urlpatterns as patrol_api_urls
from rivers.api import SegmentViewSet, WaterBodyViewSet
from staffing.api import (
    PatrollerViewSet,
    RosterChangeViewSet,
    RosterFilingViewSet,
    StaffingReportView,
    VacancyViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("water-bodies", WaterBodyViewSet, basename="water-body")
router.register("segments", SegmentViewSet, basename="segment")
router.register("patrollers", PatrollerViewSet, basename="patroller")
router.register("vacancies", VacancyViewSet, basename="vacancy")
router.register("roster-changes", RosterChangeViewSet, basename="roster-change")
router.register("roster-filings", RosterFilingViewSet, basename="roster-filing")
router.register("problem-reports", ProblemReportViewSet, basename="problem-report")

api_v1 = [
    path("auth/token/", TokenLoginView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("me/", MeView.as_view(), name="me"),
    path("staffing/", StaffingReportView.as_view(), name="staffing"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves the page's script as a file of its own: no inline script (Content-Security-Policy).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    *patrol_api_urls,
    *assessments_api_urls,
    *router.urls,
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("", include("rivers.urls")),
    path("staffing/", include("staffing.urls")),
    path("patrol/", include("patrol.urls")),
    path("assessments/", include("assessments.page_urls")),
]

# Unknown /api/ paths and server errors answer phones in the API error shape (config/api.py).
handler404 = "config.api.not_found"
handler500 = "config.api.server_error"
