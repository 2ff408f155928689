"""E-mails and SMS printed readably on the console: the demo's and a developer's outbox.

Django's console e-mail backend prints the raw MIME message: a subject in umlauts or
Arabic as an encoded word, the text followed by its HTML twin and the calendar file's
source. These backends print what the client would read: recipient, subject, the
plain-text body as it is (links whole, with their tokens: the demo's clients are fictional
and the console is the developer's own) and the names of the attachments. ``make demo``
runs the background worker, which sends them, on the console where it was started.

Never in production: a server's console is a log, and logs never show a full phone number
or a link's token (``booking/sms.py``).
"""

import logging
import sys
import threading

from django.core.mail.backends.base import BaseEmailBackend

WIDTH = 72


def _rule(title=""):
    head = f"---- {title} " if title else ""
    return head + "-" * max(WIDTH - len(head), 4)


def _write(stream, text):
    """Writes and flushes (the worker's output may be a pipe); a console that cannot show
    a script gets escapes instead of a crash."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
    stream.flush()


def _attachment_name(attachment):
    if isinstance(attachment, tuple):  # (filename, content, mimetype)
        filename, _content, mimetype = attachment
        return f"{filename or 'unnamed'} ({mimetype or 'application/octet-stream'})"
    return f"{attachment.get_filename() or 'unnamed'} ({attachment.get_content_type()})"


def format_email(message) -> str:
    """The message as the client would read it."""
    lines = [
        _rule("E-mail"),
        f"From:    {message.from_email}",
        f"To:      {', '.join(message.to)}",
    ]
    if message.cc:
        lines.append(f"Cc:      {', '.join(message.cc)}")
    lines.append(f"Subject: {message.subject}")
    extras = [
        f"also as {alternative[1]}" for alternative in getattr(message, "alternatives", [])
    ]
    extras += [f"attached: {_attachment_name(item)}" for item in message.attachments]
    if extras:
        lines.append(f"({'; '.join(extras)})")
    lines += ["", message.body.rstrip(), _rule(), ""]
    return "\n".join(lines)


def format_sms(to_e164: str, text: str) -> str:
    return "\n".join([_rule(f"SMS to {to_e164}"), text.rstrip(), _rule(), ""])


class EmailBackend(BaseEmailBackend):
    """``EMAIL_BACKEND`` for the demo and development."""

    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        with self._lock:
            for message in email_messages:
                _write(self.stream, format_email(message) + "\n")
        return len(email_messages)


class SmsBackend:
    """``SMS_BACKEND`` for the demo and development (``booking/sms.py`` names the
    interface: ``send(to_e164, text)``)."""

    stream = None

    def send(self, to_e164: str, text: str) -> None:
        _write(self.stream or sys.stdout, format_sms(to_e164, text) + "\n")


class QuietTaskProgress(logging.Filter):
    """A logging filter for the demo's console: the worker announces every task it runs
    and finishes (``db_worker`` sets those loggers to INFO itself), which would bury the
    e-mails; warnings and failures still pass."""

    def filter(self, record):
        return record.levelno >= logging.WARNING or not record.name.startswith("django_tasks")
