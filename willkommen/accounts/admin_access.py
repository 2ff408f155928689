"""What the operator may do in the Django admin: a group with model permissions, not
superuser.

The operator (city IT) keeps accounts, the mapping of directory groups, API keys,
organisations and locations, resets a lost second factor and unlocks locked-out staff.
Everything else stays out of the group on purpose: case content is not in the admin at
all (``consultations/admin.py``), and walk-in tickets (a person's language and topics),
queued tasks (their arguments name bookings) and the groups themselves (editing them would
be a way to grant oneself more) are for a superuser only.

The group ``OPERATOR_GROUP`` is brought to exactly ``OPERATOR_PERMISSIONS`` after every
``migrate`` (a ``post_migrate`` receiver, once per app: Django creates an app's
permissions in the same signal just before), so a new model or a removed grant reaches
every installation with its next update. Every account with the operator role is a member,
and only those: a ``post_save`` receiver keeps the membership in step with the role.
"""

from django.apps import apps as global_apps
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS

from .models import Role

OPERATOR_GROUP = "operator"

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
KEEP = (VIEW, ADD, CHANGE)
FULL = (VIEW, ADD, CHANGE, DELETE)

# app label → model name → actions.
OPERATOR_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    # Accounts are switched off (``is_active``), never deleted: records name their staff.
    "accounts": {"staffmember": KEEP, "groupmapping": FULL},
    "booking": {"apikey": FULL},
    "organisations": {
        "organisation": KEEP,
        "location": KEEP,
        "officeservice": KEEP,
        "topic": KEEP,
        "language": KEEP,
        # Edited inline on the location.
        "openinghours": FULL,
        "desk": FULL,
    },
    # Lost phone: delete the device, the person sets up a new one (docs/consultations.md).
    # The admin hides the secret key (OTP_ADMIN_HIDE_SENSITIVE_DATA).
    "otp_totp": {"totpdevice": (VIEW, DELETE)},
    # Deleting an access attempt unlocks the account it locked.
    "axes": {"accessattempt": (VIEW, DELETE), "accesslog": (VIEW,), "accessfailurelog": (VIEW,)},
}


def operator_codenames(app_label: str) -> set[str]:
    return {
        f"{action}_{model}"
        for model, actions in OPERATOR_PERMISSIONS.get(app_label, {}).items()
        for action in actions
    }


def sync_operator_group(app_config, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """``post_migrate`` receiver: the group's permissions for this app become exactly the
    declared ones. After the accounts app, every operator account is made a member (an
    installation that had operators before the group existed)."""
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        ContentType = apps.get_model("contenttypes", "ContentType")
    except LookupError:
        return
    group, _created = Group.objects.using(using).get_or_create(name=OPERATOR_GROUP)
    content_types = ContentType.objects.using(using).filter(app_label=app_config.label)
    app_permissions = Permission.objects.using(using).filter(content_type__in=content_types)
    wanted = set(
        app_permissions.filter(codename__in=operator_codenames(app_config.label)).values_list(
            "pk", flat=True
        )
    )
    current = set(
        group.permissions.filter(content_type__in=content_types).values_list("pk", flat=True)
    )
    if current - wanted:
        group.permissions.remove(*(current - wanted))
    if wanted - current:
        group.permissions.add(*(wanted - current))
    if app_config.label == "accounts":
        StaffMember = apps.get_model("accounts", "StaffMember")
        for user in StaffMember.objects.using(using).filter(role=Role.OPERATOR).exclude(
            groups=group
        ):
            user.groups.add(group)


def staff_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """``post_save`` receiver of ``StaffMember``: a save that may change the role (not a
    sign-in's ``last_login``) brings the group membership in step."""
    if raw or (update_fields is not None and "role" not in update_fields):
        return
    sync_membership(instance)


def sync_membership(user) -> None:
    """Makes ``user`` a member of the operator group exactly when their role is operator.
    Reads one row when nothing changes."""
    is_operator = user.role == Role.OPERATOR
    member = user.groups.filter(name=OPERATOR_GROUP).exists()
    if is_operator == member:
        return
    if is_operator:
        group, _created = Group.objects.get_or_create(name=OPERATOR_GROUP)
        user.groups.add(group)
    else:
        user.groups.remove(*user.groups.filter(name=OPERATOR_GROUP))
