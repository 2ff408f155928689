"""Background work: the periodic re-check of office appointments (``sync.run``), and the
follow-up of a partner's move or cancellation. Run by the task worker; queued every few
minutes by ``manage.py sync_office_systems`` from a timer (docs/office-systems.md)."""

from django.utils import timezone
from django_tasks import task

from . import sync
from .models import HeldAppointment, OfficeLink


@task()
def sync_office_appointments() -> dict:
    """One pass over the due office appointments; returns the report's counts."""
    report = sync.run()
    return {key: value for key, value in vars(report).items() if key != "errors"}


@task()
def follow_held_appointment(held_id: int) -> int:
    """A partner moved or cancelled an appointment: the consultations around it (if any)
    follow now instead of at the next periodic run. Returns how many links were checked."""
    held = HeldAppointment.objects.filter(pk=held_id).first()
    if held is None:
        return 0
    now = timezone.now()
    links = OfficeLink.objects.filter(
        is_active=True, location_id=held.location_id, adapter="inbound", reference=held.reference
    )
    checked = 0
    for link in links:
        try:
            sync.check(link, now)
        except sync.OfficeSystemError:
            continue  # counted on the link; the periodic run asks again after the back-off
        checked += 1
    return checked
