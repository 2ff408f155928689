#!/usr/bin/env python
"""Django's command-line utility for Willkommen."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "willkommen.settings.dev")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    from willkommen.config import exit_on_config_error

    exit_on_config_error(lambda: settings.INSTALLED_APPS)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
