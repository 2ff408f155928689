"""Public pages of this app (no login)."""

from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.offer_search, name="search"),
    path("<int:pk>/", views.offer_detail, name="detail"),
]
