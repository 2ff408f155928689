"""Forms of the fair release: the client's request, and the coordinator's round. They check
shape; the rules are in ``requests`` and ``rounds``, whose refusals the views show."""

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from willkommen import clock
from willkommen.booking.forms import ConsultationChoiceForm, ContactFields
from willkommen.forms import KernFormMixin
from willkommen.organisations.models import Desk, DeskKind, Location, OfficeService

from .models import DayPart, Leftover, ReleaseRound
from .pool import pool_days


class RequestForm(ConsultationChoiceForm, ContactFields):
    """Concern, acceptable days and day-parts, the optional consultation, a name and one
    contact. Nothing is reserved by it: the draw decides."""

    service = forms.ChoiceField(label=_("Your concern"))
    days = forms.MultipleChoiceField(
        label=_("Days that suit you"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none for any day."),
    )
    day_parts = forms.MultipleChoiceField(
        label=_("Times of day that suit you"),
        required=False,
        choices=DayPart.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none for any time."),
    )
    consultation_required = forms.ChoiceField(
        label=_("How important is the consultation to you?"),
        required=False,
        choices=[
            ("if_possible", _("If possible")),
            ("required", _("I need it")),
        ],
        initial="if_possible",
        widget=forms.RadioSelect,
    )
    phone_help = _("Give one contact: an e-mail address or a mobile number.")
    privacy = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my details are used for this request."
        ),
    )

    field_order = [
        "service",
        "days",
        "day_parts",
        "consultation",
        "language",
        "topics",
        "interpreter",
        "consultation_required",
        "name",
        "email",
        "phone",
        "privacy",
    ]

    def __init__(self, *args, release_round: ReleaseRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [
            (service.pk, service.name) for service in release_round.services.all()
        ]
        self.fields["days"].choices = [
            (day.isoformat(), formats.date_format(day, "l, j. F"))
            for day in pool_days(release_round)
        ]


class RoundForm(KernFormMixin, forms.ModelForm):
    """The coordinator's round: where, which concerns and desks, which days, and when."""

    class Meta:
        model = ReleaseRound
        fields = [
            "location",
            "services",
            "desks",
            "first_day",
            "last_day",
            "opens_at",
            "closes_at",
            "draw_at",
            "leftover",
            "weight_for_unlucky",
            "recurs_weekly",
        ]
        widgets = {
            "services": forms.CheckboxSelectMultiple,
            "desks": forms.CheckboxSelectMultiple,
            "first_day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "last_day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "draw_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "leftover": forms.RadioSelect,
        }
        help_texts = {
            "recurs_weekly": _(
                "When this round is drawn, the same round a week later is set up (requests "
                "open, close and are drawn a week later, for the days a week later)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(is_active=True)
        self.fields["services"].queryset = OfficeService.objects.filter(bookable_online=True)
        self.fields["desks"].queryset = Desk.objects.filter(
            kind=DeskKind.OFFICE_DESK, is_active=True
        ).select_related("location")
        for name in ("opens_at", "closes_at", "draw_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["leftover"].choices = Leftover.choices

    def clean(self):
        cleaned = super().clean()
        opens, closes, draw_at = (
            cleaned.get(name) for name in ("opens_at", "closes_at", "draw_at")
        )
        if opens and closes and opens >= closes:
            self.add_error("closes_at", _("Requests must close after they open."))
        if closes and draw_at and draw_at < closes:
            self.add_error("draw_at", _("The draw cannot be before requests close."))
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and first > last:
            self.add_error("last_day", _("The last day cannot be before the first day."))
        if first and last and (last - first).days > 62:
            self.add_error("last_day", _("A pool can span at most two months."))
        if draw_at and first and clock.local_day(draw_at) >= first:
            self.add_error(
                "draw_at", _("The draw must take place before the first day of the pool.")
            )
        location = cleaned.get("location")
        desks = cleaned.get("desks")
        if location and desks and any(desk.location_id != location.pk for desk in desks):
            self.add_error("desks", _("Choose desks of the round's location only."))
        return cleaned
