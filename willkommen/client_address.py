"""The client's address: the one place that decides it.

Behind a reverse proxy ``REMOTE_ADDR`` is the proxy's address for every request: gunicorn
does not replace it (its ``--forwarded-allow-ips`` governs only the scheme headers). The
client's address is then in ``X-Forwarded-For``, which each proxy appends to – and which
anybody can send with any content. So the header is read only when the request comes from
a trusted proxy (``TRUSTED_PROXIES``, addresses or networks), and only as far as trusted
proxies vouch for it: read from the right, each trusted hop names the one before it, and
the first address that is not a trusted proxy is the client. Whatever stands further left
was written by the client and is ignored; so is the whole header when the direct peer is
not a trusted proxy. A malformed entry ends the walk: the request is then attributed to
the last trusted hop, never to the garbage or to anything left of it.

Rate limits, the login lock-out (axes), the audit log, the idempotency scope of the API,
the ``/metrics`` allow-list and the request log all ask :func:`client_ip`.

Not django-ipware: it trusts proxies by address *prefix* strings, takes the left-most
address by default and falls back through a list of other headers, each of which a client
can forge; what is needed here is a dozen lines over :mod:`ipaddress`.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Longer than any address with a port or an IPv6 zone: anything longer is garbage.
MAX_ENTRY_LENGTH = 64


def parse_address(text: str | None):
    """The address in one ``X-Forwarded-For`` entry or ``REMOTE_ADDR`` (``1.2.3.4``,
    ``1.2.3.4:5678``, ``2001:db8::1``, ``[2001:db8::1]:443``), IPv4-mapped IPv6 as IPv4;
    None for anything else."""
    text = (text or "").strip()
    if not text or len(text) > MAX_ENTRY_LENGTH:
        return None
    if text.startswith("["):
        text, bracket, _port = text[1:].partition("]")
        if not bracket:
            return None
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]):
    try:
        return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in configured)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None


def trusted_networks():
    """The networks of ``settings.TRUSTED_PROXIES`` (empty: no proxy is trusted)."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def _is_trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The client's address as a normalised string, or None when there is none (no
    request, or a ``REMOTE_ADDR`` that is not an address, as on a Unix socket)."""
    if request is None:
        return None
    peer = parse_address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    networks = trusted_networks()
    if not networks or not _is_trusted(peer, networks):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR") or ""
    for entry in reversed(forwarded.split(",") if forwarded.strip() else []):
        address = parse_address(entry)
        if address is None:
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)
