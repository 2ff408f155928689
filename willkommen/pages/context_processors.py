from django.conf import settings


def site(request):
    return {
        "site_name": settings.WILLKOMMEN_SITE_NAME,
        "operator_name": settings.WILLKOMMEN_OPERATOR_NAME,
        "operator": settings.WILLKOMMEN_OPERATOR,
    }
