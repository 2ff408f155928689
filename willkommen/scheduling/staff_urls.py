"""Staff pages of this app, under /staff/. Every view is guarded by `policy.requires`."""

app_name = "scheduling_staff"
urlpatterns = []
