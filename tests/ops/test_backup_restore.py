"""scripts/backup.sh and scripts/restore.sh really restore what was backed up.

Runs the scripts as an operator would, against a database of its own (a SQLite file in a
temporary directory; on PostgreSQL, when DATABASE_URL points there, a database named
``wk_ops_restore`` that is created and dropped here): create data, back up, destroy it,
restore, and compare a full ``dumpdata`` and the files of var/.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CREATE_DATA = """
from willkommen.organisations.models import Organisation, OrganisationKind, Location
office = Organisation.objects.create(name="Amt", short_name="ABH",
                                     kind=OrganisationKind.IMMIGRATION_OFFICE)
Location.objects.create(name="Büro Süd", street="Weg 1", postal_code="30159",
                        city="Hannover", federal_state="NI", office=office)
"""
DESTROY_DATA = """
from willkommen.organisations.models import Organisation, Location
Location.objects.all().delete(); Organisation.objects.all().delete()
Organisation.objects.create(name="Falsch", short_name="X", kind="immigration_office")
"""


def _run(args, env, **kwargs):
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=240, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _manage(env, *args):
    return _run([sys.executable, "manage.py", *args], env, cwd=ROOT)


def _dump(env):
    return _manage(env, "dumpdata", "organisations", "--indent", "1")


def _round_trip(tmp_path, database_url):
    var = tmp_path / "var"
    var.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "willkommen.settings.test",
        "DATABASE_URL": database_url,
        "WILLKOMMEN_VAR_DIR": str(var),
        "PYTHON": sys.executable,
    }
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "shell", "-c", CREATE_DATA)
    (var / "uploads").mkdir()
    (var / "uploads" / "note.txt").write_text("kept")
    before = _dump(env)
    assert "Büro Süd" in before

    backup = tmp_path / "backup"
    _run([str(ROOT / "scripts" / "backup.sh"), str(backup)], env)
    assert (backup / "SHA256SUMS").exists()

    _manage(env, "shell", "-c", DESTROY_DATA)
    (var / "uploads" / "note.txt").write_text("overwritten")
    assert _dump(env) != before

    _run([str(ROOT / "scripts" / "restore.sh"), str(backup)], env)
    assert _dump(env) == before
    assert (var / "uploads" / "note.txt").read_text() == "kept"
    _manage(env, "migrate", "--check")  # the restored schema is complete

    # A damaged backup is refused before anything is replaced.
    with (backup / "var.tar.gz").open("ab") as damaged:
        damaged.write(b"x")
    result = subprocess.run(
        [str(ROOT / "scripts" / "restore.sh"), str(backup)], env=env, capture_output=True
    )
    assert result.returncode != 0


def test_backup_and_restore_sqlite(tmp_path):
    _round_trip(tmp_path, f"sqlite:///{tmp_path / 'willkommen.sqlite3'}")


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL round trip runs when DATABASE_URL is a postgres:// URL",
)
def test_backup_and_restore_postgresql(tmp_path):
    server = urlparse(os.environ["DATABASE_URL"])
    name = f"wk_ops_restore_{uuid.uuid4().hex[:8]}"
    admin = server._replace(path="/postgres").geturl()
    _run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], os.environ)
    try:
        _round_trip(tmp_path, server._replace(path=f"/{name}").geturl())
    finally:
        _run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], os.environ)
