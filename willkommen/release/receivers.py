"""Where the fair release hooks into booking (imported from ``ReleaseConfig.ready()``):
pools withheld from first come, cancelled slots of a draw to the waiting list, and the
requester's name kept on a drawn booking."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from willkommen.booking import pools, signals
from willkommen.booking.models import Appointment
from willkommen.scheduling import config_cache

from . import waiting
from .errors import NameLocked
from .models import ReleaseRequest, ReleaseRound
from .pool import withheld_desk_days

pools.register(withheld_desk_days)
# The pools are read through the configuration memo: a round's change reaches it at once.
post_save.connect(config_cache.invalidate, sender=ReleaseRound, dispatch_uid="release-pool-save")
post_delete.connect(config_cache.invalidate, sender=ReleaseRound, dispatch_uid="release-pool-del")
m2m_changed.connect(
    config_cache.invalidate, sender=ReleaseRound.desks.through, dispatch_uid="release-pool-desks"
)
# The intake reads rounds and their concerns through it too (``requests.round_by_id``).
m2m_changed.connect(
    config_cache.invalidate,
    sender=ReleaseRound.services.through,
    dispatch_uid="release-round-services",
)


@receiver(signals.booking_cancelled, dispatch_uid="release_waiting_list")
def on_booking_cancelled(sender, appointment, **kwargs):
    if appointment.service_id is not None and not appointment.is_external:
        waiting.give_to_next(appointment)


@receiver(signals.booking_moved, dispatch_uid="release_waiting_list_move")
def on_booking_moved(sender, appointment, previous_slot=None, **kwargs):
    """A drawn appointment moved elsewhere: the slot it left goes to the waiting list too."""
    if previous_slot is not None and previous_slot[:2] != (appointment.desk_id, appointment.start):
        waiting.give_to_next(appointment, slot=previous_slot)


@receiver(pre_save, sender=Appointment, dispatch_uid="release_name_kept")
def keep_drawn_name(sender, instance, update_fields=None, **kwargs):
    """Against resale: an appointment from a draw keeps the name it was requested for,
    whatever saves it (a form, the API, the admin)."""
    if instance.pk is None or (update_fields is not None and "name" not in update_fields):
        return
    requested = (
        ReleaseRequest.objects.filter(appointment_id=instance.pk)
        .values_list("name", flat=True)
        .first()
    )
    if requested is not None and instance.name != requested:
        raise NameLocked()
