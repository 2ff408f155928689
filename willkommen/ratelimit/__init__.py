"""A shared, atomic, fixed-window rate limiter (``limiter.hit``) for every limit of the
installation: bookings per address and contact, refused and used manage links, SMS caps;
and running totals without expiry (``totals``, behind ``/metrics``).

The counters live in Redis when ``REDIS_URL`` is set, otherwise in a table of the database
(``store.py``); both count atomically and keep a window's end as it was set by its first
attempt, so "6 per day" means a day on every back-end.
"""
