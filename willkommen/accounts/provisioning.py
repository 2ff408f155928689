"""Staff accounts made and kept up to date by the city's directory (just in time).

A sign-in through OpenID Connect or LDAP hands a ``DirectoryProfile`` to
``sync_staff_member``: the first sign-in creates the account, every later one (and every
re-validation of a session) updates name, e-mail, role, organisation and, where the
directory provides them, languages and topics. Someone whom the mapping gives no role
gets no account; an existing account loses its access (``withdraw_directory_access``).

Accounts are linked by (source, subject) – the OpenID Connect ``sub`` or the LDAP login
name – never by e-mail address or a matching local user name, so a directory entry can
never take over a local account.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from willkommen.organisations.models import Language, Topic

from .group_mapping import Assignment, resolve_assignment
from .models import IdentitySource, StaffMember


class DirectoryUnavailable(Exception):
    """The LDAP server could not be asked."""


@dataclass(frozen=True)
class DirectoryProfile:
    """What the directory says about a person at this sign-in."""

    source: str  # IdentitySource.OIDC or IdentitySource.LDAP
    subject: str
    username: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    groups: tuple[str, ...] = ()
    # None: the directory says nothing about them, and what staff set here stays.
    languages: tuple[str, ...] | None = None
    topics: tuple[str, ...] | None = None


class RefusalReason(StrEnum):
    NO_MAPPED_GROUP = "no_mapped_group"
    ACCOUNT_DISABLED = "account_disabled"


class SignInRefused(Exception):
    """The directory knows the person, but Willkommen gives them no access."""

    def __init__(self, reason: RefusalReason):
        super().__init__(reason)
        self.reason = reason


def sync_staff_member(profile: DirectoryProfile) -> StaffMember:
    """Creates or updates the account of ``profile``; raises ``SignInRefused``.

    A withdrawal is committed before the refusal is raised."""
    assignment = resolve_assignment(profile.source, profile.groups)
    with transaction.atomic():
        user = (
            StaffMember.objects.select_for_update()
            .filter(identity_source=profile.source, directory_subject=profile.subject)
            .first()
        )
        if assignment is None:
            if user is not None:
                withdraw_directory_access(user)
            refusal = RefusalReason.NO_MAPPED_GROUP
        elif user is not None and not user.is_active and not user.deactivated_by_directory:
            # An operator switched the account off here; the directory cannot override it.
            refusal = RefusalReason.ACCOUNT_DISABLED
        else:
            user = user or _new_account(profile)
            _copy_profile(user, profile)
            apply_directory_assignment(user, assignment)
            user.save()
            _copy_languages_and_topics(user, profile)
            return user
    raise SignInRefused(refusal)


def apply_directory_assignment(user: StaffMember, assignment: Assignment) -> None:
    """The one place where a role from the directory reaches an account (not saved here).

    Roles that come from the identity provider are the directory's decision: the city's
    IT grants them there, so no approval inside Willkommen is asked for. An approval step
    for roles granted by an operator would join here if directory roles ever need it."""
    user.role = assignment.role
    user.organisation = assignment.organisation
    user.is_active = True
    user.deactivated_by_directory = False


def withdraw_directory_access(user: StaffMember) -> None:
    """The directory gives this person no role any more: the account is switched off
    (and switched on again by a later sign-in with a mapped group)."""
    if user.identity_source == IdentitySource.LOCAL:
        return
    user.is_active = False
    user.deactivated_by_directory = True
    user.directory_synced_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_by_directory", "directory_synced_at"])


USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


def _new_account(profile: DirectoryProfile) -> StaffMember:
    user = StaffMember(
        username=_free_username(profile),
        identity_source=profile.source,
        directory_subject=profile.subject,
    )
    user.set_unusable_password()
    return user


def _free_username(profile: DirectoryProfile) -> str:
    """The directory's user name if nobody here has it yet, otherwise marked with the
    source (``amira@ldap``), so that it never collides with a local account."""
    base = USERNAME_UNSAFE.sub("", profile.username or profile.subject)[:120] or "staff"
    candidates = [base, f"{base}@{profile.source}"]
    candidates += [f"{base}@{profile.source}-{n}" for n in range(2, 100)]
    taken = set(
        StaffMember.objects.filter(username__in=candidates).values_list("username", flat=True)
    )
    return next(name for name in candidates if name not in taken)


def _copy_profile(user: StaffMember, profile: DirectoryProfile) -> None:
    user.first_name = profile.first_name[:150]
    user.last_name = profile.last_name[:150]
    user.email = profile.email[:254]
    user.directory_synced_at = timezone.now()


def _copy_languages_and_topics(user: StaffMember, profile: DirectoryProfile) -> None:
    if profile.languages is not None:
        codes = {code.strip().lower() for code in profile.languages}
        user.languages.set(
            [language for language in Language.objects.all() if language.code.lower() in codes]
        )
    if profile.topics is not None:
        slugs = {slug.strip().lower() for slug in profile.topics}
        user.topics.set(Topic.objects.filter(slug__in=slugs))
