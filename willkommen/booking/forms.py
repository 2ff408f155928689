"""Forms of the client's booking flow. They only check shape (a date is a date, one contact
is given, the privacy notice is accepted); the booking rules themselves are checked by
``services.py``, whose errors the views show beside the form."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from willkommen.forms import KernFormMixin
from willkommen.organisations.models import Language, Location, Topic

from .services import ConsultationRequest

# "Booked elsewhere": the other system's appointment length, which places the consultation
# after it (the client picks one; most offices book 15 to 60 minutes).
EXTERNAL_LENGTH_CHOICES = (15, 20, 30, 45, 60, 90, 120)
EXTERNAL_DEFAULT_MINUTES = 30


def language_choices():
    """Frequent languages first (``Language.sort_order``), named in the reader's language."""
    return [("", _("Please choose"))] + [
        (language.code, language.display_name) for language in Language.objects.all()
    ]


class ConsultationChoiceForm(KernFormMixin, forms.Form):
    """The optional consultation: chosen before the time, because the times offered depend
    on which counsellors speak the language. Sent by GET, so it works without JavaScript."""

    consultation = forms.BooleanField(
        label=_("Add a free consultation with a social worker"), required=False
    )
    language = forms.ChoiceField(label=_("Language of the consultation"), required=False)
    topics = forms.MultipleChoiceField(
        label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple
    )
    interpreter = forms.BooleanField(label=_("I need an interpreter"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()
        self.fields["topics"].choices = [
            (topic.slug, topic.name) for topic in Topic.objects.filter(is_active=True)
        ]

    def clean(self):
        cleaned = super().clean()
        wanted = cleaned.get("consultation")
        if wanted and not cleaned.get("language") and not cleaned.get("interpreter"):
            self.add_error(
                "language",
                _("Please choose a language, or tick that you need an interpreter."),
            )
        return cleaned

    def request(self) -> ConsultationRequest | None:
        """The consultation the client asks for, or None."""
        if not self.is_valid() or not self.cleaned_data.get("consultation"):
            return None
        return ConsultationRequest.from_choices(
            self.cleaned_data.get("language"),
            self.cleaned_data.get("topics"),
            self.cleaned_data.get("interpreter"),
        )


class ContactFields(forms.Form):
    """Name and a way to reach the client, nothing more (data minimisation): shared by the
    booking's contact step and the fair release's request form. Each form says in
    ``phone_help`` what the contact is used for, and asks its own privacy consent."""

    phone_help = ""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].help_text = self.phone_help

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone"):
            self.add_error(
                "email", _("Please give an e-mail address or a mobile number so we can reach you.")
            )
        return cleaned


class ContactForm(KernFormMixin, ContactFields):
    """The booking's contact step: an e-mail address, a mobile number or both
    (``channels`` sends each message where it suits)."""

    phone_help = _(
        "Give an e-mail address, a mobile number or both. With both, the confirmation "
        "and its calendar file come by e-mail and the reminder by SMS."
    )
    privacy = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my details are used for this booking."
        ),
    )
    # Hidden, but its label names it in the error summary if it ever goes missing.
    form_token = forms.CharField(label=_("Form check"), widget=forms.HiddenInput)


class ExternalAppointmentForm(ContactForm):
    """ "My office appointment was booked elsewhere": its time and reference."""

    location = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.none(), empty_label=None
    )
    date = forms.DateField(
        label=_("Date of your office appointment"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time = forms.TimeField(
        label=_("Time of your office appointment"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    duration = forms.TypedChoiceField(
        label=_("Length of your office appointment"),
        coerce=int,
        initial=EXTERNAL_DEFAULT_MINUTES,
        # A form cached from before this field existed still books (with the default).
        required=False,
        empty_value=EXTERNAL_DEFAULT_MINUTES,
        help_text=_("If you do not know it, keep 30 minutes."),
    )
    reference = forms.CharField(
        label=_("Reference of your office appointment"),
        max_length=100,
        required=False,
        help_text=_("As written in the confirmation of the other appointment system."),
    )
    language = forms.ChoiceField(label=_("Language of the consultation"), required=False)
    topics = forms.MultipleChoiceField(
        label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple
    )
    interpreter = forms.BooleanField(label=_("I need an interpreter"), required=False)

    field_order = [
        "location",
        "date",
        "time",
        "duration",
        "reference",
        "language",
        "topics",
        "interpreter",
        "name",
        "email",
        "phone",
        "privacy",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(is_active=True)
        self.fields["duration"].choices = [
            (
                minutes,
                ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes},
            )
            for minutes in EXTERNAL_LENGTH_CHOICES
        ]
        self.fields["language"].choices = language_choices()
        self.fields["topics"].choices = [
            (topic.slug, topic.name) for topic in Topic.objects.filter(is_active=True)
        ]

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
