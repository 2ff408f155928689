"""The one base class for refusals the user caused, and how they become responses.

A service refuses by raising a ``DomainError`` (``BookingError``, ``WalkInError``,
``ConsultationError`` and their kinds): a translated ``message``, a stable ``code`` for the
API, an HTTP ``status`` and, for a limit, ``retry_after`` in seconds. Views and endpoints
do not translate them by hand: the API's exception handler (``api_errors``) answers
``{"detail", "code"}`` with the status and ``Retry-After``, and ``DomainErrorMiddleware``
answers a page in the client's language with the same status and header. A view still
catches a refusal where it re-shows its own form with the message beside the field.

This module sits below every app, so that each app's errors can derive from it.
"""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

RETRY_AFTER_HEADER = "Retry-After"


class DomainError(Exception):
    """A rule refused the request; nothing was changed."""

    code = "refused"
    status = 400
    default_message = _("This request could not be carried out.")
    # Seconds until a new try can succeed (``Retry-After``); None where waiting does not help.
    retry_after: int | None = None

    def __init__(self, message=None, *, code=None, status=None, retry_after=None, field=None):
        self.message = message or self.default_message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        if retry_after is not None:
            self.retry_after = int(retry_after)
        self.field = field
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        body = {"detail": str(self.message), "code": self.code}
        if self.field:
            body["field"] = self.field
        return body

    def apply_headers(self, response):
        if self.retry_after is not None:
            response[RETRY_AFTER_HEADER] = str(self.retry_after)
        return response


def page_title(error: DomainError):
    if error.status == 429:
        return _("Too many attempts")
    return _("This request could not be carried out.")


def refusal_page(request, error: DomainError):
    """The HTML answer to a refusal: the message in the client's language, the error's
    status, and ``Retry-After`` for a limit."""
    response = render(
        request,
        "pages/error.html",
        {"title": page_title(error), "text": error.message},
        status=error.status,
    )
    return error.apply_headers(response)


class DomainErrorMiddleware:
    """Turns a refusal that leaves an HTML view into ``refusal_page``. The JSON API answers
    its own (``api_errors.install_error_handlers``) before this sees them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return refusal_page(request, exception)
        return None
