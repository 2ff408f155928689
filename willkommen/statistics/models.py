"""Non-personal fact tables: the only rows the statistics read.

Why fact tables instead of querying the source tables:

* **They survive retention deletion.** Each fact keeps the source id only as a plain
  integer (no foreign key), so deleting or anonymising an appointment, consultation or
  ticket leaves its fact in place. A fact never holds a name, a contact, a note, a client
  or a counsellor: only day, organisation, location, categories and durations.
* **Speed at scale.** One narrow row per event with the week and month precomputed and
  composite indexes on (day, ...) keeps the coordinator's yearly dashboard to a handful of
  indexed aggregate queries over a million rows (see docs/performance.md).
* **No case content can leak.** The statistics app never touches the source models'
  personal fields; the feed (``facts.py``) reads explicit non-personal columns only.

Facts are kept current by signal receivers (``receivers.py``) and can be recomputed from
the source tables with ``manage.py rebuild_statistics``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Topic ids are stored as bits of a 64-bit integer (bit = topic id); ids up to 62.
MAX_TOPIC_ID = 62


class FactPeriodMixin(models.Model):
    day = models.DateField(_("day"))
    week = models.DateField(_("week (Monday)"))
    month = models.DateField(_("month (first day)"))

    class Meta:
        abstract = True


class ConsultationFactStatus(models.TextChoices):
    HELD = "held", pgettext_lazy("consultation status: it took place", "Held")
    NO_SHOW = "no_show", _("No-show")


class ConsultationFact(FactPeriodMixin):
    """One consultation that took place (or whose client did not come)."""

    source_id = models.BigIntegerField(_("source consultation"), unique=True, null=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey(
        "organisations.Location", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16)
    language_code = models.CharField(_("language"), max_length=8, blank=True)
    interpreter = models.CharField(_("interpreter"), max_length=32, blank=True)
    topic_mask = models.BigIntegerField(_("topics (bit mask)"), default=0)
    duration_minutes = models.PositiveIntegerField(_("duration in minutes"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=ConsultationFactStatus.choices)

    class Meta:
        indexes = [
            models.Index(fields=["day", "organisation"], name="stat_cfact_day_org"),
            models.Index(fields=["location", "day"], name="stat_cfact_loc_day"),
        ]
        verbose_name = _("consultation fact")
        verbose_name_plural = _("consultation facts")

    def __str__(self):
        return f"{self.day} {self.channel} {self.status}"


class AppointmentFact(FactPeriodMixin):
    """One office appointment that was booked (held, expired and pending ones are not)."""

    source_id = models.BigIntegerField(_("source appointment"), unique=True, null=True)
    location = models.ForeignKey(
        "organisations.Location", on_delete=models.PROTECT, related_name="+"
    )
    service_id_value = models.BigIntegerField(_("service"), null=True)
    status = models.CharField(_("status"), max_length=24)
    # Status of the added consultation booking ("" = none added).
    consultation_status = models.CharField(_("consultation status"), max_length=24, blank=True)
    consultation_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        indexes = [models.Index(fields=["day", "location"], name="stat_afact_day_loc")]
        verbose_name = _("appointment fact")
        verbose_name_plural = _("appointment facts")

    def __str__(self):
        return f"{self.day} {self.status}"


class WalkInFact(FactPeriodMixin):
    """One walk-in ticket that reached an end (consultation done or left)."""

    source_id = models.BigIntegerField(_("source ticket"), unique=True, null=True)
    location = models.ForeignKey(
        "organisations.Location", on_delete=models.PROTECT, related_name="+"
    )
    language_code = models.CharField(_("language"), max_length=8, blank=True)
    topic_mask = models.BigIntegerField(_("topics (bit mask)"), default=0)
    wait_minutes = models.FloatField(_("waiting minutes"), null=True)
    left_without_consultation = models.BooleanField(_("left without consultation"), default=False)

    class Meta:
        indexes = [models.Index(fields=["day", "location"], name="stat_wfact_day_loc")]
        verbose_name = _("walk-in fact")
        verbose_name_plural = _("walk-in facts")

    def __str__(self):
        return f"{self.day} {self.language_code}"


class StaffedMinutes(models.Model):
    """Minutes counsellors of an organisation were on duty at a location on a day."""

    day = models.DateField(_("day"))
    week = models.DateField(_("week (Monday)"))
    month = models.DateField(_("month (first day)"))
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey(
        "organisations.Location", on_delete=models.PROTECT, related_name="+"
    )
    minutes = models.PositiveIntegerField(_("staffed minutes"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "organisation", "location"], name="stat_staffed_unique_day"
            )
        ]
        verbose_name = _("staffed minutes")
        verbose_name_plural = _("staffed minutes")

    def __str__(self):
        return f"{self.day} {self.minutes}"


class DailyCount(models.Model):
    """Pre-aggregated daily counts (a rollup of the facts) for the unfiltered dashboard.

    One row per day, kind, organisation, location and key. ``kind`` names the breakdown:
    ``channel``/``language``/``interpreter``/``topic`` (held consultations; minutes on the
    channel rows), ``appointment`` (key "status|consultation_status", organisation = the
    consultation's) and ``walk_in`` (key "done|minutes" or "left|minutes"). A year for a
    whole country is a few hundred thousand of these instead of millions of facts.
    Recomputed per day from the facts (``rollups.py``), never edited by hand.
    """

    day = models.DateField(_("day"))
    week = models.DateField(_("week (Monday)"))
    month = models.DateField(_("month (first day)"))
    kind = models.CharField(_("kind"), max_length=16)
    organisation_id_value = models.BigIntegerField(_("organisation"), null=True)
    location_id_value = models.BigIntegerField(_("location"))
    key = models.CharField(_("key"), max_length=60, blank=True)
    count = models.BigIntegerField(_("count"), default=0)
    minutes = models.BigIntegerField(_("minutes"), default=0)

    class Meta:
        indexes = [models.Index(fields=["kind", "day"], name="stat_daily_kind_day")]
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")

    def __str__(self):
        return f"{self.day} {self.kind} {self.key}: {self.count}"


class ReleaseRoundFact(FactPeriodMixin):
    """One drawn round of the fair release (``day``: the draw's local day). Counts only,
    kept after the round's requests are deleted; never split by consultation."""

    source_id = models.BigIntegerField(_("source round"), unique=True)
    location = models.ForeignKey(
        "organisations.Location", on_delete=models.PROTECT, related_name="+"
    )
    slots = models.PositiveIntegerField(_("appointments in the draw"))
    confirmed_requests = models.PositiveIntegerField(_("confirmed requests"))
    allocated = models.PositiveIntegerField(_("appointments given"))
    repeat_requesters = models.PositiveIntegerField(_("requesters who had asked before"))

    class Meta:
        verbose_name = _("release round fact")
        verbose_name_plural = _("release round facts")

    def __str__(self):
        return f"{self.day} round {self.source_id}"
