"""Staff pages of this app, under /staff/. Every view is guarded by `policy.requires`."""

from django.urls import path

from . import staff_overview
from . import staff_views as views

app_name = "scheduling_staff"
urlpatterns = [
    path("", staff_overview.overview, name="overview"),
    path("locations/", views.location_list, name="locations"),
    path("locations/<int:location_id>/", views.location_detail, name="location"),
    path(
        "locations/<int:location_id>/hours/add/",
        views.opening_hours_add,
        name="opening_hours_add",
    ),
    path(
        "locations/<int:location_id>/hours/<int:pk>/",
        views.opening_hours_edit,
        name="opening_hours_edit",
    ),
    path(
        "locations/<int:location_id>/hours/<int:pk>/delete/",
        views.opening_hours_delete,
        name="opening_hours_delete",
    ),
    path(
        "locations/<int:location_id>/closing-days/add/",
        views.closing_day_add,
        name="closing_day_add",
    ),
    path(
        "locations/<int:location_id>/closing-days/<int:pk>/delete/",
        views.closing_day_delete,
        name="closing_day_delete",
    ),
    path("locations/<int:location_id>/desks/add/", views.desk_add, name="desk_add"),
    path("locations/<int:location_id>/desks/<int:pk>/", views.desk_edit, name="desk_edit"),
    path("locations/<int:location_id>/rules/", views.schedule_edit, name="schedule_edit"),
    path("shifts/", views.counsellor_list, name="counsellors"),
    path("shifts/<int:counsellor_id>/", views.counsellor_shifts, name="counsellor_shifts"),
    path("shifts/<int:counsellor_id>/add/", views.shift_add, name="shift_add"),
    path("shifts/<int:counsellor_id>/<int:pk>/", views.shift_edit, name="shift_edit"),
    path("shifts/<int:counsellor_id>/<int:pk>/delete/", views.shift_delete, name="shift_delete"),
    path(
        "shifts/<int:counsellor_id>/exceptions/add/",
        views.exception_add,
        name="exception_add",
    ),
    path(
        "shifts/<int:counsellor_id>/exceptions/<int:pk>/delete/",
        views.exception_delete,
        name="exception_delete",
    ),
]
