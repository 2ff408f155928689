"""The intake form: language, optional topics, optional office appointment time.

Built for a tablet held standing: the most frequent languages are one tap each (radio
buttons), every other language is found by typing into a plain ``<input list>`` that the
browser filters without JavaScript.
"""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willkommen import clock
from willkommen.clock import local_datetime
from willkommen.forms import KernFormMixin
from willkommen.organisations.models import Topic, language_name

QUICK_LANGUAGES = 8
DATALIST_ID = "walkin-languages"


def language_label(language):
    """Native name first (what the person recognises), then the name in the UI language."""
    shown = language.display_name
    if language.native_name and language.native_name != shown:
        return f"{language.native_name} – {shown}"
    return shown


def find_language(text, languages):
    """Resolves what was typed or picked from the list: a code, a name, or a list label."""
    wanted = (text or "").strip().casefold()
    if not wanted:
        return None
    for language in languages:
        names = {
            language.code,
            language.english_name,
            language.native_name,
            language.display_name,
            language_label(language),
            language_name(language.code, "de") or "",
            language_name(language.code, "en") or "",
        }
        if wanted in {name.casefold() for name in names if name}:
            return language
    return None


class IntakeForm(KernFormMixin, forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), widget=forms.RadioSelect, required=False, choices=()
    )
    other_language = forms.CharField(
        label=_("Another language"),
        required=False,
        max_length=80,
        help_text=_("Type to search, e.g. Tigrinya or ti."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    office_appointment_time = forms.TimeField(
        label=_("Waits for an office appointment at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("The ticket is paused while the person is at the office appointment."),
    )

    heads_up_contact = forms.CharField(
        label=_("Mobile number or e-mail for a heads-up"),
        required=False,
        max_length=120,
        help_text=_(
            "We send one message when two people are still ahead, so the person can wait "
            "outside. Deleted right after, or when the ticket is closed."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"}),
    )
    heads_up_consent = forms.BooleanField(
        label=_("The person agrees to get this message"),
        required=False,
    )

    def __init__(self, *args, languages, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.languages = list(languages)
        self.quick_languages = self.languages[:QUICK_LANGUAGES]
        self.fields["language"].choices = [
            (language.code, language_label(language)) for language in self.quick_languages
        ]
        self.fields["other_language"].widget.attrs.update(
            {"list": DATALIST_ID, "autocomplete": "off"}
        )
        self.datalist = [language_label(language) for language in self.languages]

    def clean(self):
        data = super().clean()
        typed = data.get("other_language")
        if typed:
            language = find_language(typed, self.languages)
            if language is None:
                self.add_error(
                    "other_language", _("This language is not in the list. Please pick one.")
                )
        else:
            language = find_language(data.get("language"), self.quick_languages)
            if language is None:
                self.add_error("language", _("Please choose the person's language."))
        data["language_obj"] = language
        data["heads_up_email"], data["heads_up_phone"] = self._heads_up(data)
        appointment_time = data.get("office_appointment_time")
        data["office_appointment_at"] = None
        if appointment_time is not None:
            day = clock.local_day(self.now)
            data["office_appointment_at"] = local_datetime(day, appointment_time)
        return data

    def _heads_up(self, data):
        """(e-mail, E.164 number) of the optional heads-up; only with consent."""
        contact = (data.get("heads_up_contact") or "").strip()
        if not contact:
            return "", ""
        if not data.get("heads_up_consent"):
            self.add_error(
                "heads_up_consent",
                _(
                    "A contact may only be kept with the person's consent: tick the box or "
                    "leave the field empty."
                ),
            )
            return "", ""
        if "@" in contact:
            try:
                validate_email(contact)
            except ValidationError:
                self.add_error("heads_up_contact", _("Please check the e-mail address."))
                return "", ""
            return contact, ""
        try:
            number = phonenumbers.parse(contact, "DE")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            self.add_error(
                "heads_up_contact", _("Please enter a mobile number or an e-mail address.")
            )
            return "", ""
        return "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
