"""``manage.py check`` (and every start-up) validates ``OFFICE_SYSTEMS``: a typo in the
adapter's name or a missing base URL stops the deployment, instead of every client
getting "the office's system cannot be reached"."""

import os

from django.core import checks

from . import registry
from .base import NotConfigured
from .config import _from_setting, setting_entries
from .models import ENV_NAME


@checks.register("officesystems")
def check_office_systems_setting(app_configs=None, **kwargs):
    problems = []
    try:
        entries = setting_entries()
    except (TypeError, ValueError, AttributeError):
        return [
            checks.Error(
                "OFFICE_SYSTEMS must be a JSON object keyed by location id.",
                id="officesystems.E001",
            )
        ]
    for location_id, entry in entries.items():
        where = f"OFFICE_SYSTEMS[{location_id}]"
        try:
            config = _from_setting(location_id, entry if isinstance(entry, dict) else {})
            adapter = registry.adapter_class(config.adapter)
        except (NotConfigured, TypeError, ValueError) as error:
            problems.append(checks.Error(f"{where}: {error}", id="officesystems.E002"))
            continue
        if adapter.needs_base_url and not config.base_url.startswith(("https://", "http://")):
            problems.append(
                checks.Error(f"{where}: {config.adapter} needs base_url", id="officesystems.E003")
            )
        if config.credentials_env and not ENV_NAME.match(config.credentials_env):
            problems.append(
                checks.Error(
                    f"{where}: credentials_env must name an environment variable",
                    id="officesystems.E004",
                )
            )
        elif config.credentials_env and config.credentials_env not in os.environ:
            problems.append(
                checks.Warning(
                    f"{where}: the environment variable {config.credentials_env} is not set",
                    id="officesystems.W001",
                )
            )
    return problems
