"""The intake form: language, optional topics, optional office appointment time.

Built for a tablet held standing: the most frequent languages are one tap each (radio
buttons), every other language is found by typing into a plain ``<input list>`` that the
browser filters without JavaScript.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willkommen.forms import KernFormMixin
from willkommen.organisations.models import Topic, language_name
from willkommen.scheduling.shifts import LOCAL_ZONE, local_datetime

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
        appointment_time = data.get("office_appointment_time")
        data["office_appointment_at"] = None
        if appointment_time is not None:
            day = self.now.astimezone(LOCAL_ZONE).date()
            data["office_appointment_at"] = local_datetime(day, appointment_time)
        return data
