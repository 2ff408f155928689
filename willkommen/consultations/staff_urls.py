"""Staff pages of this app, under /staff/consultations/. Every view is guarded by the
policy module (``policy.requires`` or ``twofactor.case_content_view``)."""

from django.urls import path

from . import staff_views as views

app_name = "consultations_staff"
urlpatterns = [
    path("", views.day, name="day"),
    path("bookings/<int:pk>/start/", views.booking_start, name="booking_start"),
    path("bookings/<int:pk>/no-show/", views.booking_no_show, name="booking_no_show"),
    path("bookings/<int:pk>/take-over/", views.booking_take_over, name="booking_take_over"),
    path("records/<int:pk>/", views.record, name="record"),
    path("records/<int:pk>/document/", views.document, name="document"),
    path("records/<int:pk>/start/", views.start, name="start"),
    path("records/<int:pk>/finish/", views.finish, name="finish"),
    path("records/<int:pk>/no-show/", views.no_show, name="no_show"),
    path("records/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("clients/", views.client_search, name="client_search"),
    path("clients/<int:pk>/", views.client, name="client"),
    path("clients/<int:pk>/export/", views.client_export, name="client_export"),
    path("clients/<int:pk>/erase/", views.client_erase, name="client_erase"),
    path("audit/", views.audit_log, name="audit_log"),
    path("second-factor/", views.otp_verify, name="otp_verify"),
    path("second-factor/setup/", views.otp_setup, name="otp_setup"),
]
