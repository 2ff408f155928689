"""Why a booking cannot be made or changed: one exception per reason, each with a
translated message for the client and a stable machine ``code`` for the API."""

from django.utils.translation import gettext_lazy as _

from willkommen.errors import DomainError


class BookingError(DomainError):
    code = "booking_error"
    status = 400
    default_message = _("The booking could not be made.")

    def __init__(self, message=None, **extra):
        self.extra = extra
        super().__init__(message)


class SlotUnavailable(BookingError):
    code = "slot_unavailable"
    status = 409
    default_message = _(
        "Sorry, this time has just been taken or is not available. Please choose another time."
    )

    def __init__(self, message=None, alternatives=None, **extra):
        super().__init__(message, **extra)
        self.alternatives = list(alternatives or [])


class ConsultationUnavailable(SlotUnavailable):
    code = "consultation_unavailable"
    default_message = _(
        "Sorry, no counsellor is free for a consultation around this time. Please choose "
        "another time."
    )


class OutsideBookingWindow(BookingError):
    code = "outside_booking_window"
    status = 422
    default_message = _("This date cannot be booked: it is in the past or too far ahead.")


class UnknownService(BookingError):
    code = "unknown_service"
    status = 422
    default_message = _("This concern is unknown or cannot be booked online.")


class UnknownLanguage(BookingError):
    code = "unknown_language"
    status = 422
    default_message = _("This language is not offered.")


class UnknownTopic(BookingError):
    code = "unknown_topic"
    status = 422
    default_message = _("This topic is unknown.")


class InvalidContact(BookingError):
    code = "invalid_contact"
    status = 422
    default_message = _(
        "Please give a valid e-mail address or mobile number so that we can reach you."
    )

    def __init__(self, message=None, field=None, **extra):
        super().__init__(message, **extra)
        self.field = field


class TooManyOpenBookings(BookingError):
    code = "too_many_open_bookings"
    status = 409
    default_message = _(
        "You already have the maximum number of open bookings. Please cancel one first."
    )


class RateLimited(BookingError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many attempts. Please wait a few minutes and try again.")
    # Seconds until the client may try again (the ``Retry-After`` header), when the caller
    # knows the limit's window; otherwise a few minutes, as the message says.
    default_retry_after = 300

    def __init__(self, message=None, retry_after=None, **extra):
        super().__init__(message, **extra)
        self.retry_after = int(retry_after or self.default_retry_after)


class InvalidManageToken(BookingError):
    code = "invalid_manage_token"
    status = 403
    default_message = _("This link is invalid or has expired.")

    def __init__(self, message=None, expired=False, **extra):
        super().__init__(message, **extra)
        self.expired = expired


class CaptchaInvalid(BookingError):
    code = "captcha_invalid"
    status = 422
    default_message = _("The check that you are human failed or expired. Please try again.")


class NotChangeable(BookingError):
    code = "not_changeable"
    status = 409
    default_message = _("This booking can no longer be changed.")
