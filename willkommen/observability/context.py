"""The id of the request being served, for log records and the ``X-Request-ID`` header.

A context variable rather than a thread-local, so that it is also right under ASGI.
"""

import contextvars

current_request_id = contextvars.ContextVar("willkommen_request_id", default="-")
