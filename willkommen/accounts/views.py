from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import oidc, staff_changes
from .forms import StaffLoginForm
from .models import StaffChangeRequest
from .navigation import entries_for
from .policy import Permission, requires_login
from .revalidation import SSO_SESSION_KEY
from .second_factor import requires_case_content
from .sign_in_pages import Problem, problem_page


class StaffLoginView(auth_views.LoginView):
    """User name and password (local accounts and LDAP) beside the button for the
    OpenID Connect provider. A refusal by the directory gets its own page."""

    template_name = "accounts/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        directory_passwords = bool(settings.LDAP_SERVER_URI)
        context.update(
            oidc_enabled=oidc.is_configured(),
            oidc_provider_name=settings.OIDC_PROVIDER_NAME,
            # Without LDAP and with local passwords switched off, the form is only the
            # break-glass operator's, shown folded away.
            password_form_folded=not directory_passwords and not settings.LOCAL_LOGIN_ENABLED,
        )
        return context

    def form_invalid(self, form):
        problem = getattr(self.request, "directory_sign_in_problem", None)
        if problem:
            return problem_page(self.request, Problem.from_reason(problem))
        return super().form_invalid(form)


class StaffLogoutView(auth_views.LogoutView):
    """Logs out here and, after an OpenID Connect sign-in, at the provider too
    (RP-initiated logout), so that the next person at a shared desk cannot sign in again
    with the provider's session."""

    def post(self, request, *args, **kwargs):
        marker = request.session.get(SSO_SESSION_KEY) or {}
        response = super().post(request, *args, **kwargs)
        if marker.get("source") == "oidc" and oidc.is_configured():
            target = oidc.logout_url(
                marker.get("id_token", ""), request.build_absolute_uri(response["Location"])
            )
            if target:
                response["Location"] = target
        return response


@requires_login
def home(request):
    return render(request, "accounts/home.html", {"links": entries_for(request.user)})


@requires_case_content(Permission.APPROVE_STAFF_CHANGES)
def staff_changes_list(request):
    """Changes of role or organisation that wait for this user's approval, and (for an
    operator) the ones they asked for."""
    mine = StaffChangeRequest.objects.filter(requested_by=request.user).select_related(
        "member", "organisation", "previous_organisation", "decided_by"
    )[:50]
    return render(
        request,
        "accounts/staff_changes.html",
        {"to_decide": staff_changes.decidable_by(request.user), "requested": mine},
    )


def _decision(decide, message):
    @requires_case_content(Permission.APPROVE_STAFF_CHANGES)
    def view(request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        decide(request.user, pk, request=request)  # PermissionDenied: 403
        messages.success(request, message())
        return redirect("accounts:staff_changes")

    view.__name__ = decide.__name__
    return view


approve_staff_change = _decision(
    staff_changes.approve, lambda: _("The change is approved and in effect.")
)
reject_staff_change = _decision(
    staff_changes.reject, lambda: _("The change is rejected; the account keeps its rights.")
)
