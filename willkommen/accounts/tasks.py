"""Background work of the staff accounts: telling approvers about a pending change."""

from django_tasks import task

from . import notifications
from .models import StaffChangeRequest, StaffChangeStatus


@task()
def notify_staff_change(change_id: int) -> int:
    change = (
        StaffChangeRequest.objects.select_related("member", "organisation", "requested_by")
        .filter(pk=change_id, status=StaffChangeStatus.PENDING)
        .first()
    )
    if change is None:
        return 0
    return notifications.send_staff_change_notice(change)
