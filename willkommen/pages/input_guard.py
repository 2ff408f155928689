"""Refuses control characters in what a page is asked for, before any view reads it.

No link or form of the site sends a NUL byte or another C0 control character (tab and
line breaks aside), but anyone can type ``%00`` into an address; PostgreSQL then fails on
the first query that mentions it (a 500). This middleware answers instead
(``willkommen.inputs.FORBIDDEN_CHARACTERS``):

* in the **path**: 404, as for any address that names nothing (JSON under ``/api/``);
* in a **query parameter or form field** of a page: 400 with the message in the visitor's
  language, nothing read or changed. The JSON API refuses them itself, in its own shape
  (``willkommen.inputs.InputParser``);
* in a **cookie**: the cookie is ignored, as if it had not been sent.

The checks run in ``process_view``, after the language of the request is chosen and
before the CSRF check or any view reads the input; the cookies are dropped in
``__call__``, before the session is loaded.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from willkommen.inputs import INVALID_CHARACTERS, has_forbidden_characters

API_PREFIX = "/api/"
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _any_forbidden(query_dict) -> bool:
    return any(
        has_forbidden_characters(key) or any(has_forbidden_characters(v) for v in values)
        for key, values in query_dict.lists()
    )


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, value in list(request.COOKIES.items()):
            if has_forbidden_characters(name) or has_forbidden_characters(value):
                del request.COOKIES[name]
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if has_forbidden_characters(request.path):
            raise Http404
        if request.path.startswith(API_PREFIX):
            return None
        if _any_forbidden(request.GET) or (
            request.method == "POST"
            and request.content_type in FORM_CONTENT_TYPES
            and _any_forbidden(request.POST)
        ):
            context = {"title": _("Invalid characters"), "text": str(INVALID_CHARACTERS)}
            return render(request, "pages/error.html", context, status=400)
        return None
