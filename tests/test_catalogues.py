"""The suite refuses to start on uncompiled catalogues, with the command that fixes it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import missing_catalogues

ROOT = Path(__file__).resolve().parent.parent


def test_the_catalogues_here_are_compiled():
    assert missing_catalogues() == []


def test_a_missing_or_stale_mo_is_named(tmp_path):
    messages = tmp_path / "locale" / "de" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text('msgid ""\nmsgstr ""\n')
    assert missing_catalogues(tmp_path / "locale") == ["locale/de/LC_MESSAGES/django.po"]
    (messages / "django.mo").write_bytes(b"")
    os.utime(messages / "django.mo", (0, 0))
    assert missing_catalogues(tmp_path / "locale") == ["locale/de/LC_MESSAGES/django.po"]


def test_control_pytest_stops_with_make_install_when_a_catalogue_is_not_compiled(tmp_path):
    copy = tmp_path / "project"
    skipped = shutil.ignore_patterns(".venv", "var", "node_modules", ".git")
    shutil.copytree(ROOT, copy, ignore=skipped)
    (copy / "locale" / "de" / "LC_MESSAGES" / "django.mo").unlink()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
         "tests/test_catalogues.py::test_the_catalogues_here_are_compiled"],
        cwd=copy, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 4
    assert "run `make install`" in result.stdout + result.stderr
