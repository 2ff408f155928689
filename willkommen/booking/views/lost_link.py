"""“Lost your link?” under /book/lost-link/: the booking code and the contact used for it;
a new link goes to that contact (``lost_link``). A plain form (POST/redirect/GET), without
JavaScript. The answer is the same whether or not the code exists or the contact matches;
a limit answers 429 (``limits.check_lost_link``) alike for every code."""

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from willkommen.client_address import client_ip
from willkommen.forms import KernFormMixin

from .. import lost_link
from ..errors import BookingError

SENT_SESSION_KEY = "booking_lost_link_sent"


class LostLinkForm(KernFormMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Booking code"),
        max_length=40,
        help_text=gettext_lazy("10 letters and digits, as written in your confirmation."),
    )
    contact = forms.CharField(
        label=gettext_lazy("E-mail address or mobile number you booked with"),
        max_length=254,
    )


@never_cache
def lost_link_page(request):
    form = LostLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = lost_link.request_new_link(
                form.cleaned_data["code"], form.cleaned_data["contact"], client_ip(request)
            )
        except BookingError as error:
            if error.status == 429:
                raise
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            request.session[SENT_SESSION_KEY] = sent.email or sent.phone
            return redirect("booking:lost_link_sent")
    status = 422 if form.errors else 200
    return render(request, "booking/lost_link.html", {"form": form}, status=status)


@never_cache
def lost_link_sent(request):
    """The same page for every request: where the link goes *if* the code and the contact
    belong together."""
    contact = request.session.get(SENT_SESSION_KEY)
    if not contact:
        return redirect("booking:lost_link")
    return render(request, "booking/lost_link_sent.html", {"contact": contact})
