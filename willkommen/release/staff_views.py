"""The coordinator's pages of the fair release, under /staff/release/: the rounds, a new
round, changing one before its window opens, and a round's figures. Guarded by
``policy.requires``; the rules are in ``rounds`` and ``draw``."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from willkommen.accounts.policy import Permission, requires

from . import public, rounds
from .errors import ReleaseError, RoundLocked
from .forms import RoundForm
from .models import ReleaseRound


@requires(Permission.MANAGE_LOCATIONS)
def round_list(request):
    now = timezone.now()
    all_rounds = ReleaseRound.objects.select_related("location").prefetch_related("services")
    return render(
        request,
        "release/staff/rounds.html",
        {"rounds": [(item, item.phase(now), rounds.editable(item, now)) for item in all_rounds]},
    )


@requires(Permission.MANAGE_LOCATIONS)
def round_new(request):
    return round_form(request, ReleaseRound())


@requires(Permission.MANAGE_LOCATIONS)
def round_edit(request, pk):
    release_round = get_object_or_404(ReleaseRound, pk=pk)
    if not rounds.editable(release_round):
        messages.error(request, RoundLocked.default_message)
        return redirect("release_staff:round", pk=pk)
    return round_form(request, release_round)


def round_form(request, release_round):
    form = RoundForm(request.POST or None, instance=release_round)
    if request.method == "POST" and form.is_valid():
        try:
            saved = rounds.save_round(form)
        except ReleaseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The round was saved."))
            return redirect("release_staff:round", pk=saved.pk)
    return render(
        request,
        "scheduling/form.html",
        {
            "form": form,
            "title": _("Change round") if release_round.pk else _("New round"),
            "submit_label": _("Save"),
            "back_url": reverse("release_staff:rounds"),
        },
        status=422 if request.method == "POST" else 200,
    )


@requires(Permission.MANAGE_LOCATIONS)
def round_detail(request, pk):
    release_round = get_object_or_404(ReleaseRound.objects.select_related("location"), pk=pk)
    now = timezone.now()
    return render(
        request,
        "release/staff/round.html",
        {
            "round": release_round,
            "figures": public.figures(release_round, now),
            "editable": rounds.editable(release_round, now),
        },
    )
