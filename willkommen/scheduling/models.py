"""When the office and the counsellors are available.

Office side: a location's opening hours (``organisations.OpeningHours``), its closing days
(public holidays come from the ``holidays`` library, ad-hoc closures are stored here), and
its booking rules. Counselling side: counsellor shifts as a weekly pattern plus one-off
absences and extra shifts. All times here are local wall-clock times at the location;
``shifts.py`` and ``calendar.py`` turn them into aware datetimes day by day, which keeps
days with a DST change right.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from willkommen.organisations.models import Weekday


class LocationSchedule(models.Model):
    """Booking rules of one location."""

    location = models.OneToOneField(
        "organisations.Location", on_delete=models.CASCADE, related_name="schedule"
    )
    booking_window_days = models.PositiveSmallIntegerField(
        _("booking window in days"), default=56, help_text=_("How far ahead clients can book.")
    )
    first_bookable_day_offset = models.PositiveSmallIntegerField(
        _("first bookable day"),
        default=1,
        help_text=_("0 = today, 1 = from tomorrow."),
    )
    minimum_notice_minutes = models.PositiveIntegerField(
        _("minimum notice in minutes"), default=120
    )
    consultation_minutes = models.PositiveSmallIntegerField(
        _("consultation length in minutes"), default=30
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between office appointment and consultation in minutes"), default=5
    )
    double_opt_in = models.BooleanField(
        _("double opt-in"),
        default=False,
        help_text=_("Bookings become final only after the client confirms through a link."),
    )
    confirmation_minutes = models.PositiveIntegerField(
        _("minutes to confirm a booking (double opt-in)"), default=60
    )

    class Meta:
        verbose_name = _("booking rules")
        verbose_name_plural = _("booking rules")

    def __str__(self):
        return str(self.location)


class ClosingDay(models.Model):
    """An ad-hoc closure (staff meeting, move, strike). Public holidays need no entry."""

    location = models.ForeignKey(
        "organisations.Location", on_delete=models.CASCADE, related_name="closing_days"
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["location", "date"], name="closing_day_unique")
        ]
        verbose_name = _("closing day")
        verbose_name_plural = _("closing days")

    def __str__(self):
        return f"{self.location}: {self.date:%Y-%m-%d}"


class Shift(models.Model):
    """A counsellor's recurring weekly shift at a location."""

    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shifts",
        verbose_name=_("counsellor"),
    )
    location = models.ForeignKey(
        "organisations.Location", on_delete=models.CASCADE, related_name="shifts"
    )
    room = models.ForeignKey(
        "organisations.Desk",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shifts",
        verbose_name=_("room"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts__lt=models.F("ends")), name="shift_starts_before_ends"
            )
        ]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")

    def __str__(self):
        return (
            f"{self.counsellor} {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"
        )


class ShiftExceptionKind(models.TextChoices):
    ABSENCE = "absence", _("Absence")
    EXTRA = "extra", _("Extra shift")


class ShiftException(models.Model):
    """A one-off change to the weekly pattern: an absence (holiday, illness, training) or
    an extra shift. An absence without times covers the whole day."""

    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shift_exceptions",
        verbose_name=_("counsellor"),
    )
    location = models.ForeignKey(
        "organisations.Location", on_delete=models.CASCADE, related_name="shift_exceptions"
    )
    room = models.ForeignKey(
        "organisations.Desk",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("room"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ShiftExceptionKind.choices)
    date = models.DateField(_("date"))
    starts = models.TimeField(_("starts"), null=True, blank=True)
    ends = models.TimeField(_("ends"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(starts__isnull=True, ends__isnull=True, kind="absence")
                    | models.Q(
                        starts__isnull=False, ends__isnull=False, starts__lt=models.F("ends")
                    )
                ),
                name="shift_exception_times",
            )
        ]
        verbose_name = _("shift exception")
        verbose_name_plural = _("shift exceptions")

    def __str__(self):
        return f"{self.counsellor} {self.get_kind_display()} {self.date:%Y-%m-%d}"


class ScheduleChangeKind(models.TextChoices):
    OPENING_HOURS = "opening_hours", _("Opening hours")
    CLOSING_DAY = "closing_day", _("Closing day")
    DESK = "desk", _("Desk or room")
    SHIFT = "shift", _("Shift")
    ABSENCE = "absence", _("Absence or extra shift")


class ScheduleChangeAction(models.TextChoices):
    MOVE = "move", _("Move to the nearest alternative")
    CANCEL = "cancel", _("Cancel")


class ScheduleChange(models.Model):
    """A confirmed change of the schedule that touched bookings, kept until every
    booking it touched has been moved or cancelled and its client told
    (``schedule_changes``; the per-booking outcomes are ``booking.ScheduleChangeOutcome``).
    The record is what makes the follow-up survive a worker that dies: whatever is still
    outstanding is picked up by the next run."""

    kind = models.CharField(_("kind"), max_length=16, choices=ScheduleChangeKind.choices)
    location = models.ForeignKey(
        "organisations.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counsellor"),
    )
    action = models.CharField(_("action"), max_length=8, choices=ScheduleChangeAction.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    created_at = models.DateTimeField(_("changed"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["completed_at"], name="schedule_change_open")]
        verbose_name = _("schedule change")
        verbose_name_plural = _("schedule changes")

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
