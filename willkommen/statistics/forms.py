"""The dashboard's filter form (GET, works without JavaScript)."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from willkommen import clock
from willkommen.forms import KernFormMixin
from willkommen.organisations.models import Language, Location, Organisation, Topic

from .queries import Filters

MAX_DAYS = 3 * 366


class DateInput(forms.DateInput):
    input_type = "date"


class FilterForm(KernFormMixin, forms.Form):
    first_day = forms.DateField(label=_("From"), required=False, widget=DateInput)
    last_day = forms.DateField(label=_("Until"), required=False, widget=DateInput)
    location = forms.ModelChoiceField(
        Location.objects.all(), label=_("Location"), required=False, empty_label=_("All")
    )
    organisation = forms.ModelChoiceField(
        Organisation.objects.all(), label=_("Organisation"), required=False, empty_label=_("All")
    )
    topic = forms.ModelChoiceField(
        Topic.objects.all(), label=_("Topic"), required=False, empty_label=_("All")
    )
    language = forms.ModelChoiceField(
        Language.objects.all(),
        label=_("Language"),
        required=False,
        empty_label=_("All"),
        to_field_name="code",
    )
    granularity = forms.ChoiceField(
        label=_("Consultations per"),
        required=False,
        choices=[("day", _("day")), ("week", _("week")), ("month", _("month"))],
    )

    def __init__(self, *args, own_organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if own_organisation is not None:
            del self.fields["organisation"]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last:
            if first > last:
                raise forms.ValidationError(_("The start date must not be after the end date."))
            if (last - first).days > MAX_DAYS:
                raise forms.ValidationError(_("Please choose at most three years."))
        return cleaned

    def filters(self) -> Filters:
        """The filters from valid input, or the default (the last 365 days)."""
        today = clock.today()
        data = self.cleaned_data if self.is_valid() else {}
        last = data.get("last_day") or today
        first = data.get("first_day") or last - timedelta(days=364)
        if first > last:
            first, last = last - timedelta(days=364), last
        organisation = data.get("organisation")
        return Filters(
            first_day=first,
            last_day=last,
            location_id=data["location"].pk if data.get("location") else None,
            organisation_id=organisation.pk if organisation else None,
            topic_id=data["topic"].pk if data.get("topic") else None,
            language_code=data["language"].code if data.get("language") else "",
            granularity=data.get("granularity") or "week",
        )
