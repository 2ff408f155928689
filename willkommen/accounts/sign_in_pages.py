"""The pages that explain why a sign-in through the directory did not work.

Never a 500 and never a bare error: each problem has a heading, a sentence on what to do,
and a status (400 for a sign-in to start again, 403 for a refusal, 503 for an outage).
"""

from enum import Enum

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


class Problem(Enum):
    NO_MAPPED_GROUP = (
        403,
        _("No access to Willkommen"),
        _("The city's directory knows you, but none of your groups gives you a role in "
          "Willkommen, so no account was created. Ask your organisation lead or the city's "
          "IT service desk to add you to the right group, then sign in again."),
    )
    ACCOUNT_DISABLED = (
        403,
        _("Your account is switched off"),
        _("Your account in Willkommen has been switched off. Please ask the operator "
          "(city IT) if you need access again."),
    )
    FAILED = (
        400,
        _("The sign-in could not be completed"),
        _("The answer of the sign-in service could not be accepted: the sign-in may have "
          "taken too long, or this link was already used. Please start the sign-in "
          "again."),
    )
    UNAVAILABLE = (
        503,
        _("The sign-in service cannot be reached"),
        _("Willkommen cannot reach the city's sign-in service right now. Please try "
          "again in a few minutes; if it keeps happening, tell the city's IT service "
          "desk."),
    )

    def __init__(self, status, title, message):
        self.status = status
        self.title = title
        self.message = message

    @classmethod
    def from_reason(cls, reason):
        """The problem for ``provisioning.RefusalReason`` values and the LDAP backend's
        ``directory_unavailable``."""
        return {
            "no_mapped_group": cls.NO_MAPPED_GROUP,
            "account_disabled": cls.ACCOUNT_DISABLED,
            "directory_unavailable": cls.UNAVAILABLE,
        }.get(str(reason), cls.FAILED)


def problem_page(request, problem: Problem):
    response = render(
        request,
        "accounts/sign_in_problem.html",
        {"problem": problem, "problem_code": problem.name.lower()},
        status=problem.status,
    )
    if problem is Problem.UNAVAILABLE:
        response["Retry-After"] = "30"
    return response
