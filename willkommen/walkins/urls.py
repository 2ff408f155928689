"""Public pages of this app (no login), mounted at /ticket/."""

from django.urls import path

from . import views

app_name = "walkins"
urlpatterns = [
    path("display/<int:location_id>/", views.display, name="display"),
    path("<str:token>/", views.ticket_page, name="ticket"),
]
