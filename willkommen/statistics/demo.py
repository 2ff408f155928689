"""Demo data: a modest year of activity so the dashboard has something to show.

Idempotent: a second run finds the generated appointments and does nothing. The full
volume is available on request with ``manage.py generate_activity --days 365 --scale N``.
"""

import time

from . import activity

# ``seed_demo --no-activity`` skips this module.
GENERATES_ACTIVITY = True
DEMO_DAYS = 365
DEMO_SCALE = 0.25


def seed(stdout=None):
    if activity.already_generated():
        return
    started = time.monotonic()
    counts = activity.generate(DEMO_DAYS, DEMO_SCALE, stdout=stdout)
    if stdout and counts:
        seconds = time.monotonic() - started
        stdout.write(f"  statistics demo activity: {counts} in {seconds:.1f} s\n")
