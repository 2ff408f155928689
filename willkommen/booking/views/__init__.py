"""The client's pages of the booking app, by audience: the booking flow (``flow``), the
private link (``manage``), a consultation around an appointment booked elsewhere
(``elsewhere``, ``office_lookup``)."""
