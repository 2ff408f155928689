from django.contrib.auth import views as auth_views
from django.shortcuts import render

from .forms import StaffLoginForm
from .navigation import entries_for
from .policy import requires_login


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True


@requires_login
def home(request):
    return render(request, "accounts/home.html", {"links": entries_for(request.user)})
