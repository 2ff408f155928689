"""How often a booked consultation finds no counsellor free at once — replayed over the
demo's generated year.

Since the public consultation answer comes from duty alone (docs/security.md, "Public
consultation answers"), a client is given the offered consultation time even when every
counsellor who speaks the language is already booked then. Such a consultation stays
without a counsellor: the client is called from the waiting area with priority. This
script measures how often that happens, and, beside it as the baseline, how often the
old design (an answer from real occupancy) would have refused the consultation at the
time the client chose.

The demand is the generated year of ``seed_demo`` (``statistics/activity.py``): every
office appointment that added a consultation, with its language and interpreter flag,
booked in a random order within each day (seed fixed). The supply is the demo's weekly
shifts and languages. Both designs run over the same requests side by side:

* new: offered if a counsellor who may hold it is on duty then (configuration only);
  then given to the best free one, else left without a counsellor;
* old: offered only if such a counsellor is on duty *and free*; else refused at that
  time (the client would have had to pick another time or go without).

    .venv/bin/python bench/consultation_capacity.py            # a fresh SQLite under var/
    DATABASE_URL=postgres://... .venv/bin/python bench/consultation_capacity.py
"""

import os
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "willkommen.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-capacity.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from willkommen.booking.models import ConsultationBooking  # noqa: E402
from willkommen.clock import LOCAL_ZONE  # noqa: E402
from willkommen.scheduling.calendar import closed_days, schedule_for  # noqa: E402
from willkommen.scheduling.duty import DutyIndex, duty_candidates  # noqa: E402
from willkommen.scheduling.intervals import epoch  # noqa: E402

SEED = 2026


def demand():
    """(location, day, [requests]) per day, each request (start, end, language, interp)."""
    by_day = defaultdict(list)
    rows = ConsultationBooking.objects.select_related("appointment__location", "language")
    for booking in rows.order_by("appointment__start", "pk"):
        appointment = booking.appointment
        day = appointment.start.astimezone(LOCAL_ZONE).date()
        by_day[(appointment.location, day)].append(
            (appointment.start, appointment.end, booking.language.code, booking.interpreter)
        )
    return by_day


def overlaps(busy, start, end):
    return any(other_start < end and start < other_end for other_start, other_end in busy)


def replay(by_day):
    rng = random.Random(SEED)
    figures = Counter()
    per_language = defaultdict(Counter)
    for (location, day), requests in sorted(by_day.items(), key=lambda item: item[0][1]):
        schedule = schedule_for(location)
        length, buffer = schedule.consultation_minutes * 60, schedule.buffer_minutes * 60
        closed = closed_days(location, day, day)
        rng.shuffle(requests)
        new_busy, old_busy = defaultdict(list), defaultdict(list)
        for start, end, language, interpreter in requests:
            figures["requests"] += 1
            per_language[language]["requests"] += 1
            index = DutyIndex(location, day, day, closed, language, interpreter)
            options = index.options(
                day, epoch(start), epoch(end), length, buffer, earliest=0
            )
            # New design: the offered time, then a counsellor if one is free.
            if not options:
                figures["new: not offered"] += 1
                per_language[language]["new: not offered"] += 1
            else:
                option = options[0]
                candidates = duty_candidates(
                    location, option.start, option.end, language=language, interpreter=interpreter
                )
                free = [
                    c.counsellor_id
                    for c in candidates
                    if not overlaps(new_busy[c.counsellor_id], option.start, option.end)
                ]
                if free:
                    new_busy[free[0]].append((option.start, option.end))
                    figures["new: counsellor at once"] += 1
                else:
                    figures["new: without counsellor"] += 1
                    per_language[language]["new: without counsellor"] += 1
            # Old design: only times where such a counsellor is free were offered.
            placed = False
            for option in options:
                candidates = duty_candidates(
                    location, option.start, option.end, language=language, interpreter=interpreter
                )
                free = [
                    c.counsellor_id
                    for c in candidates
                    if not overlaps(old_busy[c.counsellor_id], option.start, option.end)
                ]
                if free:
                    old_busy[free[0]].append((option.start, option.end))
                    placed = True
                    break
            if not placed:
                figures["old: refused at that time"] += 1
                per_language[language]["old: refused"] += 1
    return figures, per_language


def share(part, whole):
    return f"{100 * part / whole:5.1f} %" if whole else "  –"


def main():
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    by_day = demand()
    figures, per_language = replay(by_day)
    total = figures["requests"]
    offered = total - figures["new: not offered"]
    print(f"days with consultation requests: {len(by_day)}")
    print(f"consultation requests (demo year): {total}")
    print(f"offered by duty (new and old alike could offer): {offered} ({share(offered, total)})")
    print()
    print("new design (answer from duty; counsellor given privately):")
    at_once = figures["new: counsellor at once"]
    without = figures["new: without counsellor"]
    print(f"  counsellor at once:          {at_once:6d}  {share(at_once, offered)} of offered")
    print(f"  without counsellor (waits):  {without:6d}  {share(without, offered)} of offered")
    print("old design (answer from real occupancy), the baseline:")
    refused = figures["old: refused at that time"] - figures["new: not offered"]
    print(f"  refused at the chosen time:  {refused:6d}  {share(refused, offered)} of offered")
    print()
    print("by language: requests, without counsellor (new), refused (old)")
    for language, counts in sorted(per_language.items(), key=lambda item: -item[1]["requests"]):
        requests = counts["requests"]
        old_refused = counts["old: refused"] - counts["new: not offered"]
        print(
            f"  {language:4s} {requests:6d}  "
            f"{share(counts['new: without counsellor'], requests)}  "
            f"{share(old_refused, requests)}"
        )


if __name__ == "__main__":
    main()
