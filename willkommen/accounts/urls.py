from django.urls import path

from . import oidc_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("login/oidc/", oidc_views.oidc_login, name="oidc_login"),
    path("login/oidc/callback/", oidc_views.oidc_callback, name="oidc_callback"),
    path("logout/", views.StaffLogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("staff-changes/", views.staff_changes_list, name="staff_changes"),
    path(
        "staff-changes/<int:pk>/approve/", views.approve_staff_change, name="approve_staff_change"
    ),
    path("staff-changes/<int:pk>/reject/", views.reject_staff_change, name="reject_staff_change"),
]
