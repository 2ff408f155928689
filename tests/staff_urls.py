"""Enumerates every staff URL, so that the role test cannot miss one.

URLs with parameters need sample values: add a builder to ``SAMPLE_KWARGS`` (keyed by the
URL's ``namespace:name``) that creates what the URL points at and returns its kwargs.
The builder receives the ``staff`` fixture (one member per role) so it can create objects
owned by the right organisation.
"""

from django.urls import URLPattern, URLResolver, get_resolver

# Public or auth-machinery URLs under /staff/ that every visitor may open.
PUBLIC_STAFF_URLS = {"accounts:login", "accounts:logout"}

SAMPLE_KWARGS = {}


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
