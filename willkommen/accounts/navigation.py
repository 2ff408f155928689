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
