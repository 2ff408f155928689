"""Forms of the coordinator's scheduling pages.

Each form checks what the database constraints cannot say in the user's language: an
interval that closes before it opens, intervals that overlap, shifts at unreasonable hours,
closures in the past. The views stay thin and only save what a form accepted.
"""

from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from willkommen import clock
from willkommen.accounts import policy
from willkommen.accounts.models import StaffMember
from willkommen.forms import KernFormMixin
from willkommen.organisations.models import Desk, DeskKind, Location, OfficeService, OpeningHours

from .models import ClosingDay, LocationSchedule, Shift, ShiftException, ShiftExceptionKind

# Counselling happens during the working day; a shift outside these hours is a typing error.
EARLIEST_SHIFT_START = time(6, 0)
LATEST_SHIFT_END = time(22, 0)



class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")




def _overlaps(start, end, other_start, other_end):
    return start < other_end and other_start < end


def _check_order(form, start_field, end_field, message):
    start = form.cleaned_data.get(start_field)
    end = form.cleaned_data.get(end_field)
    if start is not None and end is not None and start >= end:
        form.add_error(end_field, message)
        return False
    return start is not None and end is not None


class OpeningHoursForm(KernFormMixin, forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]
        widgets = {"opens": TimeInput(), "closes": TimeInput()}

    def __init__(self, *args, location, **kwargs):
        super().__init__(*args, **kwargs)
        self.location = location

    def clean(self):
        cleaned = super().clean()
        if not _check_order(
            self, "opens", "closes", _("The closing time must be after the opening time.")
        ):
            return cleaned
        if "weekday" not in cleaned:  # invalid: the field shows its own error
            return cleaned
        others = OpeningHours.objects.filter(
            location=self.location, weekday=cleaned["weekday"]
        ).exclude(pk=self.instance.pk)
        for other in others:
            if _overlaps(cleaned["opens"], cleaned["closes"], other.opens, other.closes):
                raise forms.ValidationError(
                    _("This overlaps the opening hours %(opens)s–%(closes)s on the same day.")
                    % {"opens": f"{other.opens:%H:%M}", "closes": f"{other.closes:%H:%M}"}
                )
        return cleaned

    def save(self, commit=True):
        self.instance.location = self.location
        return super().save(commit)


class ClosingDayForm(KernFormMixin, forms.ModelForm):
    class Meta:
        model = ClosingDay
        fields = ["date", "reason"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, location, **kwargs):
        super().__init__(*args, **kwargs)
        self.location = location

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day < clock.today():
            raise forms.ValidationError(_("A closing day cannot be in the past."))
        if ClosingDay.objects.filter(location=self.location, date=day).exists():
            raise forms.ValidationError(_("This day is already a closing day."))
        return day

    def save(self, commit=True):
        self.instance.location = self.location
        return super().save(commit)


class DeskForm(KernFormMixin, forms.ModelForm):
    class Meta:
        model = Desk
        fields = ["name", "kind", "services", "is_active"]
        widgets = {"services": forms.CheckboxSelectMultiple}

    def __init__(self, *args, location, **kwargs):
        super().__init__(*args, **kwargs)
        self.location = location
        self.fields["services"].queryset = OfficeService.objects.filter(
            office_id=location.office_id
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Desk.objects.filter(location=self.location, name__iexact=name).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(_("Another desk or room here already has this name."))
        return name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == DeskKind.COUNSELLING_ROOM and cleaned.get("services"):
            self.add_error("services", _("Counselling rooms do not handle office services."))
        return cleaned

    def save(self, commit=True):
        self.instance.location = self.location
        return super().save(commit)


class LocationScheduleForm(KernFormMixin, forms.ModelForm):
    class Meta:
        model = LocationSchedule
        fields = [
            "booking_window_days",
            "first_bookable_day_offset",
            "minimum_notice_minutes",
            "consultation_minutes",
            "buffer_minutes",
            "double_opt_in",
            "confirmation_minutes",
        ]

    LIMITS = {
        "booking_window_days": (1, 365),
        "first_bookable_day_offset": (0, 30),
        "minimum_notice_minutes": (0, 60 * 24 * 14),
        "consultation_minutes": (10, 120),
        "buffer_minutes": (0, 60),
        "confirmation_minutes": (5, 60 * 48),
    }

    def clean(self):
        cleaned = super().clean()
        for name, (low, high) in self.LIMITS.items():
            value = cleaned.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(
                    name,
                    _("Please enter a number from %(low)s to %(high)s.")
                    % {"low": low, "high": high},
                )
        window = cleaned.get("booking_window_days")
        offset = cleaned.get("first_bookable_day_offset")
        if window is not None and offset is not None and offset >= window:
            self.add_error(
                "first_bookable_day_offset",
                _("The first bookable day must lie inside the booking window."),
            )
        return cleaned


def counsellors_managed_by(user):
    """The counsellors whose shifts ``user`` may manage: every counsellor for a coordinator,
    only the own organisation's for an organisation lead."""
    counsellors = StaffMember.objects.filter(role__in=policy.COUNSELLING_ROLES, is_active=True)
    if not policy.has_permission(user, policy.Permission.MANAGE_ALL_SHIFTS):
        counsellors = counsellors.filter(organisation_id=user.organisation_id)
    return counsellors.select_related("organisation")


class _ShiftLocationMixin:
    """Location and room choices shared by weekly shifts and one-off exceptions."""

    def _limit_location_and_room(self):
        self.fields["location"].queryset = Location.objects.filter(is_active=True)
        self.fields["room"].queryset = Desk.objects.filter(
            kind=DeskKind.COUNSELLING_ROOM, is_active=True
        ).select_related("location")

    def _check_room(self, cleaned):
        room, location = cleaned.get("room"), cleaned.get("location")
        if room and location and room.location_id != location.pk:
            self.add_error("room", _("This room is not at the chosen location."))

    def _check_hours(self, cleaned, start_field="starts", end_field="ends"):
        ok = _check_order(self, start_field, end_field, _("The shift must end after it starts."))
        if not ok:
            return False
        if cleaned[start_field] < EARLIEST_SHIFT_START or cleaned[end_field] > LATEST_SHIFT_END:
            self.add_error(
                start_field,
                _("Shifts must lie between %(earliest)s and %(latest)s.")
                % {
                    "earliest": f"{EARLIEST_SHIFT_START:%H:%M}",
                    "latest": f"{LATEST_SHIFT_END:%H:%M}",
                },
            )
            return False
        return True


class ShiftForm(_ShiftLocationMixin, KernFormMixin, forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["location", "room", "weekday", "starts", "ends", "valid_from", "valid_until"]
        widgets = {
            "starts": TimeInput(),
            "ends": TimeInput(),
            "valid_from": DateInput(),
            "valid_until": DateInput(),
        }

    def __init__(self, *args, counsellor, **kwargs):
        super().__init__(*args, **kwargs)
        self.counsellor = counsellor
        self._limit_location_and_room()

    def clean(self):
        cleaned = super().clean()
        self._check_room(cleaned)
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("The end of validity must not be before its start."))
        if not self._check_hours(cleaned) or cleaned.get("weekday") is None:
            return cleaned
        others = Shift.objects.filter(
            counsellor=self.counsellor, weekday=cleaned["weekday"]
        ).exclude(pk=self.instance.pk)
        for other in others:
            if not _overlaps(cleaned["starts"], cleaned["ends"], other.starts, other.ends):
                continue
            if _validity_overlaps(valid_from, valid_until, other.valid_from, other.valid_until):
                raise forms.ValidationError(
                    _("This overlaps the shift %(starts)s–%(ends)s on the same weekday.")
                    % {"starts": f"{other.starts:%H:%M}", "ends": f"{other.ends:%H:%M}"}
                )
        return cleaned

    def save(self, commit=True):
        self.instance.counsellor = self.counsellor
        return super().save(commit)


def _validity_overlaps(from_a, until_a, from_b, until_b):
    low = max(d for d in (from_a, from_b) if d) if (from_a or from_b) else None
    high = min(d for d in (until_a, until_b) if d) if (until_a or until_b) else None
    return low is None or high is None or low <= high


class ShiftExceptionForm(_ShiftLocationMixin, KernFormMixin, forms.ModelForm):
    class Meta:
        model = ShiftException
        fields = ["kind", "location", "room", "date", "starts", "ends", "note"]
        widgets = {"date": DateInput(), "starts": TimeInput(), "ends": TimeInput()}
        help_texts = {
            "starts": _("Leave both times empty for an absence of the whole day."),
        }

    def __init__(self, *args, counsellor, **kwargs):
        super().__init__(*args, **kwargs)
        self.counsellor = counsellor
        self._limit_location_and_room()

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day < clock.today():
            raise forms.ValidationError(_("The date cannot be in the past."))
        return day

    def clean(self):
        cleaned = super().clean()
        self._check_room(cleaned)
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        kind = cleaned.get("kind")
        if starts is None and ends is None:
            if kind == ShiftExceptionKind.EXTRA:
                self.add_error("starts", _("An extra shift needs a start and an end time."))
            return cleaned
        if starts is None or ends is None:
            self.add_error("starts", _("Enter both times, or none for the whole day."))
            return cleaned
        if not self._check_hours(cleaned) or kind != ShiftExceptionKind.EXTRA:
            return cleaned
        clash = ShiftException.objects.filter(
            counsellor=self.counsellor,
            kind=ShiftExceptionKind.EXTRA,
            date=cleaned.get("date"),
            starts__lt=ends,
            ends__gt=starts,
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This overlaps another extra shift on that day."))
        return cleaned

    def save(self, commit=True):
        self.instance.counsellor = self.counsellor
        return super().save(commit)
