"""The client's page "I already have an appointment at the office" under
/book/office-appointment/: the reference (and the secret, where the office system has
one), the consultation wished, a contact; the office system is asked and the consultation
placed around the real time (``office_follow``). Plain form, POST/redirect/GET, works
without JavaScript like the rest of the flow (captcha fallback: ``common.captcha_check``).
"""

from django import forms
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from willkommen.client_address import client_ip
from willkommen.forms import KernFormMixin
from willkommen.officesystems.config import manual_entry_allowed
from willkommen.organisations.models import Location, Topic

from .. import office_follow
from ..errors import BookingError, RateLimited
from ..forms import language_choices
from ..office_errors import OfficeLookupError
from ..services import ConsultationRequest
from .common import captcha_check, done_redirect, issue_form_token, spend_form_token


class OfficeAppointmentForm(KernFormMixin, forms.Form):
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"), queryset=Location.objects.none(), empty_label=None
    )
    reference = forms.CharField(
        label=gettext_lazy("Reference of your appointment"),
        max_length=500,
        help_text=gettext_lazy(
            "The number of your appointment as written in its confirmation (e.g. the "
            "process number). Booked on this website: your booking code, or paste your "
            "private link."
        ),
    )
    secret = forms.CharField(
        label=gettext_lazy("Security code of your appointment"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "Also in the confirmation, e.g. in the link to cancel the appointment. Leave it "
            "empty if your confirmation has none."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the consultation"), required=False
    )
    topics = forms.MultipleChoiceField(
        label=gettext_lazy("Topics"), required=False, widget=forms.CheckboxSelectMultiple
    )
    interpreter = forms.BooleanField(label=gettext_lazy("I need an interpreter"), required=False)
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200, required=False)
    email = forms.CharField(
        label=gettext_lazy("E-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        required=False,
        max_length=30,
        help_text=gettext_lazy(
            "Give an e-mail address or a mobile number: one is enough. Not needed if you "
            "booked your appointment on this website."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    privacy = forms.BooleanField(
        label=gettext_lazy(
            "I have read the privacy notice and agree that my details are used for this booking."
        ),
    )
    form_token = forms.CharField(label=gettext_lazy("Form check"), widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(is_active=True)
        self.fields["language"].choices = language_choices()
        self.fields["topics"].choices = [
            (topic.slug, topic.name) for topic in Topic.objects.filter(is_active=True)
        ]
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("language") and not cleaned.get("interpreter"):
            self.add_error(
                "language", _("Please choose a language, or tick that you need an interpreter.")
            )
        return cleaned

    def consultation_request(self) -> ConsultationRequest:
        return ConsultationRequest.from_choices(
            self.cleaned_data.get("language"),
            self.cleaned_data.get("topics"),
            self.cleaned_data.get("interpreter"),
        )


def _initial(request) -> dict:
    """The rebook link of an office-change message fills in place and reference."""
    initial = {"form_token": issue_form_token(request)}
    for name in ("location", "reference"):
        value = request.GET.get(name, "")[:500]
        if value:
            initial[name] = value
    return initial


@never_cache
def office_appointment(request):
    error, manual_location = None, None
    status, retry_after = 200, None
    if request.method == "POST":
        form = OfficeAppointmentForm(request.POST)
        if form.is_valid() and not spend_form_token(request, form.cleaned_data["form_token"]):
            error = _("This form was already sent. Please check your entries.")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                strict = captcha_check(request)
                result = office_follow.add_consultation_by_lookup(
                    data["location"],
                    data["reference"],
                    data["secret"],
                    form.consultation_request(),
                    data["name"],
                    data["email"],
                    data["phone"],
                    get_language(),
                    client_ip=client_ip(request),
                    strict=strict,
                )
            except BookingError as failure:
                error, status = str(failure.message), failure.status
                if isinstance(failure, RateLimited):
                    retry_after = failure.retry_after
                if isinstance(failure, OfficeLookupError) and failure.manual_entry:
                    manual_location = data["location"]
                if getattr(failure, "field", None) in form.fields:
                    form.add_error(failure.field, error)
                    error = None
            else:
                return done_redirect(request, result.appointment.code, result.manage_token)
        form.data = form.data.copy()
        form.data["form_token"] = issue_form_token(request)
    else:
        form = OfficeAppointmentForm(initial=_initial(request))
    context = {
        "form": form,
        "error": error,
        "manual_location": manual_location,
        "manual_anywhere": any(
            manual_entry_allowed(location) for location in Location.objects.filter(is_active=True)
        ),
    }
    response = render(request, "booking/office_appointment.html", context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
