"""Which Willkommen role and organisation the city's directory gives a person.

The operator maps directory groups (LDAP group names or distinguished names, values of
the OpenID Connect groups claim) to a role, an organisation, or both: in the settings
(``SSO_GROUP_MAPPINGS``, read first) and in the admin (``GroupMapping``, by position).
The first matching entry that names a role decides the role, the first that names an
organisation decides the organisation. A person needs both, or gets no account.
"""

from dataclasses import dataclass

from django.conf import settings

from willkommen.organisations.models import Organisation

from .models import GroupMapping, Role


@dataclass(frozen=True)
class MappingRule:
    group: str
    role: str
    organisation_short_name: str
    source: str


@dataclass(frozen=True)
class Assignment:
    """What the directory decides for a person: exactly one role in one organisation."""

    role: str
    organisation: Organisation


def mapping_rules(source: str) -> list[MappingRule]:
    """The operator's rules that apply to ``source`` ("oidc" or "ldap"), in order."""
    from_settings = [
        MappingRule(
            entry["group"], entry["role"], entry["organisation"], entry.get("source", "")
        )
        for entry in settings.SSO_GROUP_MAPPINGS
    ]
    from_admin = [
        MappingRule(row.group, row.role, row.organisation.short_name if row.organisation else "",
                    row.source)
        for row in GroupMapping.objects.select_related("organisation")
    ]
    return [rule for rule in from_settings + from_admin if rule.source in ("", source)]


def resolve_assignment(source: str, groups) -> Assignment | None:
    """The role and organisation for someone in ``groups`` (names or DNs, any case), or
    None when the mapping gives no role or no (active) organisation."""
    member_of = {group.strip().lower() for group in groups if group}
    role = organisation_name = ""
    for rule in mapping_rules(source):
        if rule.group.strip().lower() not in member_of:
            continue
        role = role or rule.role
        organisation_name = organisation_name or rule.organisation_short_name
    if role not in Role.values or not organisation_name:
        return None
    organisation = Organisation.objects.filter(
        short_name__iexact=organisation_name, is_active=True
    ).first()
    if organisation is None:
        return None
    return Assignment(role=role, organisation=organisation)
