from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from willkommen.forms import KernFormMixin


class StaffLoginForm(KernFormMixin, AuthenticationForm):
    """Django's login form with one message for every failure, so that a wrong login
    never tells whether the account exists."""

    error_messages = {
        "invalid_login": _(
            "The user name or the password is not correct, or the account is not active."
        ),
        "inactive": _(
            "The user name or the password is not correct, or the account is not active."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.fields["username"].label = _("User name")
        self.fields["password"].label = _("Password")

    def confirm_login_allowed(self, user):
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
