#!/usr/bin/env python
"""Fails when a UI catalogue has a missing or fuzzy translation, or when the source holds
a translatable string that the catalogues do not have yet.

Run by `make check` and CI. The extraction step needs GNU gettext (xgettext); without it
only the catalogues themselves are checked, and the script says so.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
# English is the source language of the msgids, so its catalogue may stay empty.
TRANSLATED = ["de", "ar", "fa", "tr", "ru", "uk"]
ALL = ["de", "en", "ar", "fa", "tr", "ru", "uk"]


def catalogue(language):
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language.replace("-", "_"))


def problems_in_catalogues():
    problems = []
    for language in TRANSLATED:
        for message in catalogue(language):
            if not message.id:
                continue
            label = message.id if isinstance(message.id, str) else message.id[0]
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                problems.append(f"{language}: fuzzy: {label!r}")
            elif not all(strings):
                problems.append(f"{language}: missing: {label!r}")
    return problems


def problems_in_extraction():
    """Runs makemessages on a copy of the catalogues and reports msgids they lack."""
    if not shutil.which("xgettext"):
        print("check_translations: xgettext not found, skipping the extraction check")
        return []
    before = {m.id for m in catalogue("de") if m.id}
    backup = Path(tempfile.mkdtemp())
    shutil.copytree(LOCALE, backup / "locale")
    try:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "--no-location",
                "-l",
                "de",
                "--ignore=.venv",
                "--ignore=var",
                "--ignore=node_modules",
                "--ignore=tests",  # test fixtures feed the checks deliberately odd strings
                "--ignore=bench",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "willkommen.settings.dev"},
        )
        after = {m.id for m in catalogue("de") if m.id}
    finally:
        shutil.rmtree(LOCALE)
        shutil.copytree(backup / "locale", LOCALE)
        shutil.rmtree(backup)
    return [f"not in the catalogues (run make makemessages): {mid!r}" for mid in after - before]


def main():
    problems = problems_in_catalogues() + problems_in_extraction()
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_translations: {len(problems)} problem(s)")
        return 1
    print(f"check_translations: catalogues complete for {', '.join(ALL)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
