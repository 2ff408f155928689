"""Which way each message to the client goes, when they gave an e-mail address, a mobile
number, or both (docs/booking.md, "Both contacts").

With one contact, every message goes there. With both, each goes where it suits:

* **e-mail** carries what is long or kept: the confirmation with its calendar file, and
  the changes the client made themselves (with the updated calendar file);
* **SMS** carries what is short and timely: the reminder of the day before;
* **both** carry what the client must not miss: the link that makes a booking final
  before it expires, and changes made by the office (moved or cancelled by it).

Plain data and one function, no sending: ``notifications.send_booking_message`` asks
``channels_for`` and sends.
"""

EMAIL = "email"
SMS = "sms"

# With both contacts given: where each kind of message goes.
WITH_BOTH = {
    "confirmation": (EMAIL,),
    "confirm_request": (EMAIL, SMS),
    "moved": (EMAIL,),
    "consultation_moved": (EMAIL,),
    "moved_without_consultation": (EMAIL,),
    "consultation_cancelled": (EMAIL,),
    "cancelled": (EMAIL,),
    "reminder": (SMS,),
    "office_moved": (EMAIL, SMS),
    "office_moved_no_consultation": (EMAIL, SMS),
    "office_cancelled": (EMAIL, SMS),
    # A new link goes only where it was asked for (lost_link.py names the channel).
    "lost_link": (EMAIL, SMS),
}


def channels_for(kind: str, email: str | None, phone: str | None) -> tuple[str, ...]:
    """The channels message ``kind`` goes by, for a client with these contacts. A kind not
    listed goes by both: better twice than never."""
    if email and phone:
        return WITH_BOTH.get(kind, (EMAIL, SMS))
    if email:
        return (EMAIL,)
    if phone:
        return (SMS,)
    return ()


def confirmation_channels(appointment) -> dict:
    """Where the confirmation and the reminder of ``appointment`` go, for the confirmation
    page ("we sent this to …"): {"confirmation": (...), "reminder": (...)}."""
    return {
        kind: channels_for(kind, appointment.email, appointment.phone)
        for kind in ("confirmation", "confirm_request", "reminder")
    }
