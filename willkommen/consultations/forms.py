"""Forms of the counsellor's workspace. Rules live in services.py; these only parse."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from willkommen.accounts.models import Role, StaffMember
from willkommen.forms import KernFormMixin
from willkommen.organisations.models import Language, Topic
from willkommen.scheduling.shifts import local_datetime

from .models import InterpreterKind


def offer_model():
    from willkommen.directory.models import Offer

    return Offer


class DocumentationForm(KernFormMixin, forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics addressed"),
        queryset=Topic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service refuses an empty choice with its own message
    )
    language = forms.ModelChoiceField(
        label=_("Language used"), queryset=Language.objects.all(), required=False
    )
    interpreter = forms.ChoiceField(
        label=_("Interpreter"), choices=InterpreterKind.choices, widget=forms.RadioSelect
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=1, max_value=480, required=False
    )
    outcome_information = forms.BooleanField(label=_("Information given"), required=False)
    outcome_form_filled = forms.BooleanField(label=_("Form filled in together"), required=False)
    outcome_referral = forms.BooleanField(label=_("Referral"), required=False)
    outcome_follow_up = forms.BooleanField(label=_("Follow-up needed"), required=False)
    referrals = forms.ModelMultipleChoiceField(
        label=_("Referred to local offers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Stored encrypted; deleted automatically after the retention period."),
    )
    consent_given = forms.BooleanField(
        label=_("The client agrees that name and contact are kept for a follow-up"),
        required=False,
    )
    client_name = forms.CharField(label=_("Client's name"), max_length=200, required=False)
    client_contact = forms.CharField(
        label=_("Client's phone or e-mail"), max_length=200, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrals"].queryset = offer_model().objects.filter(is_active=True)

    @classmethod
    def initial_for(cls, consultation):
        duration = consultation.duration_minutes
        client = consultation.client
        return {
            "topics": list(consultation.topics.all()),
            "language": consultation.language,
            "interpreter": consultation.interpreter,
            "duration_minutes": duration,
            "outcome_information": consultation.outcome_information,
            "outcome_form_filled": consultation.outcome_form_filled,
            "outcome_referral": consultation.outcome_referral,
            "outcome_follow_up": consultation.outcome_follow_up,
            "referrals": list(consultation.referrals.all()),
            "note": consultation.note,
            "consent_given": bool(client and client.has_identity),
            "client_name": client.name if client else "",
            "client_contact": client.contact if client else "",
        }


class FollowUpForm(KernFormMixin, forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    counsellor = forms.ModelChoiceField(label=_("Counsellor"), queryset=None)

    def __init__(self, *args, organisation_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counsellor"].queryset = StaffMember.objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            role__in=[Role.COUNSELLOR, Role.ORGANISATION_LEAD],
        )

    def start(self) -> datetime:
        return local_datetime(self.cleaned_data["day"], self.cleaned_data["start_time"])


class ClientSearchForm(KernFormMixin, forms.Form):
    booking_code = forms.CharField(label=_("Booking code"), max_length=16, required=False)
    pseudonym = forms.CharField(label=_("Pseudonym"), max_length=16, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("booking_code") and not data.get("pseudonym"):
            raise forms.ValidationError(_("Enter a booking code or a pseudonym."))
        return data


class TokenForm(KernFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr"}
        ),
    )
