from django.conf import settings
from django.utils import translation


class LanguageQueryParameterMiddleware:
    """Honours ``?lang=xx`` so that links in e-mails and on printed tickets open in the
    client's language. Unknown codes are ignored, which leaves German as the fallback.

    Staff pages are left alone: there ``lang`` names the client's language of a document
    (a referral sheet), not the language the member of staff works in."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        code = None if request.path.startswith("/staff/") else request.GET.get("lang")
        chosen = code if code in self.supported else None
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        response = self.get_response(request)
        if chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
            )
        return response
