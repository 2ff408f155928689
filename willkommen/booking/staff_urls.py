"""Staff pages of this app, under /staff/. Every view is guarded by `policy.requires`."""

from django.urls import path

from . import staff_views as views

app_name = "booking_staff"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("export.csv", views.export, name="export"),
    path("appointments/<int:appointment_id>/status/", views.set_status, name="set_status"),
]
