"""Staff pages of this app, under /staff/walkins/. Every view is guarded by `policy.requires`."""

from django.urls import path

from . import staff_views as views

app_name = "walkins_staff"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.intake, name="intake"),
    path("call-next/", views.call_next, name="call_next"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/call/", views.ticket_call, name="ticket_call"),
    path("tickets/<int:pk>/recall/", views.ticket_recall, name="ticket_recall"),
    path("tickets/<int:pk>/start/", views.ticket_start, name="ticket_start"),
    path("tickets/<int:pk>/finish/", views.ticket_finish, name="ticket_finish"),
    path("tickets/<int:pk>/left/", views.ticket_left, name="ticket_left"),
    path("tickets/<int:pk>/hold/", views.ticket_hold, name="ticket_hold"),
    path("tickets/<int:pk>/resume/", views.ticket_resume, name="ticket_resume"),
]
