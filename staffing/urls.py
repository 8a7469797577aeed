"""Routes of the staffing app: the pages, mounted under /staffing/ by config/urls.py, and `api_urlpatterns`,
mounted under /api/v1/."""

from django.urls import path

from config import web  # noqa: F401 (registers the <id:…> path converter)
from config.api import viewset_routes
from staffing import views
from staffing.api import (
    MeView,
    PatrollerViewSet,
    RosterChangeViewSet,
    RosterFilingViewSet,
    SegmentViewSet,
    StaffingReportView,
    VacancyViewSet,
)

urlpatterns = [
    path("report/", views.staffing_report, name="staffing-report"),
    path("report.xlsx", views.staffing_report_xlsx, name="staffing-report-xlsx"),
    # The roster pages.
    path("patrollers/", views.roster_list, name="staffing-roster"),
    path("patrollers.xlsx", views.roster_xlsx, name="staffing-roster-xlsx"),
    path("patrollers/new/", views.patroller_create, name="staffing-patroller-new"),
    path("patrollers/<id:pk>/", views.patroller_detail, name="staffing-patroller"),
    path("patrollers/<id:pk>/contract/", views.patroller_contract, name="staffing-patroller-contract"),
    path("patrollers/<id:pk>/resign/", views.patroller_resign, name="staffing-patroller-resign"),
    path("patrollers/<id:pk>/devices/revoke/", views.patroller_revoke_devices, name="staffing-patroller-revoke"),
    path("vacancies/", views.vacancy_list, name="staffing-vacancies"),
    path("vacancies/open-below-standard/", views.vacancy_open_below_standard, name="staffing-vacancies-open"),
    path("vacancies/<id:pk>/", views.vacancy_detail, name="staffing-vacancy"),
    path("vacancies/<id:pk>/applicants/", views.vacancy_applicant_add, name="staffing-vacancy-applicant-add"),
    path("vacancies/<id:pk>/scores/", views.vacancy_applicant_score, name="staffing-vacancy-score"),
    path("vacancies/<id:pk>/hire/<id:applicant_pk>/", views.vacancy_hire, name="staffing-vacancy-hire"),
    path("roster/", views.roster_changes, name="staffing-roster-changes"),
    path("roster/file/", views.roster_file, name="staffing-roster-file"),
    path("roster/filings/<id:pk>.xlsx", views.roster_filing_download, name="staffing-roster-filing-xlsx"),
]

routes = viewset_routes(
    ("segments", SegmentViewSet, "segment"),
    ("patrollers", PatrollerViewSet, "patroller"),
    ("vacancies", VacancyViewSet, "vacancy"),
    ("roster-changes", RosterChangeViewSet, "roster-change"),
    ("roster-filings", RosterFilingViewSet, "roster-filing"),
)

api_urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("staffing/", StaffingReportView.as_view(), name="staffing"),
    *routes,
]
