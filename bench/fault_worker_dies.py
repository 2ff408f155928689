"""A background worker dies in the middle of sending reminders: after a restart every
reminder has been sent exactly once.

    .venv/bin/python bench/fault_worker_dies.py     # ~1 minute, stops by itself

A private PostgreSQL cluster with ``BENCH_APPOINTMENTS`` (96) booked appointments for
tomorrow, each due for its reminder. The reminder task is queued in the database queue
and a real worker (``manage.py db_worker``) starts on it; each e-mail is recorded on disk
before the next (bench/ops_mail.py). When a third of them is out, the worker is killed
with SIGKILL. Then, as the ``send_reminders`` timer does, the task is queued again and a
new worker started.

Checks (exit status 1 otherwise): every appointment got exactly one reminder, every one
is marked ``reminder_sent_at``, and the kill really happened mid-batch. The worker marks
an appointment and sends its reminder in one transaction with ``SELECT … FOR UPDATE SKIP
LOCKED`` (willkommen/booking/tasks.py): killed before the commit, the mark is rolled back
and the reminder is sent by the next run. The one case that could still send twice is a
kill in the microseconds between the mail server accepting a message and the commit;
the script reports it if it happens.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from ops_common import ROOT, VENV_BIN, PrivateCluster, django_env, manage  # noqa: E402

APPOINTMENTS = int(os.environ.get("BENCH_APPOINTMENTS", "96"))
TIME_LIMIT = 90


def create_due_appointments(world):
    from django.utils import timezone

    from willkommen.booking.models import Appointment, AppointmentStatus
    from willkommen.clock import LOCAL_ZONE, local_datetime

    tomorrow = timezone.now().astimezone(LOCAL_ZONE).date() + timedelta(days=1)
    made = 0
    for slot in range(APPOINTMENTS):
        desk = world.desks[slot % len(world.desks)]
        minutes = 8 * 60 + (slot // len(world.desks)) * 20
        start = local_datetime(tomorrow, clock(minutes // 60, minutes % 60))
        Appointment.objects.create(
            location=world.location,
            service=world.service,
            desk=desk,
            start=start,
            end=start + timedelta(minutes=20),
            status=AppointmentStatus.BOOKED,
            name=f"Client {slot}",
            email=f"client{slot}@example.org",
        )
        made += 1
    return made


def start_worker(env, log_path):
    log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [str(VENV_BIN / "python"), "manage.py", "db_worker", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=log,
    )


def lines(path):
    return path.read_text().splitlines() if path.exists() else []


def main():
    try:
        run()
    finally:
        shutil.rmtree(MAIL_DIR, ignore_errors=True)


MAIL_DIR = Path(tempfile.mkdtemp(prefix="wk-bench-mail-"))


def run():
    deadline = time.monotonic() + TIME_LIMIT
    mail_log = MAIL_DIR / "sent.log"
    with PrivateCluster() as cluster:
        cluster.create_database("wk_worker")
        url = cluster.url("wk_worker")
        env = django_env(url, BENCH_MAIL_LOG=str(mail_log))
        manage(env, "migrate", "--noinput")
        os.environ["BENCH_MAIL_LOG"] = str(mail_log)
        from ops_common import build_office, setup_django

        setup_django(url)
        from willkommen.booking.models import Appointment
        from willkommen.booking.tasks import send_due_reminders

        world, _api_key, _days = build_office(desk_count=8)
        total = create_due_appointments(world)
        send_due_reminders.enqueue()

        from django_tasks_db.models import DBTaskResult

        worker = start_worker(env, mail_log.with_name("worker.log"))
        while len(lines(mail_log)) < total // 3 and time.monotonic() < deadline:
            if DBTaskResult.objects.failed().exists():
                break  # the task crashed: no point waiting (reported below)
            time.sleep(0.05)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        sent_before_kill = len(lines(mail_log))
        marked_before_restart = Appointment.objects.filter(reminder_sent_at__isnull=False).count()

        send_due_reminders.enqueue()  # what the next send_reminders timer run does
        worker = start_worker(env, mail_log.with_name("worker.log"))
        try:
            while time.monotonic() < deadline:
                if not Appointment.objects.filter(reminder_sent_at__isnull=True).exists():
                    break
                if DBTaskResult.objects.failed().count() > 1:
                    break
                time.sleep(0.2)
            time.sleep(1)  # let a (wrong) second sending show up
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        per_recipient = Counter(line.split("\t")[0] for line in lines(mail_log))
        figures = {
            "run": "worker killed mid-batch, then restarted",
            "appointments_due": total,
            "sent_before_kill": sent_before_kill,
            "marked_before_restart": marked_before_restart,
            "sent_total": sum(per_recipient.values()),
            "recipients_with_exactly_one": sum(1 for n in per_recipient.values() if n == 1),
            "recipients_twice_or_more": sum(1 for n in per_recipient.values() if n > 1),
            "recipients_missing": total - len(per_recipient),
            "unmarked_after_restart": Appointment.objects.filter(
                reminder_sent_at__isnull=True
            ).count(),
        }
        print(json.dumps(figures), flush=True)
        if figures["unmarked_after_restart"]:
            worker_log = mail_log.with_name("worker.log").read_text()
            print("worker log (end):", worker_log[-600:], flush=True)
    failed = (
        figures["recipients_with_exactly_one"] != total
        or figures["unmarked_after_restart"]
        or not (0 < sent_before_kill < total)
    )
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
