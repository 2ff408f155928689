"""The booking app's JSON API: ``endpoints`` (services, availability, captcha, bookings)
and ``office`` (appointments partner systems push), with their ``schemas`` and
``serialisers``."""
