"""Public pages of this app (no login)."""

app_name = "booking"
urlpatterns = []
