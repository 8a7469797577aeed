from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.urls import api_urlpatterns as accounts_api_urls
from assessments.urls import api_urlpatterns as assessments_api_urls
from overview import views as overview_views
from overview.urls import api_urlpatterns as overview_api_urls
from patrol.urls import api_urlpatterns as patrol_api_urls
from patrol.urls import mobile_urlpatterns
from rivers.urls import api_urlpatterns as rivers_api_urls
from staffing import views as staffing_views
from staffing.urls import api_urlpatterns as staffing_api_urls

# Every app lists its API routes in its urls.py (`api_urlpatterns`, viewsets on the app's own router); here they
# are only put together under /api/v1/, with the schema and its documentation page.
api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves the page's script as a file of its own: no inline script (Content-Security-Policy).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    *accounts_api_urls,
    *rivers_api_urls,
    *staffing_api_urls,
    *patrol_api_urls,
    *assessments_api_urls,
    *overview_api_urls,
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
