from django.urls import path

from staffing import views

urlpatterns = [
    path("report/", views.staffing_report, name="staffing-report"),
    path("report.xlsx", views.staffing_report_xlsx, name="staffing-report-xlsx"),
]
