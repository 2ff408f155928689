"""Public pages of this app (no login): the client's booking flow under /book/."""

from django.urls import path

from . import views

app_name = "booking"
urlpatterns = [
    path("", views.start, name="start"),
    path("concern/<int:service_id>/", views.service_page, name="service"),
    path("concern/<int:service_id>/hold/", views.hold, name="hold"),
    path("details/", views.details, name="details"),
    path("external/", views.external, name="external"),
    path("done/<str:code>/", views.done, name="done"),
    path("confirm/<str:code>/", views.confirm, name="confirm"),
    path("manage/<str:code>/", views.manage, name="manage"),
    path("manage/<str:code>/cancel/", views.cancel, name="cancel"),
    path("manage/<str:code>/move/", views.move, name="move"),
    path(
        "manage/<str:code>/move-consultation/",
        views.move_consultation,
        name="move_consultation",
    ),
    path("manage/<str:code>/calendar.ics", views.calendar_file, name="calendar"),
]
