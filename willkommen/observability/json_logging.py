"""One JSON object per log line, for journald/Loki/ELK (switch on with ``LOG_FORMAT=json``).

Every record carries the request id of the request that produced it, so that the lines of
one request (and the ``X-Request-ID`` the reverse proxy logged) can be joined.
"""

import json
import logging
from datetime import UTC, datetime

from .context import current_request_id

# Attributes every LogRecord has; anything else was passed via ``extra=`` and is kept.
STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys()) | {
    "message",
    "asctime",
    "request_id",
}


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (``-`` outside a request) for both formatters."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """Formats a record as a single-line JSON object with a UTC ISO timestamp."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", current_request_id.get()),
        }
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value if _is_json_safe(value) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _is_json_safe(value):
    return isinstance(value, (str, int, float, bool, type(None), list, dict))
