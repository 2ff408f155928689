"""Staff pages of the counsellor's workspace. Thin: rules in services.py, access in the
policy module (via ``case_content_view``), every read of case content audited."""

import base64
import json
from datetime import time, timedelta

import segno
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from willkommen import clock
from willkommen.accounts import policy
from willkommen.accounts.policy import Permission
from willkommen.accounts.second_factor import second_factor_redirect
from willkommen.booking import assignment, counselling
from willkommen.clock import local_datetime
from willkommen.release import consultation_needs
from willkommen.walkins.models import Ticket, TicketStatus

from . import audit, client_data, office_changes, referral_picker, services
from .forms import (
    AuditLogFilterForm,
    ClientSearchForm,
    DocumentationForm,
    FollowUpForm,
    TokenForm,
)
from .models import AuditAction, ClientRecord, Consultation, ConsultationStatus
from .services import ConsultationError, Documentation, NotFound
from .twofactor import audit_denied, case_content_view

P = Permission


def _today_bounds():
    today = clock.today()
    start = local_datetime(today, time(0, 0))
    return today, start, local_datetime(today + timedelta(days=1), time(0, 0))


def _load(request, pk):
    """The record if the user may read it; otherwise a 404 and a ``denied`` audit event."""
    try:
        return services.get_for(request.user, pk)
    except NotFound:
        audit_denied(request, "consultation", pk)
        raise Http404 from None


@case_content_view(P.VIEW_OWN_CONSULTATIONS, "consultation_list")
def day(request):
    """The counsellor's day: today's bookings, planned follow-ups, open records."""
    user = request.user
    today, start, end = _today_bounds()
    booking_qs = (
        counselling.for_organisation(user.organisation_id)
        .filter(start__gte=start, start__lt=end, status__in=counselling.DAY_STATUSES)
        .select_related("language", "counsellor", "room")
        .prefetch_related("topics")
        .order_by("start")
    )
    if not policy.has_permission(user, P.VIEW_ORGANISATION_CONSULTATIONS):
        booking_qs = booking_qs.filter(counsellor=user)
    records = {
        c.booking_id: c
        for c in Consultation.objects.readable_by(user).filter(
            booking__in=[b.pk for b in booking_qs]
        )
    }
    bookings = [(booking, records.get(booking.pk)) for booking in booking_qs]
    mine = Consultation.objects.readable_by(user).select_related("language", "counsellor")
    if not policy.has_permission(user, P.VIEW_ORGANISATION_CONSULTATIONS):
        mine = mine.filter(counsellor=user)
    planned = mine.filter(
        status=ConsultationStatus.PLANNED, booking=None, planned_start__lt=end
    ).order_by("planned_start")
    open_records = mine.filter(status=ConsultationStatus.IN_PROGRESS).order_by("started_at")
    recent = mine.filter(status=ConsultationStatus.FINISHED).order_by("-finished_at")[:20]
    upcoming = mine.filter(status=ConsultationStatus.PLANNED, planned_start__gte=end).order_by(
        "planned_start"
    )[:20]
    to_document = mine.filter(
        documented_at__isnull=True,
        status__in=[ConsultationStatus.IN_PROGRESS, ConsultationStatus.FINISHED],
    ).order_by("started_at")
    waiting = (
        _waiting_walk_ins(today) if policy.has_permission(user, P.VIEW_WALK_IN_QUEUE) else None
    )
    # No topics and no name: a consultation without a counsellor belongs to no
    # organisation yet, so it shows only what is needed to take it over.
    unassigned = assignment.unassigned_on(today).select_related("language")
    # Drawn winners who need a consultation and got none (release/consultation_needs.py).
    needed = consultation_needs.unmet_required(today)
    audit.record(
        request,
        AuditAction.READ,
        object_type="consultation_list",
        organisation_id=user.organisation_id,
        detail=f"day {today.isoformat()}",
    )
    return render(
        request,
        "consultations/day.html",
        {
            "today": today,
            "bookings": bookings,
            "planned": planned,
            "open_records": open_records,
            "recent": recent,
            "upcoming": upcoming,
            "to_document": to_document,
            "can_read_audit": policy.has_permission(user, P.READ_ORGANISATION_AUDIT_LOG),
            "can_see_queue": policy.has_permission(user, P.VIEW_WALK_IN_QUEUE),
            "waiting": waiting,
            "unassigned": unassigned,
            "needed": needed,
            "office_changes": office_changes.recent_for(user, timezone.now()),
        },
    )


def _waiting_walk_ins(today):
    """How many people wait in today's walk-in queue (the queue itself is the walk-ins
    app's page)."""
    return Ticket.objects.filter(service_day=today, status=TicketStatus.WAITING).count()


def _fail(request, error, fallback):
    messages.error(request, error.message)
    return redirect(fallback)


def _booking_of_my_organisation(request, pk):
    """404 (audited) unless the booking belongs to the user's organisation, so that GET
    and POST alike learn nothing about other organisations' bookings."""
    exists = counselling.for_organisation(request.user.organisation_id).filter(pk=pk).exists()
    if not exists:
        audit_denied(request, "booking", pk)
        raise Http404


@case_content_view(P.DOCUMENT_CONSULTATION, "booking")
def booking_start(request, pk):
    _booking_of_my_organisation(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        consultation = services.start_booked(request.user, pk)
    except NotFound:
        audit_denied(request, "booking", pk)
        raise Http404 from None
    except ConsultationError as error:
        return _fail(request, error, "consultations_staff:day")
    audit.record(request, AuditAction.UPDATE, consultation, detail="started")
    return redirect("consultations_staff:document", pk=consultation.pk)


@case_content_view(P.DOCUMENT_CONSULTATION, "booking")
def booking_take_over(request, pk):
    """A counsellor takes a booked consultation that has no counsellor yet (everybody who
    could hold it was busy when it was booked)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        assignment.take_over(request.user, pk)
    except assignment.TakeOverRefused:
        messages.error(
            request,
            _(
                "You cannot take over this consultation: it has a counsellor already, "
                "you do not speak its language, or you have another consultation then."
            ),
        )
        return redirect("consultations_staff:day")
    audit.record(
        request,
        AuditAction.UPDATE,
        object_type="booking",
        object_id=pk,
        organisation_id=request.user.organisation_id,
        detail="taken over",
    )
    messages.success(request, _("The consultation is yours now."))
    return redirect("consultations_staff:day")


@case_content_view(P.DOCUMENT_CONSULTATION, "booking")
def booking_no_show(request, pk):
    _booking_of_my_organisation(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.mark_booking_no_show(request.user, pk)
    except NotFound:
        audit_denied(request, "booking", pk)
        raise Http404 from None
    except ConsultationError as error:
        return _fail(request, error, "consultations_staff:day")
    messages.success(request, _("Marked as no-show."))
    return redirect("consultations_staff:day")


@case_content_view(P.VIEW_OWN_CONSULTATIONS, "consultation")
def record(request, pk):
    consultation = _load(request, pk)
    audit.record(request, AuditAction.READ, consultation)
    referral_ids = ",".join(str(pk) for pk in consultation.referrals.values_list("pk", flat=True))
    language_code = consultation.language.code if consultation.language else ""
    return render(
        request,
        "consultations/record.html",
        {
            "consultation": consultation,
            "locked": consultation.is_locked(),
            "referral_sheet_url": _referral_sheet_url(referral_ids, language_code),
            "follow_ups": consultation.follow_ups.all(),
        },
    )


def _referral_sheet_url(offer_ids, language_code):
    if not offer_ids:
        return ""
    try:
        base = reverse("directory_staff:referral_sheet")
    except Exception:  # noqa: BLE001 - the directory app's page may not exist yet
        base = "/staff/directory/referral-sheet/"
    return f"{base}?offers={offer_ids}&lang={language_code}"


def _documentation_from(form):
    data = form.cleaned_data
    return Documentation(
        topics=list(data["topics"]),
        language=data["language"],
        interpreter=data["interpreter"],
        duration_minutes=data["duration_minutes"],
        outcome_information=data["outcome_information"],
        outcome_form_filled=data["outcome_form_filled"],
        outcome_referral=data["outcome_referral"],
        outcome_follow_up=data["outcome_follow_up"],
        referrals=list(data["referrals"]),
        note=data["note"],
        client_name=data["client_name"],
        client_contact=data["client_contact"],
        consent_given=data["consent_given"],
    )


@case_content_view(P.DOCUMENT_CONSULTATION, "consultation")
def document(request, pk):
    consultation = _load(request, pk)
    locked = consultation.is_locked()
    searching = request.method == "POST" and "search_offers" in request.POST
    if searching:
        # "Find" only lists offers to tick; nothing is saved or checked yet.
        form = DocumentationForm(initial=DocumentationForm.initial_from(request.POST))
    elif request.method == "POST":
        form = DocumentationForm(request.POST)
        if form.is_valid():
            try:
                services.document(request.user, pk, _documentation_from(form))
            except NotFound:
                audit_denied(request, "consultation", pk)
                raise Http404 from None
            except ConsultationError as error:
                audit.record(request, AuditAction.DENIED, consultation, detail=error.code)
                if error.field and error.field in form.fields:
                    form.add_error(error.field, error.message)
                else:
                    form.add_error(None, error.message)
            else:
                audit.record(request, AuditAction.UPDATE, consultation, detail="documented")
                messages.success(request, _("The record has been saved."))
                return redirect("consultations_staff:record", pk=pk)
    else:
        form = DocumentationForm(initial=DocumentationForm.initial_for(consultation))
        audit.record(request, AuditAction.READ, consultation, detail="documentation form")
    query = request.POST.get("offer_query", "") if request.method == "POST" else ""
    offers = referral_picker.offer_choices(form.chosen_offer_ids(), query)
    return render(
        request,
        "consultations/document.html",
        {
            "consultation": consultation,
            "form": form,
            "locked": locked,
            "offers": offers,
            "offer_query": query,
            "searching": searching,
        },
        status=400 if request.method == "POST" and not searching else 200,
    )


def _state_change(action, detail):
    @case_content_view(P.DOCUMENT_CONSULTATION, "consultation")
    def view(request, pk):
        consultation = _load(request, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            action(request.user, pk)
        except NotFound:
            audit_denied(request, "consultation", pk)
            raise Http404 from None
        except ConsultationError as error:
            audit.record(request, AuditAction.DENIED, consultation, detail=error.code)
            return _fail(request, error, reverse("consultations_staff:record", args=[pk]))
        audit.record(request, AuditAction.UPDATE, consultation, detail=detail)
        if detail == "started":
            return redirect("consultations_staff:document", pk=pk)
        return redirect("consultations_staff:record", pk=pk)

    view.__name__ = f"consultation_{detail}"
    return view


start = _state_change(services.start_planned, "started")
finish = _state_change(services.finish, "finished")
no_show = _state_change(services.mark_no_show, "no_show")


@case_content_view(P.DOCUMENT_CONSULTATION, "consultation")
def follow_up(request, pk):
    consultation = _load(request, pk)
    form = FollowUpForm(
        request.POST or None,
        organisation_id=consultation.organisation_id,
        initial={"counsellor": request.user.pk},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                new = services.book_follow_up(
                    request.user, pk, form.start(), form.cleaned_data["counsellor"]
                )
            except NotFound:
                audit_denied(request, "consultation", pk)
                raise Http404 from None
            except ConsultationError as error:
                audit.record(request, AuditAction.DENIED, consultation, detail=error.code)
                form.add_error("day" if error.field == "start" else error.field, error.message)
            else:
                audit.record(request, AuditAction.CREATE, new, detail=f"follow-up of {pk}")
                messages.success(request, _("The follow-up consultation has been booked."))
                return redirect("consultations_staff:record", pk=pk)
    return render(
        request,
        "consultations/follow_up.html",
        {"consultation": consultation, "form": form},
        status=status,
    )


@case_content_view(P.READ_CASE_CONTENT, "clientrecord")
def client_search(request):
    form = ClientSearchForm(request.GET or None)
    if request.GET and form.is_valid():
        client = client_data.find_client(
            request.user,
            booking_code=form.cleaned_data["booking_code"],
            pseudonym=form.cleaned_data["pseudonym"],
        )
        how = "booking code" if form.cleaned_data["booking_code"] else "pseudonym"
        if client is not None:
            audit.record(request, AuditAction.READ, client, detail=f"search: found by {how}")
            return redirect("consultations_staff:client", pk=client.pk)
        audit.record(
            request,
            AuditAction.DENIED,
            object_type="clientrecord",
            organisation_id=request.user.organisation_id,
            detail=f"search: not found by {how}",
        )
        form.add_error(None, _("Your organisation holds no client under this code."))
    return render(request, "consultations/client_search.html", {"form": form})


def _load_client(request, pk):
    client = ClientRecord.objects.filter(pk=pk).first()
    if client is None or not policy.can_read_case_content(request.user, client.organisation_id):
        audit_denied(request, "clientrecord", pk)
        raise Http404
    return client


@case_content_view(P.READ_CASE_CONTENT, "clientrecord")
def client(request, pk):
    client = _load_client(request, pk)
    audit.record(request, AuditAction.READ, client)
    return render(
        request,
        "consultations/client.html",
        {"client": client, "consultations": client.consultations.order_by("-planned_start")},
    )


@case_content_view(P.READ_CASE_CONTENT, "clientrecord")
def client_export(request, pk):
    """Everything held about the client: a printable page, or ``?format=json``."""
    client = _load_client(request, pk)
    data = client_data.export_client(client)
    audit.record(request, AuditAction.EXPORT, client, detail=request.GET.get("format", "html"))
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{client.pseudonym}.json"'
        return response
    return render(request, "consultations/client_export.html", {"data": data, "client": client})


@case_content_view(P.READ_CASE_CONTENT, "clientrecord")
def client_erase(request, pk):
    client = _load_client(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.POST.get("confirm") != client.pseudonym:
        messages.error(request, _("Type the pseudonym to confirm the erasure."))
        return redirect("consultations_staff:client", pk=pk)
    pseudonym, organisation_id = client.pseudonym, client.organisation_id
    count = client_data.erase_client(client)
    audit.record(
        request,
        AuditAction.ERASE,
        object_type="clientrecord",
        object_id=pk,
        organisation_id=organisation_id,
        detail=f"{count} records anonymised",
    )
    messages.success(
        request,
        _("All personal data of %(pseudonym)s has been erased.") % {"pseudonym": pseudonym},
    )
    return redirect("consultations_staff:day")


@policy.requires(P.READ_ORGANISATION_AUDIT_LOG)
def audit_log(request):
    response = second_factor_redirect(request)
    if response is not None:
        return response
    form = AuditLogFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "consultations/audit_log.html",
            {"form": form, "page": audit.AuditPage([], None, None)},
            status=400,
        )
    page = audit.page_of(request.user.organisation_id, form.cleaned_data)
    return render(
        request,
        "consultations/audit_log.html",
        {
            "form": form,
            "page": page,
            "older_url": _page_url(request, "before", page.older_than),
            "newer_url": _page_url(request, "after", page.newer_than),
        },
    )


def _page_url(request, cursor, value):
    """This page's address with its filters, moved to the other cursor."""
    if value is None:
        return ""
    query = request.GET.copy()
    query.pop("before", None)
    query.pop("after", None)
    query[cursor] = str(value)
    return f"{request.path}?{query.urlencode()}"


# Second factor ---------------------------------------------------------------------------


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path only: redirect() would take "1" for a URL name and fail.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return reverse("consultations_staff:day")


@policy.requires_login
def otp_setup(request):
    """Shows a new TOTP secret as a QR code; the device counts once a code is verified."""
    TOTPDevice.objects.filter(user=request.user, confirmed=False).exclude(name="pending").delete()
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"{reverse('consultations_staff:otp_verify')}?next={_safe_next(request)}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="pending", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.name = "authenticator"
            device.save()
            otp_login(request, device)
            messages.success(request, _("Your second factor is set up."))
            return redirect(_safe_next(request))
        form.add_error("token", _("This code is not valid. Try the current one."))
    secret = base64.b32encode(device.bin_key).decode("ascii")
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "consultations/otp_setup.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_svg": qr.svg_data_uri(scale=4),
            "next": _safe_next(request),
        },
        status=400 if request.method == "POST" else 200,
    )


@policy.requires_login
def otp_verify(request):
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    if not devices.exists():
        return redirect(f"{reverse('consultations_staff:otp_setup')}?next={_safe_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_safe_next(request))
        form.add_error("token", _("This code is not valid. Try the current one."))
    return render(
        request,
        "consultations/otp_verify.html",
        {"form": form, "next": _safe_next(request)},
        status=400 if request.method == "POST" else 200,
    )
