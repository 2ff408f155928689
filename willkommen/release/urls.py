"""Public pages of the fair release (no login), under /release/."""

from django.urls import path

from . import views

app_name = "release"
urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("<int:round_id>/", views.round_page, name="round"),
    path("<int:round_id>/order.csv", views.order_file, name="order_file"),
    path("<int:round_id>/request/", views.request_form, name="request"),
    path("request/<str:number>/", views.status, name="status"),
    path("request/<str:number>/confirm/", views.confirm, name="confirm"),
    path("request/<str:number>/withdraw/", views.withdraw, name="withdraw"),
]
