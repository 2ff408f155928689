"""Access-log lines without the tokens of private links (gunicorn's ``logger_class``).

The clients' manage and confirm links carry a signed token in the query string
(``/book/manage/<code>/?token=…``), and so may the API (``…/calendar.ics?token=…``) and the
``Referer`` of the request after one. Code plus token reveal the booking, consultation
included, so an access log must never keep the token: every ``token=`` value in every
field of the line (request line, query, referer, headers) becomes ``[hidden]``, also when
percent-encoded inside another URL. The pages move the token out of the address after the
first use (``willkommen.booking.link_session``); this covers that first request.

Used by ``deploy/gunicorn.conf.py``; nginx gets the same from the ``log_format`` in
docs/deploy.md. Imports only the standard library and gunicorn: gunicorn loads it before
Django.
"""

import re

from gunicorn.glogging import Logger

HIDDEN = "[hidden]"
# token=… or token%3D… up to the end of the parameter (&, %26, #, a quote or white space).
TOKEN_VALUE = re.compile(r"(?i)(token(?:=|%3D))(?:(?!%26)[^&#\s\"'])+")


def redact(text: str) -> str:
    return TOKEN_VALUE.sub(lambda match: match.group(1) + HIDDEN, text)


class TokenRedactingLogger(Logger):
    """gunicorn's logger, with every access-log field passed through :func:`redact`."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            name: redact(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }
