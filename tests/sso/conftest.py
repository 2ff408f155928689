"""Fixtures of the SSO tests: the real providers (peers.py) and the operator's mapping."""

import pytest

from tests.sso.peers import (  # noqa: F401  (fixtures)
    GROUP_MAPPINGS,
    OFFICE_CLERKS_DN,
    ldap_server,
    oidc_provider,
    start_oidc_provider,
)
from willkommen.accounts.models import GroupMapping, MappingSource


@pytest.fixture
def group_mapping(settings, organisations):
    """The mapping of the test directory: five groups in the settings, the office clerks
    (by their LDAP DN and, for OpenID Connect, by name) in the admin."""
    settings.SSO_GROUP_MAPPINGS = GROUP_MAPPINGS
    settings.SSO_SESSION_MAX_AGE = 300
    for source, group in (
        (MappingSource.LDAP, OFFICE_CLERKS_DN),
        (MappingSource.OIDC, "willkommen-office-clerks"),
    ):
        GroupMapping.objects.create(
            source=source, group=group, role="office_clerk", organisation=organisations["office"]
        )
    return organisations
