from django.urls import path

from staffing import views

urlpatterns = [
    path("report/", views.staffing_report, name="staffing-report"),
    path("report.xlsx", views.staffing_report_xlsx, name="staffing-report-xlsx"),
    # The roster pages (issue 3).
    path("patrollers/", views.roster_list, name="roster-list"),
    path("patrollers.xlsx", views.roster_xlsx, name="roster-xlsx"),
    path("patrollers/new/", views.patroller_create, name="patroller-create"),
    path("patrollers/<int:pk>/", views.patroller_detail, name="patroller-detail"),
    path("patrollers/<int:pk>/contract/", views.patroller_contract, name="patroller-contract"),
    path("patrollers/<int:pk>/resign/", views.patroller_resign, name="patroller-resign"),
    path("vacancies/", views.vacancy_list, name="vacancy-list"),
    path("vacancies/open-below-standard/", views.vacancy_open_below_standard, name="vacancy-open-below-standard"),
    path("vacancies/<int:pk>/", views.vacancy_detail, name="vacancy-detail"),
    path("vacancies/<int:pk>/applicants/", views.vacancy_applicant_add, name="vacancy-applicant-add"),
    path("vacancies/<int:pk>/scores/", views.vacancy_applicant_score, name="vacancy-applicant-score"),
    path("vacancies/<int:pk>/hire/<int:applicant_pk>/", views.vacancy_hire, name="vacancy-hire"),
    path("roster/", views.roster_changes, name="roster-changes"),
    path("roster/file/", views.roster_file, name="roster-file"),
    path("roster/filings/<int:pk>.xlsx", views.roster_filing_download, name="roster-filing-download"),
]
