"""Why a request in a release round is refused: one exception per reason, with a message
in the client's language and a stable ``code`` for the API (``willkommen.errors``)."""

from django.utils.translation import gettext_lazy as _

from willkommen.errors import DomainError


class ReleaseError(DomainError):
    code = "release_error"
    status = 400
    default_message = _("This request could not be carried out.")


class RoundNotFound(ReleaseError):
    code = "round_not_found"
    status = 404
    default_message = _("There is no such release round.")


class OrderNotPublished(ReleaseError):
    code = "order_not_published"
    status = 404
    default_message = _(
        "There is no such page of the draw order: the order is published after the draw."
    )


class WindowClosed(ReleaseError):
    code = "window_closed"
    status = 409
    default_message = _(
        "Requests for this round are not accepted now: the request window is closed."
    )


class InvalidRequestLink(ReleaseError):
    code = "invalid_request_link"
    status = 404
    default_message = _("This link is not valid. Please use the link from your message.")


class LinkAlreadyUsed(ReleaseError):
    code = "link_already_used"
    status = 409
    default_message = _("You have already confirmed this request with this link.")


class AlreadyRequested(ReleaseError):
    code = "already_requested"
    status = 409
    default_message = _(
        "There is already a confirmed request for this contact in this round. Each person "
        "can take part once per round."
    )


class NotWithdrawable(ReleaseError):
    code = "not_withdrawable"
    status = 409
    default_message = _("This request can no longer be withdrawn: the draw has taken place.")


class InvalidChoice(ReleaseError):
    code = "invalid_choice"
    status = 422
    default_message = _("Please check your choice of days and times.")


class NameLocked(ReleaseError):
    code = "name_locked"
    status = 409
    default_message = _(
        "An appointment from a draw keeps the name it was requested for; it cannot be changed."
    )


class RoundLocked(ReleaseError):
    code = "round_locked"
    status = 409
    default_message = _("A round cannot be changed once its requests have opened.")


class RoundInvalid(ReleaseError):
    code = "round_invalid"
    status = 422
    default_message = _("Please check the round's times, days and desks.")
