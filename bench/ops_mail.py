"""An e-mail backend for bench/fault_worker_dies.py: every message becomes one line
(recipient and subject) appended to ``BENCH_MAIL_LOG`` and flushed to disk before
``send`` returns, so that a worker killed with SIGKILL leaves an exact record of what it
had handed over. A short pause per message makes the kill land in the middle of a batch."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        path = os.environ["BENCH_MAIL_LOG"]
        for message in email_messages:
            time.sleep(float(os.environ.get("BENCH_MAIL_DELAY", "0.05")))
            with open(path, "a") as log:
                log.write(f"{','.join(message.to)}\t{message.subject}\n")
                log.flush()
                os.fsync(log.fileno())
        return len(email_messages)
