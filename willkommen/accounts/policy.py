"""The one place that decides what each role may see and do.

Views, API endpoints, exports and commands ask this module; none of them compares roles
itself. Two kinds of question:

* ``has_permission(user, Permission.X)``: may this person use a function at all?
* ``can_read_case_content(user, organisation_id)``: may this person read the case content
  (topics, notes, referrals, outcomes, identity) of a consultation held by that
  organisation? Only counsellors and leads of that same organisation may. Neither the
  office clerk nor the coordinator ever may: even the fact that somebody sought counselling
  is protected by professional secrecy (§ 203 StGB).
"""

from enum import StrEnum
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Role


class Permission(StrEnum):
    # The immigration office's own calendar.
    VIEW_OFFICE_CALENDAR = "view_office_calendar"
    # Counselling work.
    VIEW_OWN_CONSULTATIONS = "view_own_consultations"
    # Every consultation of the own organisation, not only the own ones (the lead).
    VIEW_ORGANISATION_CONSULTATIONS = "view_organisation_consultations"
    DOCUMENT_CONSULTATION = "document_consultation"
    READ_CASE_CONTENT = "read_case_content"
    # Know that a booking carries a consultation (its time, language, counsellor; never
    # its topics or the client's identity): the welcome service's roles only, never the
    # office. See ``can_see_booked_consultations``.
    SEE_BOOKED_CONSULTATIONS = "see_booked_consultations"
    # The waiting area.
    REGISTER_WALK_IN = "register_walk_in"
    VIEW_WALK_IN_QUEUE = "view_walk_in_queue"
    CALL_WALK_IN = "call_walk_in"
    # Organisation management.
    MANAGE_ORGANISATION_STAFF = "manage_organisation_staff"
    MANAGE_ORGANISATION_SHIFTS = "manage_organisation_shifts"
    # Every organisation's counsellors' shifts, not only the own organisation's.
    MANAGE_ALL_SHIFTS = "manage_all_shifts"
    VIEW_ORGANISATION_STATISTICS = "view_organisation_statistics"
    READ_ORGANISATION_AUDIT_LOG = "read_organisation_audit_log"
    # Approve a change of role or organisation that grants case content (staff_changes.py).
    APPROVE_STAFF_CHANGES = "approve_staff_changes"
    # The city's coordination.
    MANAGE_LOCATIONS = "manage_locations"
    MANAGE_TOPICS = "manage_topics"
    MANAGE_DIRECTORY = "manage_directory"
    # Change any organisation's offers, not only the own organisation's.
    MANAGE_ALL_OFFERS = "manage_all_offers"
    VIEW_ALL_STATISTICS = "view_all_statistics"
    # City IT.
    OPERATE = "operate"


P = Permission
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.COUNSELLOR: frozenset(
        {
            P.VIEW_OWN_CONSULTATIONS,
            P.DOCUMENT_CONSULTATION,
            P.READ_CASE_CONTENT,
            P.SEE_BOOKED_CONSULTATIONS,
            P.REGISTER_WALK_IN,
            P.VIEW_WALK_IN_QUEUE,
            P.CALL_WALK_IN,
        }
    ),
    Role.OUTREACH: frozenset({P.REGISTER_WALK_IN, P.VIEW_WALK_IN_QUEUE}),
    Role.ORGANISATION_LEAD: frozenset(
        {
            P.VIEW_OWN_CONSULTATIONS,
            P.VIEW_ORGANISATION_CONSULTATIONS,
            P.DOCUMENT_CONSULTATION,
            P.READ_CASE_CONTENT,
            P.SEE_BOOKED_CONSULTATIONS,
            P.REGISTER_WALK_IN,
            P.VIEW_WALK_IN_QUEUE,
            P.CALL_WALK_IN,
            P.MANAGE_ORGANISATION_STAFF,
            P.MANAGE_ORGANISATION_SHIFTS,
            P.VIEW_ORGANISATION_STATISTICS,
            P.READ_ORGANISATION_AUDIT_LOG,
            P.APPROVE_STAFF_CHANGES,
            P.MANAGE_DIRECTORY,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            P.MANAGE_LOCATIONS,
            P.MANAGE_TOPICS,
            P.MANAGE_DIRECTORY,
            P.MANAGE_ALL_OFFERS,
            P.MANAGE_ORGANISATION_SHIFTS,
            P.MANAGE_ALL_SHIFTS,
            P.SEE_BOOKED_CONSULTATIONS,
            P.VIEW_ALL_STATISTICS,
            P.VIEW_WALK_IN_QUEUE,
        }
    ),
    Role.OFFICE_CLERK: frozenset({P.VIEW_OFFICE_CALENDAR}),
    Role.OPERATOR: frozenset({P.OPERATE, P.APPROVE_STAFF_CHANGES}),
}

# Roles that may ever see case content; the rest never, whatever else changes.
CASE_CONTENT_ROLES = frozenset(
    role for role, perms in ROLE_PERMISSIONS.items() if P.READ_CASE_CONTENT in perms
)

# Roles whose members counsel clients: they have shifts, languages and bookings.
COUNSELLING_ROLES = tuple(
    role for role, perms in ROLE_PERMISSIONS.items() if P.DOCUMENT_CONSULTATION in perms
)


def permissions_of(user) -> frozenset[Permission]:
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    return ROLE_PERMISSIONS.get(user.role, frozenset())


def has_permission(user, permission: Permission) -> bool:
    return permission in permissions_of(user)


def can_read_case_content(user, organisation_id) -> bool:
    """Case content is visible only inside the organisation that holds it."""
    return (
        has_permission(user, P.READ_CASE_CONTENT)
        and user.organisation_id is not None
        and user.organisation_id == organisation_id
    )


def can_see_booked_consultations(user) -> bool:
    """Whether ``user`` may learn that a booking carries a consultation (its time,
    language and counsellor, as in the preview of a schedule change): a role of the
    welcome service, and never a member of the immigration office, whatever role an
    installation gives them. Topics and the client's identity stay case content
    (``can_read_case_content``)."""
    if not has_permission(user, P.SEE_BOOKED_CONSULTATIONS):
        return False
    organisation = getattr(user, "organisation", None)
    return organisation is not None and organisation.offers_counselling


def visible_booking_parts(user) -> frozenset[str]:
    """Which parts of a booking ``user`` may be shown: "appointment" (the office's own
    appointments, which the office sees anyway) for everyone who may see bookings at
    all, and "consultation" only with ``can_see_booked_consultations``."""
    parts = {"appointment"}
    if can_see_booked_consultations(user):
        parts.add("consultation")
    return frozenset(parts)


def can_manage_organisation(user, organisation_id) -> bool:
    return (
        has_permission(user, P.MANAGE_ORGANISATION_STAFF)
        and user.organisation_id == organisation_id
    )


def grants_case_content(before, after) -> bool:
    """Would a staff member going from ``before`` to ``after`` (each ``(role,
    organisation_id, is_active)``, ``before`` None for a new account) gain anything in an
    organisation whose case content the role reads? Then the change needs approval."""
    new_role, new_organisation, new_active = after
    new_rights = ROLE_PERMISSIONS.get(new_role, frozenset()) if new_active else frozenset()
    if P.READ_CASE_CONTENT not in new_rights or new_organisation is None:
        return False
    if before is None:
        return True
    old_role, old_organisation, old_active = before
    old_rights = ROLE_PERMISSIONS.get(old_role, frozenset()) if old_active else frozenset()
    return old_organisation != new_organisation or bool(new_rights - old_rights)


def can_decide_staff_change(user, change, *, organisation_has_lead: bool) -> bool:
    """Who approves a change that grants case content in an organisation: a lead of that
    organisation; only where it has no lead yet (its first), a second operator. Never the
    person who asked for it, nor the person it is about."""
    if not has_permission(user, P.APPROVE_STAFF_CHANGES):
        return False
    if user.pk in (change.requested_by_id, change.member_id):
        return False
    if has_permission(user, P.MANAGE_ORGANISATION_STAFF):
        return user.organisation_id is not None and user.organisation_id == change.organisation_id
    return has_permission(user, P.OPERATE) and not organisation_has_lead


def can_change_offer(user, offer) -> bool:
    """An offer belongs to one organisation: its lead changes it (and reads its change
    trail), and so do the coordinators; no other organisation's lead."""
    if not has_permission(user, P.MANAGE_DIRECTORY):
        return False
    if has_permission(user, P.MANAGE_ALL_OFFERS):
        return True
    return offer.owner_id is not None and offer.owner_id == user.organisation_id


def requires(permission: Permission):
    """View decorator: anonymous users go to the login page, others without the
    permission get 403. The permission is recorded on the view so that the
    role-by-URL test can check every staff URL against this module."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_permission(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator


def requires_login(view):
    """For staff pages every role may use (the staff start page, logout)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.required_permission = None
    return wrapped
