from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from willkommen.organisations.models import Location, Topic


def start(request):
    locations = Location.objects.filter(is_active=True).prefetch_related("opening_hours")
    topics = Topic.objects.filter(is_active=True)
    return render(request, "pages/start.html", {"locations": locations, "topics": topics})


LEGAL_TEMPLATES = {"imprint", "privacy", "accessibility", "easy_german", "sign_language"}


def legal_page(request, template):
    """The pages a German public website must have, filled from the operator settings."""
    assert template in LEGAL_TEMPLATES
    return render(request, f"pages/{template}.html")


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
