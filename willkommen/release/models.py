"""Release rounds: scarce appointments collected as requests over a window and given out by
a verifiable lottery at the draw time, instead of to the fastest client (docs/fair-release.md).

Secrecy (docs/domain.md, rule 1): a request's consultation wish lives in its own table
(``ConsultationWish``), like booking's ``ConsultationBooking``: nothing the office or the
public can see reads it, and the draw gives office slots without looking at it.
"""

import hashlib
import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willkommen.booking.models import CODE_ALPHABET


def new_receipt_number() -> str:
    """The request's public, pseudonymous number: shown to its client and, after the draw,
    on the round's page in draw order (it names no one)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def new_seed() -> str:
    return secrets.token_hex(32)


class Leftover(models.TextChoices):
    BOOKING = "booking", _("Back to normal booking")
    WAITING_LIST = "waiting_list", _("To the waiting list in draw order")


class DayPart(models.TextChoices):
    MORNING = "morning", _("Morning (before 12:00)")
    AFTERNOON = "afternoon", _("Afternoon (from 12:00)")


class ReleaseRound(models.Model):
    """A round: a pool of office time (days × desks of one location) withheld from first
    come, a request window, and a draw. A recurring round creates its successor, a week
    later, when it is drawn."""

    location = models.ForeignKey(
        "organisations.Location",
        on_delete=models.PROTECT,
        related_name="release_rounds",
        verbose_name=_("location"),
    )
    services = models.ManyToManyField(
        "organisations.OfficeService", related_name="release_rounds", verbose_name=_("services")
    )
    desks = models.ManyToManyField(
        "organisations.Desk",
        related_name="release_rounds",
        verbose_name=_("desks in the pool"),
    )
    first_day = models.DateField(_("first day of the pool"))
    last_day = models.DateField(_("last day of the pool"))
    opens_at = models.DateTimeField(_("requests open"))
    closes_at = models.DateTimeField(_("requests close"))
    draw_at = models.DateTimeField(_("draw"))
    leftover = models.CharField(
        _("slots left after the draw"),
        max_length=16,
        choices=Leftover.choices,
        default=Leftover.WAITING_LIST,
    )
    weight_for_unlucky = models.BooleanField(
        _("extra weight for those not drawn last time"),
        default=False,
        help_text=_(
            "A contact that was not drawn in the previous round of this series counts twice."
        ),
    )
    recurs_weekly = models.BooleanField(_("repeat every week"), default=False)
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_round",
        verbose_name=_("previous round of the series"),
    )
    # The seed stays secret until the draw; its SHA-256 is public from the start.
    seed = models.CharField(max_length=64, default=new_seed, editable=False)
    seed_sha256 = models.CharField(max_length=64, editable=False)
    draw_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    drawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The pool's size as the draw found it, for the public page (recomputing it from the
    # draw record would parse megabytes on every visit).
    drawn_slots = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("release round")
        verbose_name_plural = _("release rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at"))
                & Q(closes_at__lte=models.F("draw_at"))
                & Q(first_day__lte=models.F("last_day")),
                name="release_round_times_in_order",
            )
        ]

    def __str__(self):
        return f"{self.location} {self.first_day:%Y-%m-%d}–{self.last_day:%Y-%m-%d}"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Where the window stood when loaded: a round is locked once it has opened.
        self.opens_at_initial = self.opens_at

    def save(self, *args, **kwargs):
        self.seed_sha256 = hashlib.sha256(self.seed.encode()).hexdigest()
        super().save(*args, **kwargs)

    def phase(self, now=None) -> str:
        """scheduled, open, closed (waiting for the draw) or drawn."""
        now = now or timezone.now()
        if self.drawn_at:
            return "drawn"
        if now < self.opens_at:
            return "scheduled"
        if now < self.closes_at:
            return "open"
        return "closed"

    def withholds_pool(self, now=None) -> bool:
        """Whether the pool is closed to first-come booking: from creation until the draw,
        and after it too when what is left goes to the waiting list."""
        return self.drawn_at is None or self.leftover == Leftover.WAITING_LIST


class DrawRecord(models.Model):
    """What a draw allocated from and what it gave (free pool time, every request's wish,
    the allocations): private, read only by ``verify_draw``. Kept out of the round's row so
    that no page, link or task that loads a round carries its megabytes (3.4 MB of JSON at
    100,000 requests)."""

    round = models.OneToOneField(
        ReleaseRound, on_delete=models.CASCADE, primary_key=True, related_name="draw_record"
    )
    data = models.JSONField()

    def __str__(self):
        return f"{self.round_id}"


class RequestStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for your confirmation")
    CONFIRMED = "confirmed", _("Confirmed, waiting for the draw")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ALLOCATED = "allocated", _("Drawn: you have an appointment")
    NOT_DRAWN = "not_drawn", _("Not drawn")
    LAPSED = "lapsed", _("Not confirmed in time")


# Requests that take part in the draw and hold the contact's one place in a round.
TAKING_PART = (RequestStatus.CONFIRMED, RequestStatus.ALLOCATED, RequestStatus.NOT_DRAWN)


class ReleaseRequest(models.Model):
    """A client's request in a round: which concern, which days and day-parts suit them,
    a name and one contact. It counts once confirmed through the link sent to the contact."""

    round = models.ForeignKey(ReleaseRound, on_delete=models.CASCADE, related_name="requests")
    number = models.CharField(
        _("request number"), max_length=16, unique=True, default=new_receipt_number
    )
    service = models.ForeignKey(
        "organisations.OfficeService", on_delete=models.PROTECT, related_name="+"
    )
    days = models.JSONField(_("acceptable days"), default=list, blank=True)  # [] = any
    day_parts = models.JSONField(_("acceptable day-parts"), default=list, blank=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile number"), max_length=32, blank=True)
    # One request per contact and round: the mailbox (booking.inputs.email_identity) or
    # the number in E.164, so that trivial variants of one contact count once.
    contact_key = models.CharField(max_length=254)
    language = models.CharField(max_length=8, default="de")
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.UNCONFIRMED
    )
    weight = models.PositiveSmallIntegerField(default=1)
    draw_position = models.PositiveIntegerField(null=True, blank=True)
    appointment = models.OneToOneField(
        "booking.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="release_request",
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Set once the client was told the draw's outcome (the notify task is idempotent).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "draw_position", "pk"]
        indexes = [
            # The public draw order is read page by page as a range of positions.
            models.Index(fields=["round", "draw_position"], name="release_draw_position"),
        ]
        constraints = [
            # The guard against two confirmations of one contact racing each other.
            models.UniqueConstraint(
                fields=["round", "contact_key"],
                condition=Q(status__in=TAKING_PART),
                name="release_one_request_per_contact",
            ),
        ]

    def __str__(self):
        return self.number


class ConsultationWish(models.Model):
    """The add-on consultation a request asks for. Kept apart from the request, as booking
    keeps ``ConsultationBooking`` apart from ``Appointment``."""

    request = models.OneToOneField(
        ReleaseRequest, on_delete=models.CASCADE, related_name="consultation_wish"
    )
    language = models.ForeignKey(
        "organisations.Language", on_delete=models.PROTECT, null=True, blank=True
    )
    topics = models.ManyToManyField("organisations.Topic", blank=True)
    interpreter = models.BooleanField(default=False)
    required = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.request_id}"


class UsedConfirmation(models.Model):
    """A spent confirmation link (a replay is refused)."""

    request = models.OneToOneField(ReleaseRequest, on_delete=models.CASCADE)
    used_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.request_id}"
