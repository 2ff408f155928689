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
    DOCUMENT_CONSULTATION = "document_consultation"
    READ_CASE_CONTENT = "read_case_content"
    # The waiting area.
    REGISTER_WALK_IN = "register_walk_in"
    VIEW_WALK_IN_QUEUE = "view_walk_in_queue"
    CALL_WALK_IN = "call_walk_in"
    # Organisation management.
    MANAGE_ORGANISATION_STAFF = "manage_organisation_staff"
    MANAGE_ORGANISATION_SHIFTS = "manage_organisation_shifts"
    VIEW_ORGANISATION_STATISTICS = "view_organisation_statistics"
    READ_ORGANISATION_AUDIT_LOG = "read_organisation_audit_log"
    # The city's coordination.
    MANAGE_LOCATIONS = "manage_locations"
    MANAGE_TOPICS = "manage_topics"
    MANAGE_DIRECTORY = "manage_directory"
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
            P.REGISTER_WALK_IN,
            P.VIEW_WALK_IN_QUEUE,
            P.CALL_WALK_IN,
        }
    ),
    Role.OUTREACH: frozenset({P.REGISTER_WALK_IN, P.VIEW_WALK_IN_QUEUE}),
    Role.ORGANISATION_LEAD: frozenset(
        {
            P.VIEW_OWN_CONSULTATIONS,
            P.DOCUMENT_CONSULTATION,
            P.READ_CASE_CONTENT,
            P.REGISTER_WALK_IN,
            P.VIEW_WALK_IN_QUEUE,
            P.CALL_WALK_IN,
            P.MANAGE_ORGANISATION_STAFF,
            P.MANAGE_ORGANISATION_SHIFTS,
            P.VIEW_ORGANISATION_STATISTICS,
            P.READ_ORGANISATION_AUDIT_LOG,
            P.MANAGE_DIRECTORY,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            P.MANAGE_LOCATIONS,
            P.MANAGE_TOPICS,
            P.MANAGE_DIRECTORY,
            P.MANAGE_ORGANISATION_SHIFTS,
            P.VIEW_ALL_STATISTICS,
            P.VIEW_WALK_IN_QUEUE,
        }
    ),
    Role.OFFICE_CLERK: frozenset({P.VIEW_OFFICE_CALENDAR}),
    Role.OPERATOR: frozenset({P.OPERATE}),
}

# Roles that may ever see case content; the rest never, whatever else changes.
CASE_CONTENT_ROLES = frozenset(
    role for role, perms in ROLE_PERMISSIONS.items() if P.READ_CASE_CONTENT in perms
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


def can_manage_organisation(user, organisation_id) -> bool:
    return (
        has_permission(user, P.MANAGE_ORGANISATION_STAFF)
        and user.organisation_id == organisation_id
    )


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
