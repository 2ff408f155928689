"""Public pages of this app (no login): the client's booking flow under /book/."""

from django.urls import path

from .views import elsewhere, flow, lost_link, manage, office_lookup

app_name = "booking"
urlpatterns = [
    path("", flow.start, name="start"),
    path("concern/<int:service_id>/", flow.service_page, name="service"),
    path("concern/<int:service_id>/time/", flow.choose, name="choose"),
    path("details/", flow.details, name="details"),
    path("external/", elsewhere.external, name="external"),
    path(
        "office-appointment/", office_lookup.office_appointment, name="office_appointment"
    ),
    path("lost-link/", lost_link.lost_link_page, name="lost_link"),
    path("lost-link/sent/", lost_link.lost_link_sent, name="lost_link_sent"),
    path("done/<str:code>/", manage.done, name="done"),
    path("confirm/<str:code>/", manage.confirm, name="confirm"),
    path("manage/<str:code>/", manage.manage, name="manage"),
    path("manage/<str:code>/cancel/", manage.cancel, name="cancel"),
    path("manage/<str:code>/move/", manage.move, name="move"),
    path(
        "manage/<str:code>/move-consultation/",
        manage.move_consultation,
        name="move_consultation",
    ),
    path("manage/<str:code>/calendar.ics", manage.calendar_file, name="calendar"),
]
