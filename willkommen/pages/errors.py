"""Error pages in the visitor's language, inside the normal layout."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from willkommen.api import api_not_found


def _error(request, status, title, text):
    return render(request, "pages/error.html", {"title": title, "text": text}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    return _error(request, 403, _("Access denied"), _("You are not allowed to open this page."))


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        # Paths the API's catch-all cannot match (e.g. with a line break) still get JSON.
        return api_not_found(request)
    return _error(
        request, 404, _("Page not found"), _("This page does not exist or no longer exists.")
    )


def server_error(request):
    return _error(
        request,
        500,
        _("Something went wrong"),
        _("Please try again in a few minutes. Nothing you entered was saved."),
    )


def csrf_failure(request, reason=""):
    """Replaces Django's CSRF page, which speaks of cookies and Referer headers outside the
    site's layout. A client meets it after sending a form from a tab left open too long."""
    return _error(
        request,
        403,
        _("The form has expired"),
        _("Please go back, reload the page and send the form again. Nothing was saved."),
    )
