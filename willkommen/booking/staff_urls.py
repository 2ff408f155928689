"""Staff pages of this app, under /staff/. Every view is guarded by `policy.requires`."""

app_name = "booking_staff"
urlpatterns = []
