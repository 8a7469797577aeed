from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import LogoutAllView, LogoutView, TokenLoginView
from assessments.urls import api_urlpatterns as assessments_api_urls
from overview import views as overview_views
from overview.urls import api_urlpatterns as overview_api_urls
from patrol.api_local_checks import LocalCheckViewSet
from patrol.api_problems import ProblemReportViewSet
from patrol.urls import api_urlpatterns as patrol_api_urls
from patrol.urls import mobile_urlpatterns
from rivers.api import WaterBodyViewSet
from staffing import views as staffing_views
from staffing.api import (
    MeView,
    PatrollerViewSet,
    RosterChangeViewSet,
    RosterFilingViewSet,
    SegmentViewSet,
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
router.register("local-checks", LocalCheckViewSet, basename="local-check")

api_v1 = [
    path("auth/token/", TokenLoginView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", LogoutAllView.as_view(), name="auth-logout-all"),
    path("me/", MeView.as_view(), name="me"),
    path("staffing/", StaffingReportView.as_view(), name="staffing"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves the page's script as a file of its own: no inline script (Content-Security-Policy).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    *patrol_api_urls,
    *assessments_api_urls,
    *overview_api_urls,
    *router.urls,
]
if settings.BENCH_ENDPOINTS:  # the benchmarks' baseline (config/bench.py); off unless BENCH_ENDPOINTS=1
    from config.bench import BenchOkView

    api_v1.append(path("_bench/ok/", BenchOkView.as_view(), name="bench-ok"))

urlpatterns = [
    path("api/v1/", include(api_v1)),
    # One's own password is changed on the account page, through accounts.services (every device signed out),
    # also from the admin's "change password" link.
    path("admin/password_change/", RedirectView.as_view(pattern_name="account"), name="admin-own-password"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("", overview_views.home, name="home"),
    path("register/", staffing_views.register, name="register"),
    path("staffing/", include("staffing.urls")),
    path("patrol/", include("patrol.urls")),
    path("m/", include(mobile_urlpatterns)),
    path("assessments/", include("assessments.page_urls")),
    path("overview/", include("overview.urls")),
]

# Unknown /api/ paths and server errors answer phones in the API error shape (config/api.py).
handler400 = "config.api.bad_request"
handler404 = "config.api.not_found"
handler500 = "config.api.server_error"
