"""Booking's public operations, in one place for views, the API, commands and the other
apps. Each lives in the module of its seam:

* ``inputs`` — checking what a client asks for (no writes);
* ``bookings`` — new bookings: check a chosen time, book both parts, a consultation
  around an appointment held elsewhere;
* ``changes`` — confirm, cancel, move;
* ``holds`` — bookings waiting for their confirmation link, and their expiry;
* ``consultation_time`` — the add-on consultation's offered time and its row;
* ``placement`` / ``assignment`` — the guard against giving a desk or a counsellor twice,
  and the private choice of the counsellor.

Guarantees: both parts or nothing, in one transaction; never a desk or counsellor twice
(``placement``); nothing the public or the office can see depends on whether a booking
carries a consultation (docs/security.md); nothing is held before a contact is given;
bad input changes nothing.
"""

from .bookings import (
    AllocatedSlot,
    BookingResult,
    add_consultation_to_external,
    book,
    book_allocated,
    book_allocated_many,
    check_choice,
)
from .changes import (
    cancel_booking,
    cancel_consultation,
    confirm_booking,
    move_booking,
    move_consultation,
    release_consultation_after_no_show,
)
from .consultation_time import (
    consultation_is_known,
    consultation_of,
    language_of,
    offered_consultation_or_none,
)
from .errors import (
    BookingError,
    CaptchaInvalid,
    ConsultationUnavailable,
    InvalidContact,
    InvalidManageToken,
    NotChangeable,
    OutsideBookingWindow,
    RateLimited,
    SlotUnavailable,
    TooManyOpenBookings,
    UnknownLanguage,
    UnknownService,
    UnknownTopic,
)
from .holds import release_expired_holds
from .inputs import (
    ConsultationRequest,
    DayClosed,
    check_consultation_request,
    consultation_request_of,
    email_identity,
    get_bookable_service,
    normalise_contact,
)

__all__ = [
    "AllocatedSlot",
    "BookingError",
    "BookingResult",
    "CaptchaInvalid",
    "ConsultationRequest",
    "ConsultationUnavailable",
    "DayClosed",
    "InvalidContact",
    "InvalidManageToken",
    "NotChangeable",
    "OutsideBookingWindow",
    "RateLimited",
    "SlotUnavailable",
    "TooManyOpenBookings",
    "UnknownLanguage",
    "UnknownService",
    "UnknownTopic",
    "add_consultation_to_external",
    "book",
    "book_allocated",
    "book_allocated_many",
    "cancel_booking",
    "cancel_consultation",
    "check_choice",
    "check_consultation_request",
    "confirm_booking",
    "consultation_is_known",
    "consultation_of",
    "consultation_request_of",
    "email_identity",
    "get_bookable_service",
    "language_of",
    "move_booking",
    "move_consultation",
    "normalise_contact",
    "offered_consultation_or_none",
    "release_consultation_after_no_show",
    "release_expired_holds",
]
