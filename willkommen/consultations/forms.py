"""Forms of the counsellor's workspace. Rules live in services.py; these only parse."""

from datetime import date, datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willkommen.accounts import policy
from willkommen.accounts.models import StaffMember
from willkommen.bidi import strip_bidi_controls
from willkommen.clock import local_datetime
from willkommen.directory.models import Offer
from willkommen.forms import KernFormMixin
from willkommen.inputs import parse_id
from willkommen.organisations.models import Language, Topic

from .models import AuditAction, InterpreterKind

DURATION_MIN, DURATION_MAX = 1, 480
MULTIPLE_CHOICES = (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)


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
        label=_("Duration in minutes"),
        min_value=DURATION_MIN,
        max_value=DURATION_MAX,
        required=False,
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
    # Not saved: finds offers to tick in the directory (the page lists only those found
    # and those already chosen, never every offer of the city).
    offer_query = forms.CharField(
        label=_("Find a local offer"),
        max_length=100,
        required=False,
        help_text=_("A word from the title, the provider, the topic or the district."),
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
        self.fields["referrals"].queryset = Offer.objects.filter(is_active=True)

    @classmethod
    def initial_from(cls, data):
        """What was typed so far, as the initial values of an unbound form: a search for
        offers redisplays the form without judging it (no error messages yet)."""
        return {
            name: data.getlist(name) if isinstance(field, MULTIPLE_CHOICES) else data.get(name)
            for name, field in cls.base_fields.items()
        }

    def chosen_offer_ids(self) -> set[int]:
        """The offers ticked so far (submitted, or stored on the record)."""
        value = self["referrals"].value() or []
        ids = set()
        for item in value:
            number = parse_id(getattr(item, "pk", item))
            if number is not None:
                ids.add(number)
        return ids

    @classmethod
    def initial_for(cls, consultation, now=None):
        duration = consultation.duration_minutes
        if duration is None and consultation.started_at:
            # Still in progress: the time so far is the best guess.
            now = now or timezone.now()
            duration = round((now - consultation.started_at).total_seconds() / 60)
        if duration is not None:
            # Never offer a value the field refuses (a record closed within a minute).
            duration = min(max(duration, DURATION_MIN), DURATION_MAX)
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
            role__in=policy.COUNSELLING_ROLES,
        )

    def start(self) -> datetime:
        return local_datetime(self.cleaned_data["day"], self.cleaned_data["start_time"])


class ClientSearchForm(KernFormMixin, forms.Form):
    booking_code = forms.CharField(label=_("Booking code"), max_length=16, required=False)
    pseudonym = forms.CharField(label=_("Pseudonym"), max_length=16, required=False)

    def clean(self):
        data = super().clean()
        # A code copied from an Arabic or Persian message carries invisible direction marks.
        for name in ("booking_code", "pseudonym"):
            data[name] = strip_bidi_controls(data.get(name) or "").strip()
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


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# Far beyond any real event, and far from the calendar's ends (no overflow in arithmetic).
AUDIT_DATE_RANGE = [
    MinValueValidator(date(2000, 1, 1)),
    MaxValueValidator(date(2999, 12, 31)),
]


class AuditLogFilterForm(KernFormMixin, forms.Form):
    """The lead's filters on the audit log, and the page cursor (an event id)."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), validators=AUDIT_DATE_RANGE
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=DateInput(), validators=AUDIT_DATE_RANGE
    )
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    after = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *AuditAction.choices]

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data
