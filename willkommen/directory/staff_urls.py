"""Staff pages of this app, under /staff/. Every view is guarded by `policy.requires`."""

from django.urls import path

from . import staff_views as views

app_name = "directory_staff"
urlpatterns = [
    path("", views.offer_list, name="list"),
    path("new/", views.offer_create, name="create"),
    path("<int:pk>/", views.offer_edit, name="edit"),
    path("<int:pk>/active/", views.offer_set_active, name="set_active"),
    path("<int:pk>/history/", views.offer_history, name="history"),
    path("import/", views.offer_import, name="import"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
    path("referral-sheet/", views.referral_sheet, name="referral_sheet"),
]
