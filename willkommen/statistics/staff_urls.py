"""Staff pages of this app, under /staff/. Every view is guarded by `policy.requires`."""

from django.urls import path

from . import views

app_name = "statistics_staff"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("report/", views.report, name="report"),
    path("organisation/", views.organisation_dashboard, name="organisation_dashboard"),
    path("organisation/export.csv", views.organisation_export_csv, name="organisation_export_csv"),
    path(
        "organisation/export.xlsx", views.organisation_export_xlsx, name="organisation_export_xlsx"
    ),
    path("organisation/report/", views.organisation_report, name="organisation_report"),
]
