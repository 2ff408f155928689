"""Staff pages of the fair release, under /staff/release/. Every view is guarded by
`policy.requires`."""

from django.urls import path

from . import staff_views as views

app_name = "release_staff"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/edit/", views.round_edit, name="round_edit"),
]
