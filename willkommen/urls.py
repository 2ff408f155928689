from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from willkommen.api import api, api_not_found
from willkommen.observability.metrics import metrics, welcome_service_metrics
from willkommen.pages.views import healthz

STAFF_APPS = [
    "scheduling",
    "booking",
    "release",
    "walkins",
    "consultations",
    "directory",
    "statistics",
]

urlpatterns = [
    path("", include("willkommen.pages.urls")),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("metrics/welcome-service", welcome_service_metrics, name="welcome_service_metrics"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
    path("api/<path:rest>", api_not_found),
    path("admin/", admin.site.urls),
    path("staff/", include("willkommen.accounts.urls")),
    path("book/", include("willkommen.booking.urls")),
    path("ticket/", include("willkommen.walkins.urls")),
    path("release/", include("willkommen.release.urls")),
    path("offers/", include("willkommen.directory.urls")),
    path("scheduling/", include("willkommen.scheduling.urls")),
    path("consultations/", include("willkommen.consultations.urls")),
    path("statistics/", include("willkommen.statistics.urls")),
] + [path(f"staff/{app}/", include(f"willkommen.{app}.staff_urls")) for app in STAFF_APPS]

handler400 = "willkommen.pages.errors.bad_request"
handler403 = "willkommen.pages.errors.permission_denied"
handler404 = "willkommen.pages.errors.page_not_found"
handler500 = "willkommen.pages.errors.server_error"
