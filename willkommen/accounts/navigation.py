"""The staff start page's links, each shown only to roles the policy allows.

Apps add their entries here, so that the start page and the policy agree by
construction: a link is shown exactly when its view's permission is granted.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .policy import Permission, has_permission


@dataclass(frozen=True)
class NavigationEntry:
    url_name: str
    label: str
    description: str
    permission: Permission


ENTRIES: list[NavigationEntry] = [
    NavigationEntry(
        "admin:index",
        _("System administration"),
        _("Accounts, API keys and technical settings."),
        Permission.OPERATE,
    ),
    NavigationEntry(
        "scheduling_staff:locations",
        _("Locations and opening hours"),
        _("Opening hours, closing days, desks and rooms, booking rules."),
        Permission.MANAGE_LOCATIONS,
    ),
    NavigationEntry(
        "scheduling_staff:counsellors",
        _("Counsellor shifts"),
        _("Weekly shifts, absences and extra shifts of counsellors."),
        Permission.MANAGE_ORGANISATION_SHIFTS,
    ),
    NavigationEntry(
        "booking_staff:calendar",
        _("Office calendar"),
        _("The office appointments of a day: arrivals and no-shows."),
        Permission.VIEW_OFFICE_CALENDAR,
    ),
    NavigationEntry(
        "walkins_staff:intake",
        _("New walk-in"),
        _("Register a person from the waiting area and hand out a ticket."),
        Permission.REGISTER_WALK_IN,
    ),
    NavigationEntry(
        "walkins_staff:queue",
        _("Walk-in queue"),
        _("Who is waiting, estimated waits, calling the next person."),
        Permission.VIEW_WALK_IN_QUEUE,
    ),
    NavigationEntry(
        "directory_staff:list",
        _("Directory of local offers"),
        _("Offers and their translations, review dates, import and export."),
        Permission.MANAGE_DIRECTORY,
    ),
    NavigationEntry(
        "directory_staff:referral_sheet",
        _("Referral sheet"),
        _("Print chosen local offers in the client's language and German."),
        Permission.DOCUMENT_CONSULTATION,
    ),
    NavigationEntry(
        "consultations_staff:day",
        _("Counsellor's day"),
        _("Booked consultations, walk-ins, documenting consultations, follow-ups."),
        Permission.VIEW_OWN_CONSULTATIONS,
    ),
    NavigationEntry(
        "consultations_staff:audit_log",
        _("Audit log"),
        _("Who read or changed your organisation's case content, and refused attempts."),
        Permission.READ_ORGANISATION_AUDIT_LOG,
    ),
    NavigationEntry(
        "accounts:staff_changes",
        _("Changes of role or organisation"),
        _("Approve or reject changes that give an account access to case content."),
        Permission.APPROVE_STAFF_CHANGES,
    ),
    NavigationEntry(
        "statistics_staff:dashboard",
        _("Statistics"),
        _("Consultations, utilisation, walk-ins and exports across all organisations."),
        Permission.VIEW_ALL_STATISTICS,
    ),
    NavigationEntry(
        "statistics_staff:organisation_dashboard",
        _("Statistics of my organisation"),
        _("Your organisation's consultations, utilisation and monthly report."),
        Permission.VIEW_ORGANISATION_STATISTICS,
    ),
]


def entries_for(user):
    links = []
    for entry in ENTRIES:
        if not has_permission(user, entry.permission):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        links.append({"url": url, "label": entry.label, "description": entry.description})
    return links
