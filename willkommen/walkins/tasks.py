"""Background work of the walk-in queue, for the Django Tasks worker.

``walkins_housekeeping`` (a management command, run every minute by cron or a systemd
timer) enqueues ``apply_office_appointment_holds``; the queue pages also apply holds
lazily whenever they are read, so the task only matters when nobody looks.
"""

from django_tasks import task

from willkommen.organisations.models import Location

from . import heads_up, services


@task()
def apply_office_appointment_holds():
    held = resumed = 0
    for location in Location.objects.filter(is_active=True):
        location_held, location_resumed = services.apply_holds(location)
        held += location_held
        resumed += location_resumed
    closed = services.close_stale_tickets()
    forgotten = heads_up.forget_contacts()
    notified = heads_up.check_all()
    return {
        "held": held,
        "resumed": resumed,
        "closed": closed,
        "heads_up_sent": notified,
        "heads_up_contacts_deleted": forgotten,
    }
