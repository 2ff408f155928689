"""The private link's token leaves the address after its first use.

E-mails and SMS carry ``/book/manage/<code>/?token=…`` (and ``/book/confirm/…``): it has to
work in any browser, also a fresh one. But an address with a token lands in access logs,
proxy logs and the browser history, and code plus token reveal the booking, consultation
included. So the booking views, on a GET with a valid token in the address, keep the token
in the visitor's session (stored on the server; the cookie is HttpOnly, SameSite=Lax and
Secure in production) and redirect to the same address without it. Every page, form,
``.ics`` download, move and cancel of that visit then works from the clean address.

The session holds the tokens of the last few bookings opened in it; a token kept there is
checked exactly like one in the address (signature, expiry, rate limits).
"""

from django.utils.http import urlencode

SESSION_KEY = "booking_links"
CONFIRM_SESSION_KEY = "booking_confirm_links"
KEEP = 10
LINK_PARAMETER = "token"


def _key(confirm: bool) -> str:
    return CONFIRM_SESSION_KEY if confirm else SESSION_KEY


def remember(request, code: str, token: str, *, confirm: bool = False) -> None:
    """Keeps ``token`` for ``code`` in the session (the last ``KEEP`` bookings)."""
    tokens = dict(request.session.get(_key(confirm), {}))
    if tokens.get(code) == token:
        return
    tokens.pop(code, None)
    tokens[code] = token
    request.session[_key(confirm)] = dict(list(tokens.items())[-KEEP:])


def remembered(request, code: str, *, confirm: bool = False) -> str:
    """The token kept for ``code`` in this session, or ``""``."""
    return request.session.get(_key(confirm), {}).get(code, "")


def token_in_address(request) -> bool:
    """True for a page view whose address carries a token (which is to be moved)."""
    return request.method in ("GET", "HEAD") and LINK_PARAMETER in request.GET


def clean_address(request) -> str:
    """The requested address without the token (other parameters kept)."""
    query = [
        (name, value)
        for name, values in request.GET.lists()
        if name != LINK_PARAMETER
        for value in values
    ]
    return request.path + (f"?{urlencode(query)}" if query else "")
