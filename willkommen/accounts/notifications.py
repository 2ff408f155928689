"""Telling the approvers that a change of role or organisation waits for them. The
message names who asked for what; it never contains case content."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .approvers import approvers_of
from .models import Role

logger = logging.getLogger(__name__)


def send_staff_change_notice(change) -> int:
    """E-mails everyone who may approve ``change``; returns how many were written to.
    Staff have no language of their own: the site's language (German) is used."""
    recipients = [user.email for user in approvers_of(change) if user.email]
    if not recipients:
        logger.warning("staff change %s: nobody with an e-mail address can approve it", change.pk)
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "member": change.member.get_full_name() or change.member.get_username(),
            "username": change.member.get_username(),
            "role": Role(change.role).label,
            "organisation": change.organisation,
            "requested_by": (
                change.requested_by.get_full_name() or change.requested_by.get_username()
                if change.requested_by
                else _("somebody")
            ),
            "url": settings.WILLKOMMEN_PUBLIC_URL + reverse("accounts:staff_changes"),
        }
        subject = _("Approval needed: %(member)s as %(role)s of %(organisation)s") % context
        body = render_to_string("accounts/email/staff_change.txt", context)
    send_mail(subject, body, None, recipients)
    return len(recipients)
