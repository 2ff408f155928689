"""Enumerates every staff URL, so that the role test cannot miss one.

URLs with parameters need sample values: each app's tests put a module
``tests/url_samples_<app>.py`` with a dict ``SAMPLE_KWARGS`` mapping the URL's
``namespace:name`` to a builder. The builder receives the ``staff`` fixture (one member per
role), creates what the URL points at (owned by the right organisation) and returns the
URL kwargs.
"""

import importlib
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from willkommen.accounts import policy
from willkommen.directory.models import Offer

# Public or auth-machinery URLs under /staff/ that every visitor may open.
PUBLIC_STAFF_URLS = {
    "accounts:login",
    "accounts:logout",
    "accounts:oidc_login",
    "accounts:oidc_callback",
}

SAMPLE_KWARGS = {}
for _module_path in sorted(Path(__file__).parent.glob("url_samples_*.py")):
    _module = importlib.import_module(f"tests.{_module_path.stem}")
    SAMPLE_KWARGS.update(_module.SAMPLE_KWARGS)


def _may_change_the_offer(user, kwargs):
    return policy.can_change_offer(user, Offer.objects.get(pk=kwargs["pk"]))


# Pages whose object decides too, beyond the view's permission: an offer belongs to one
# organisation (the sample offer to the city), so another organisation's lead gets 403.
OBJECT_CHECKS = {
    "directory_staff:edit": _may_change_the_offer,
    "directory_staff:set_active": _may_change_the_offer,
    "directory_staff:history": _may_change_the_offer,
}


def walk(patterns=None, prefix="", namespace=None):
    patterns = patterns if patterns is not None else get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            child_ns = entry.namespace or namespace
            if entry.namespace and namespace:
                child_ns = f"{namespace}:{entry.namespace}"
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), child_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield prefix + str(entry.pattern), name, entry


def staff_url_patterns():
    return [
        (route, name, pattern)
        for route, name, pattern in walk()
        if route.startswith("staff/") and name not in PUBLIC_STAFF_URLS
    ]
